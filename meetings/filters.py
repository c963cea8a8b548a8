"""The public meeting finder: a FilterSet whose form decides what every query parameter means.

Invalid values are never an error page: the form drops them and the view says what it ignored.
The form's `clean()` settles what depends on the searcher's place and the clock ("today", whether
distance applies, the order) and what contradicts what; each filter then calls one QuerySet method.
"""
from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import F, Value
from django.db.models import IntegerField as IntegerOutput
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings import reference
from meetings.importers import LEGACY_ONLINE_TYPE
from meetings.models import TIMES_OF_DAY, Attendance, MeetingQuerySet
from places import timezones, weekdays
from places.filters import NearFilter, PlaceSearchMixin, RadiusFilter
from portal.filtering import ReusedFormMixin, ShallowCopiedFilters, SharedChoices

MAX_TEXT = 200
# Labels stay lazy: the choices are built once, and read in each page's language.
DAY_CHOICES = SharedChoices(
    [("today", _("Today"))] + [(str(day), name) for day, name in enumerate(weekdays.DAY_NAMES)]
)
TIME_CHOICES = SharedChoices(
    (key, format_lazy("{} ({})", label, hint)) for key, (label, hint, _first, _after) in TIMES_OF_DAY.items()
)
WHEN_CHOICES = SharedChoices([("soon", _("Starting within the next hour")), ("now", _("In progress now"))])
ATTENDANCE_CHOICES = SharedChoices([
    (Attendance.IN_PERSON.value, _("In person")),
    (Attendance.ONLINE.value, _("Online")),
    (Attendance.HYBRID.value, _("Hybrid (both at once)")),
])

# The form's choices that do not come from the database (views.form_options lists them).
FIXED_CHOICES = {"day": DAY_CHOICES, "time": TIME_CHOICES, "when": WHEN_CHOICES, "attendance": ATTENDANCE_CHOICES}


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


class MeetingFinderForm(forms.Form):
    """The finder's inputs, settled together once they are valid: `clean()` works out which day
    "today" is in the searcher's time zone, resolves choices that contradict each other, and picks
    the order of the results. The filters then read the settled values."""

    now: datetime.datetime  # set by MeetingFilterSet before the form is validated

    def clean(self):
        data = super().clean()
        self.conflicts: list[str] = []
        # Older links ask for online meetings with the type code ONL.
        types = data.get("type") or []
        if LEGACY_ONLINE_TYPE in types:
            data["type"] = [code for code in types if code != LEGACY_ONLINE_TYPE]
            data["attendance"] = data.get("attendance") or Attendance.ONLINE.value
        place, attendance, when = data.get("near"), data.get("attendance") or "", data.get("when") or ""
        self.zone = timezones.zone_for_place(place)
        self.today = timezones.today_in(self.zone, self.now)
        day = data.get("day") or ""
        self.day_number = self.today if day == "today" else int(day) if day else None
        if when and self.day_number is not None and self.day_number != self.today:
            # "Starting soon" and "in progress" are about now: another day would find nothing.
            self.conflicts.append(
                gettext("%(when)s means today, so we did not limit the meetings to %(day)s.")
                % {"when": dict(WHEN_CHOICES)[when], "day": weekdays.DAY_NAMES[self.day_number]}
            )
            data["day"], self.day_number = "", None
        # Distance limits in-person meetings; online meetings can be joined from anywhere.
        self.distance_applies = place is not None and attendance != Attendance.ONLINE
        if self.distance_applies:
            self.order = "distance"
        else:
            self.order = when or "day"
        # Listing today: the meetings that already ended go after those still to come.
        self.ended_today_last = self.day_number is not None and self.day_number == self.today and not when
        return data


class InPersonNearFilter(NearFilter):
    """Distance limits in-person meetings only: online meetings can be joined from anywhere, so a
    search for online meetings ignores the place, and a search by place without an attendance
    choice lists the meetings one can go to."""

    def filter(self, qs, value):
        form = self.parent.form
        if value is None or not form.distance_applies:
            return qs
        if not form.cleaned_data.get("attendance"):
            qs = qs.attendance(Attendance.IN_PERSON)
        return super().filter(qs, value)


ORDERS = {
    "distance": [F("distance").asc(), "start_time", "name"],
    "soon": [F("starts_in").asc(nulls_last=True), "name"],
    "now": [F("started_ago").asc(nulls_last=True), "name"],
    "day": ["start_time", "name"],
}


class ReferenceOptionsMixin:
    """Gives the fellowship and type filters their options (from `self.fellowships` and `self.types`)
    when a form class is built: after ReusedFormMixin, which builds one only for new lists."""

    def get_form_class(self):
        self.filters["fellowship"].extra["choices"] = SharedChoices((f.slug, f.name) for f in self.fellowships)
        self.filters["type"].extra["choices"] = SharedChoices(
            [(t.code, t.name) for t in self.types] + [(LEGACY_ONLINE_TYPE, _("Online"))]
        )
        return super().get_form_class()


class MeetingFilterSet(ReusedFormMixin, ReferenceOptionsMixin, PlaceSearchMixin, django_filters.FilterSet):
    """Find meetings by place and distance, day, time of day, right now, attendance, fellowship, type and words.

    Every parameter is a filter that calls one MeetingQuerySet method with the value the form
    settled (see MeetingFinderForm.clean); the order of the results comes last.
    """

    near = InPersonNearFilter()
    radius = RadiusFilter()
    day = django_filters.ChoiceFilter(label=_("Day"), choices=DAY_CHOICES, method="filter_day")
    time = django_filters.ChoiceFilter(label=_("Time of day"), choices=TIME_CHOICES, method="filter_time_of_day")
    when = django_filters.ChoiceFilter(label=_("Right now"), choices=WHEN_CHOICES, method="filter_when")
    attendance = django_filters.ChoiceFilter(
        label=_("How to attend"), choices=ATTENDANCE_CHOICES, method="filter_attendance"
    )
    fellowship = LenientMultipleChoiceFilter(label=_("Fellowship"), method="filter_fellowship")
    type = LenientMultipleChoiceFilter(label=_("Meeting type"), method="filter_types")
    q = django_filters.CharFilter(label=_("Keywords"), method="filter_keywords", max_length=MAX_TEXT)

    class Meta:
        model = None
        fields: list[str] = []
        form = MeetingFinderForm

    def __init__(self, data=None, *args, now: datetime.datetime, fellowships=None, types=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now
        cached_fellowships, cached_types = reference.choices()
        # The cached lists themselves (not copies): the form class built from them is reused while they last.
        self.fellowships = fellowships if fellowships is not None else cached_fellowships
        self.types = types if types is not None else cached_types
        self.form.now = now

    def form_class_sources(self) -> tuple:
        # The fellowship and type options come from the reference lists: new lists, a new form class.
        return (self.fellowships, self.types)

    # Filter methods: each delegates to a MeetingQuerySet method.

    def filter_day(self, queryset, name, value):
        day = self.form.day_number
        return queryset.on_weekday(day) if day is not None else queryset

    def filter_time_of_day(self, queryset, name, value):
        return queryset.at_time_of_day(value) if value else queryset

    def filter_when(self, queryset, name, value):
        if value == "soon":
            return queryset.starting_soon(self.now)
        if value == "now":
            return queryset.in_progress(self.now)
        return queryset

    def filter_attendance(self, queryset, name, value):
        return queryset.attendance(value) if value else queryset

    def filter_fellowship(self, queryset, name, value):
        return queryset.of_fellowships(value) if value else queryset

    def filter_types(self, queryset, name, value):
        return queryset.of_types(value) if value else queryset

    def filter_keywords(self, queryset, name, value):
        return queryset.search(value) if value and value.strip() else queryset

    # Whole-search values, as the form settled them (the defaults when the form is invalid).

    def settled(self, name: str, default=None):
        self.form.is_valid()  # validate once
        return getattr(self.form, name, default)

    @property
    def zone(self) -> str:
        """The searcher's time zone: their chosen place's, else the portal's."""
        return self.settled("zone") or timezones.zone_for_place(None)

    @property
    def today(self) -> int:
        return self.settled("today", timezones.today_in(self.zone, self.now))

    @property
    def day_number(self) -> int | None:
        """The chosen Meeting Guide day, with 'today' resolved in the searcher's time zone."""
        return self.settled("day_number")

    @property
    def attendance_mode(self) -> str | None:
        return self.cleaned("attendance") or None

    @property
    def distance_applies(self) -> bool:
        return bool(self.settled("distance_applies", False))

    @property
    def mode(self) -> str:
        """How results are ordered: by distance, by how soon they start, or grouped by day."""
        return self.settled("order", "day")

    @property
    def conflicts(self) -> list[str]:
        return list(self.settled("conflicts", []))

    @property
    def keywords(self) -> str:
        return self.cleaned("q", "").strip()

    def filter_queryset(self, queryset: MeetingQuerySet) -> MeetingQuerySet:
        queryset = super().filter_queryset(queryset)
        self.unordered = queryset
        order = ORDERS[self.mode]
        if self.settled("ended_today_last", False) and self.mode == "distance":
            # Every meeting within the distance is sorted anyway: the ended ones go last at no cost.
            queryset = queryset.with_ended_today(self.now, self.day_number)
            order = [F("ended_today").asc(), *order]
        if self.mode == "day" and self.day_number is not None:
            queryset = queryset.annotate(occurrence_day=Value(self.day_number, output_field=IntegerOutput()))
        return queryset.order_by(*order, "pk")

    def listing(self) -> "MeetingQuerySet | DayListing":
        """The results in display order: a queryset, or a DayListing when every day is listed."""
        results = self.qs
        if self.mode == "day" and self.day_number is None:
            return DayListing(self.unordered, first_day=self.today, now=self.now)
        if self.mode == "day" and self.settled("ended_today_last", False):
            return DayListing(self.unordered, first_day=self.today, now=self.now, days=[self.today])
        return results

    def ignored_options(self) -> dict[str, list[str]]:
        """Options of the multi-selects that were not recognised, by parameter."""
        self.form.is_valid()  # validate once: cleaned_data is set from here on
        return {
            name: self.form.fields[name].ignored
            for name in ("fellowship", "type")
            if getattr(self.form.fields[name], "ignored", None)
        }


# Each request copies the filters shallowly (their choices and labels never change).
MeetingFilterSet.base_filters = ShallowCopiedFilters(MeetingFilterSet.base_filters)


class DayListing:
    """A search's meetings listed under each day they meet, days in order from today, times in order.

    It slices like a list (for Django's Paginator) and reads only the rows of the page it is asked
    for: one short index range per day, instead of sorting every meeting-day of the week.
    """

    # Today's meetings that already ended go after those still to come when there are at most this many
    # today: the reorder sorts all of them. A longer list (a whole country's) keeps start-time order,
    # which an index answers in a few rows, and only marks the ended ones.
    MAX_REORDERED = 500

    def __init__(self, queryset: MeetingQuerySet, *, first_day: int, now: datetime.datetime | None = None,
                 days: list[int] | None = None):
        self.queryset = queryset
        self.first_day = first_day
        self.now = now  # given: today's meetings that already ended are marked (and listed last)
        self.days = days if days is not None else [(first_day + offset) % 7 for offset in range(7)]
        self._counts: dict[int, int] | None = None

    @property
    def counts(self) -> dict[int, int]:
        if self._counts is None:
            if len(self.days) == 1:  # one day (the queryset already holds only its meetings)
                self._counts = {self.days[0]: self.queryset.on_weekday(self.days[0]).count()}
            else:
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
                meetings = self.queryset.on_weekday(day).annotate(
                    occurrence_day=Value(day, output_field=IntegerOutput())
                )
                order = ["start_time", "name", "pk"]
                if day == self.first_day and self.now is not None:
                    meetings = meetings.with_ended_today(self.now, day)
                    if size <= self.MAX_REORDERED:
                        order = ["ended_today", *order]
                rows.extend(meetings.order_by(*order)[low:high])
            offset += size
            if offset >= stop:
                break
        return rows
