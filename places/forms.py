"""Form pieces for searching near a place: the location field and the distances offered."""
from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from places import geo

# Labels stay lazy: the choices are built once, and read in each page's language ("25 millas").
RADIUS_CHOICES = [(miles, format_lazy("{} {}", miles, _("miles"))) for miles in (5, 10, 25, 50, 100)]
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
