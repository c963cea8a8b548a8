"""django-filter pieces for searching near a place: `NearFilter`, `RadiusFilter` and the mixin
that gives a FilterSet its chosen place and distance."""
from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from places import geo
from places.forms import DEFAULT_RADIUS, RADIUS_CHOICES, LocationField


class NearFilter(django_filters.Filter):
    """Keeps the rows within the chosen distance of the chosen place: its `filter()` calls the
    queryset's `near()` (places.distance.NearQuerySetMixin) with the FilterSet's radius."""

    field_class = LocationField

    def __init__(self, *args, radius_param: str = "radius", **kwargs):
        kwargs.setdefault("label", _("ZIP code or city"))
        super().__init__(*args, **kwargs)
        self.radius_param = radius_param

    def radius_miles(self) -> int:
        cleaned = getattr(self.parent.form, "cleaned_data", {}) if self.parent is not None else {}
        return int(cleaned.get(self.radius_param) or DEFAULT_RADIUS)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.near(value, self.radius_miles())


class RadiusFilter(django_filters.ChoiceFilter):
    """The distance for NearFilter. It validates the `radius` parameter and filters nothing itself:
    the NearFilter of the same FilterSet reads it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Distance"))
        kwargs.setdefault("choices", RADIUS_CHOICES)
        kwargs.setdefault("empty_label", None)
        kwargs.setdefault("widget", forms.Select)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs


class PlaceSearchMixin:
    """What every place-based FilterSet shares: validated values, the place, the distance, and
    the suggestions offered when the place could not be found. Expects `near` and `radius` filters."""

    def cleaned(self, name: str, default=None):
        """The validated value of one parameter; invalid or missing values give the default."""
        self.form.is_valid()  # validate once
        return getattr(self.form, "cleaned_data", {}).get(name) or default

    @property
    def place(self) -> geo.Place | None:
        return self.cleaned("near")

    @property
    def radius_miles(self) -> int:
        return int(self.cleaned("radius", DEFAULT_RADIUS))

    def location_suggestions(self) -> list[str]:
        """Places the person may have meant, when the one they typed was unknown or ambiguous."""
        field = self.form.fields.get("near")
        return list(getattr(field, "suggestions", [])) if "near" in self.form.errors else []
