"""Form pieces for searching near a place: the location field and the distances offered."""
from __future__ import annotations

from django import forms

from places import geo

RADIUS_CHOICES = [(5, "5 miles"), (10, "10 miles"), (25, "25 miles"), (50, "50 miles"), (100, "100 miles")]
DEFAULT_RADIUS = 25


class LocationField(forms.CharField):
    """A ZIP code, 'City, ST' or 'lat,lng', cleaned to a geo.Place (offline, see places.geo)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", geo.MAX_LOCATION_LENGTH)
        super().__init__(*args, **kwargs)
        self.suggestions: list[str] = []

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return geo.resolve(text)
        except geo.LocationError as error:
            self.suggestions = error.suggestions
            raise forms.ValidationError(error.message, code="location") from error
