"""The public meeting finder: a FilterSet whose form decides what every query parameter means.

Invalid values are never an error page: the form drops them and the view says what it ignored.
Filters that depend on the searcher's place or on the clock (distance, "today", starting soon, in
progress) are applied together in `filter_queryset`, after the plain ones.
"""
from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import F, Value
from django.db.models import IntegerField as IntegerOutput

from meetings import reference
from meetings.importers import LEGACY_ONLINE_TYPE
from meetings.models import TIMES_OF_DAY, Attendance, MeetingQuerySet
from places import timezones, weekdays
from places.filters import NearFilter, PlaceSearchMixin, RadiusFilter

MAX_TEXT = 200
DAY_CHOICES = [("today", "Today")] + [(str(day), name) for day, name in enumerate(weekdays.DAY_NAMES)]
TIME_CHOICES = [(key, f"{label} ({hint})") for key, (label, hint, _first, _after) in TIMES_OF_DAY.items()]
WHEN_CHOICES = [("soon", "Starting within the next hour"), ("now", "In progress now")]
ATTENDANCE_CHOICES = [
    (Attendance.IN_PERSON.value, "In person"),
    (Attendance.ONLINE.value, "Online"),
    (Attendance.HYBRID.value, "Hybrid (both at once)"),
]


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """A multi-select that keeps the options it knows and sets aside the others (in `ignored`)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.ignored: list[str] = []

    def clean(self, value):
        values = self.to_python(value)
        self.ignored = [item[:30] for item in values if not self.valid_value(item)]
        return list(dict.fromkeys(item for item in values if self.valid_value(item)))


class LenientMultipleChoiceFilter(django_filters.Filter):
    field_class = LenientMultipleChoiceField


class InPersonNearFilter(NearFilter):
    """Distance limits in-person meetings only: online meetings can be joined from anywhere, so a
    search for online meetings ignores the place, and a search by place without an attendance
    choice lists the meetings one can go to."""

    def filter(self, qs, value):
        if value is None or not self.parent.distance_applies:
            return qs
        if not self.parent.attendance_mode:
            qs = qs.attendance(Attendance.IN_PERSON)
        return super().filter(qs, value)


class MeetingFilterSet(PlaceSearchMixin, django_filters.FilterSet):
    """Find meetings by place and distance, day, time of day, right now, attendance, fellowship, type and words."""

    near = InPersonNearFilter()
    radius = RadiusFilter()
    day = django_filters.ChoiceFilter(label="Day", choices=DAY_CHOICES, method="filter_nothing")
    time = django_filters.ChoiceFilter(label="Time of day", choices=TIME_CHOICES, method="filter_time_of_day")
    when = django_filters.ChoiceFilter(label="Right now", choices=WHEN_CHOICES, method="filter_nothing")
    attendance = django_filters.ChoiceFilter(label="How to attend", choices=ATTENDANCE_CHOICES, method="filter_nothing")
    fellowship = LenientMultipleChoiceFilter(label="Fellowship", method="filter_fellowship")
    type = LenientMultipleChoiceFilter(label="Meeting type", method="filter_types")
    q = django_filters.CharFilter(label="Keywords", method="filter_keywords", max_length=MAX_TEXT)

    class Meta:
        model = None
        fields: list[str] = []

    def __init__(self, data=None, *args, now: datetime.datetime, fellowships=None, types=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now
        cached_fellowships, cached_types = reference.choices()
        self.fellowships = list(fellowships if fellowships is not None else cached_fellowships)
        self.types = list(types if types is not None else cached_types)
        self.form.fields["fellowship"].choices = [(f.slug, f.name) for f in self.fellowships]
        self.form.fields["type"].choices = [(t.code, t.name) for t in self.types] + [(LEGACY_ONLINE_TYPE, "Online")]

    # Filter methods: each delegates to a MeetingQuerySet method.

    def filter_nothing(self, queryset, name, value):
        """Handled together with the place and the clock in filter_queryset."""
        return queryset

    def filter_time_of_day(self, queryset, name, value):
        return queryset.at_time_of_day(value) if value else queryset

    def filter_fellowship(self, queryset, name, value):
        return queryset.of_fellowships(value) if value else queryset

    def filter_types(self, queryset, name, value):
        codes = [code for code in value or [] if code != LEGACY_ONLINE_TYPE]
        return queryset.of_types(codes) if codes else queryset

    def filter_keywords(self, queryset, name, value):
        return queryset.search(value) if value and value.strip() else queryset

    # Whole-search values.

    @property
    def zone(self) -> str:
        """The searcher's time zone: their chosen place's, else the portal's."""
        return timezones.zone_for_place(self.place)

    @property
    def today(self) -> int:
        return timezones.today_in(self.zone, self.now)

    @property
    def day_number(self) -> int | None:
        """The chosen Meeting Guide day, with 'today' resolved in the searcher's time zone."""
        chosen = self.cleaned("day")
        if chosen == "today":
            return self.today
        return int(chosen) if chosen else None

    @property
    def attendance_mode(self) -> str | None:
        chosen = self.cleaned("attendance")
        if not chosen and LEGACY_ONLINE_TYPE in self.cleaned("type", []):
            return Attendance.ONLINE  # older links ask for online meetings with the type code ONL
        return chosen or None

    @property
    def distance_applies(self) -> bool:
        """Distance limits in-person meetings; online meetings can be joined from anywhere."""
        return self.place is not None and self.attendance_mode != Attendance.ONLINE

    @property
    def mode(self) -> str:
        """How results are ordered: by distance, by how soon they start, or grouped by day."""
        if self.distance_applies:
            return "distance"
        return {"soon": "soon", "now": "now"}.get(self.cleaned("when"), "day")

    @property
    def keywords(self) -> str:
        return self.cleaned("q", "").strip()

    def filter_queryset(self, queryset: MeetingQuerySet) -> MeetingQuerySet:
        queryset = super().filter_queryset(queryset)
        mode = self.attendance_mode
        if mode:
            queryset = queryset.attendance(mode)
        if self.day_number is not None:
            queryset = queryset.on_weekday(self.day_number)
        when = self.cleaned("when")
        if when == "soon":
            queryset = queryset.starting_soon(self.now)
        elif when == "now":
            queryset = queryset.in_progress(self.now)
        self.unordered = queryset
        order = {
            "distance": [F("distance").asc(), "start_time", "name"],
            "soon": [F("starts_in").asc(nulls_last=True), "name"],
            "now": [F("started_ago").asc(nulls_last=True), "name"],
            "day": ["start_time", "name"],
        }[self.mode]
        if self.mode == "day" and self.day_number is not None:
            queryset = queryset.annotate(occurrence_day=Value(self.day_number, output_field=IntegerOutput()))
        return queryset.order_by(*order, "pk")

    def listing(self) -> "MeetingQuerySet | DayListing":
        """The results in display order: a queryset, or a DayListing when every day is listed."""
        results = self.qs
        if self.mode == "day" and self.day_number is None:
            return DayListing(self.unordered, first_day=self.today)
        return results

    def ignored_options(self) -> dict[str, list[str]]:
        """Options of the multi-selects that were not recognised, by parameter."""
        self.form.errors
        return {
            name: self.form.fields[name].ignored
            for name in ("fellowship", "type")
            if getattr(self.form.fields[name], "ignored", None)
        }


class DayListing:
    """A search's meetings listed under each day they meet, days in order from today, times in order.

    It slices like a list (for Django's Paginator) and reads only the rows of the page it is asked
    for: one short index range per day, instead of sorting every meeting-day of the week.
    """

    def __init__(self, queryset: MeetingQuerySet, *, first_day: int):
        self.queryset = queryset
        self.days = [(first_day + offset) % 7 for offset in range(7)]
        self._counts: dict[int, int] | None = None

    @property
    def counts(self) -> dict[int, int]:
        if self._counts is None:
            self._counts = self.queryset.occurrences_per_day()
        return self._counts

    def count(self) -> int:
        return sum(self.counts.values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list:
        if not isinstance(key, slice):
            raise TypeError("DayListing only supports slices")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        rows, offset = [], 0
        for day in self.days:
            size = self.counts.get(day, 0)
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                rows.extend(
                    self.queryset.on_weekday(day)
                    .annotate(occurrence_day=Value(day, output_field=IntegerOutput()))
                    .order_by("start_time", "name", "pk")[low:high]
                )
            offset += size
            if offset >= stop:
                break
        return rows
