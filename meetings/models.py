"""Support-group meetings in the shape of the Meeting Guide feed format, with the fellowships that hold them.

A meeting is one row with an array of Meeting Guide days (0 = Sunday ... 6 = Saturday), as a feed
lists it: one slug, one page and one calendar event per meeting, however many days it meets. Times
are wall-clock times in the meeting's own IANA time zone; queries that depend on "now" convert now
into each zone in use (see MeetingQuerySet.starting_soon).
"""
from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone as django_timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from meetings.querysets import (  # noqa: F401  (read from meetings.models by the filters, signals, admin and importers)
    TIMES_OF_DAY,
    Attendance,
    MeetingQuerySet,
    attendance_for,
    forget_occurrence_counts,
    forget_zones_in_use,
    zones_in_use,
)
from phones import numbers as phones
from places import geo, timezones, weekdays
from places.weekdays import Weekday
from portal.i18n import localized
from portal.models import Verifiable

DEFAULT_LENGTH = datetime.timedelta(hours=1)  # the spec's default when a feed gives no end time


class WeekdaysFormField(forms.TypedMultipleChoiceField):
    """Tick boxes for the days a meeting meets, cleaned to a sorted list of day numbers."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Weekday.choices)
        kwargs.setdefault("coerce", int)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return [str(day) for day in value] if isinstance(value, (list, tuple)) else value

    def clean(self, value):
        return sorted(set(super().clean(value)))


class WeekdaysField(ArrayField):
    """An array of Meeting Guide day numbers, edited as tick boxes."""

    def __init__(self, *args, **kwargs):
        kwargs["base_field"] = models.PositiveSmallIntegerField(choices=Weekday.choices)
        kwargs["size"] = 7
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("base_field", None)
        kwargs.pop("size", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return WeekdaysFormField(
            label=capfirst(self.verbose_name), help_text=self.help_text, required=not self.blank
        )


def describe_days(days) -> str:
    """Meeting Guide days in words: 'Mondays', 'Mondays and Thursdays', 'Weekdays' or 'Every day'."""
    days = sorted(set(days or []))
    if days == list(range(7)):
        return gettext("Every day")
    if days == [1, 2, 3, 4, 5]:
        return gettext("Weekdays (Monday to Friday)")
    if days == [0, 6]:
        return gettext("Saturdays and Sundays")
    names = [str(weekdays.DAY_PLURALS[day]) for day in sorted(days, key=weekdays.monday_first)]
    if len(names) == 1:
        return capfirst(names[0])
    return capfirst(gettext("%(days)s and %(last)s") % {"days": ", ".join(names[:-1]), "last": names[-1]})


class Fellowship(models.Model):
    """A mutual-aid fellowship or recovery program whose groups hold meetings (NA, SMART Recovery, ...)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True, help_text="Used in search addresses, e.g. 'na'.")
    abbreviation = models.CharField(max_length=20, blank=True, help_text="Short name, e.g. NA.")
    website = models.URLField(blank=True, max_length=300)
    description = models.TextField(blank=True, help_text="One or two sentences for the public: who it is for.")
    name_es = models.CharField(
        "name in Spanish", max_length=100, blank=True,
        help_text="The name Spanish speakers know it by, e.g. Narcóticos Anónimos; shown on Spanish pages.",
    )
    description_es = models.TextField(
        "description in Spanish", blank=True, help_text="Shown on Spanish pages; the English one is used when empty."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        return self.abbreviation or self.name

    @property
    def localized_name(self) -> str:
        """The name in the active language: the Spanish one on Spanish pages when there is one."""
        return localized(self.name, self.name_es)

    @property
    def localized_description(self) -> str:
        return localized(self.description, self.description_es)


class MeetingType(models.Model):
    """A Meeting Guide meeting type: O (Open), W (Women), S (Spanish), X (Wheelchair access), ..."""

    code = models.CharField(
        max_length=10, unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", "Use letters, digits and hyphens, as the spec's codes do.")],
        help_text="The code used in Meeting Guide feeds and in search addresses.",
    )
    name = models.CharField(max_length=100)
    name_es = models.CharField(
        "name in Spanish", max_length=100, blank=True,
        help_text="Shown on Spanish pages; the Meeting Guide specification's Spanish name for the spec's codes.",
    )
    description = models.TextField(blank=True, help_text="Shown to the public on meeting pages, when given.")
    featured = models.BooleanField(default=False, help_text="Offer this type as a tick box on the meeting finder.")


    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def localized_name(self) -> str:
        """The name in the active language: the Spanish one on Spanish pages when there is one."""
        return localized(self.name, self.name_es)


LOCATION_CLOSED_TYPE = "TC"


def default_zone() -> str:
    return settings.TIME_ZONE


class Meeting(Verifiable):
    """A weekly support-group meeting: when, where or how to join, and what kind of meeting it is."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        TEMPORARILY_CLOSED = "temporarily_closed", "Temporarily closed"

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=200, unique=True, help_text="The meeting's address on this site.")
    fellowship = models.ForeignKey(Fellowship, on_delete=models.PROTECT, related_name="meetings")

    days = WeekdaysField(help_text="The days it meets, in its own time zone.")
    start_time = models.TimeField(help_text="Local time in the meeting's time zone.")
    end_time = models.TimeField(
        null=True, blank=True,
        help_text="Leave empty for a one-hour meeting. An end before the start means it ends after midnight.",
    )
    ends_at = models.GeneratedField(
        expression=Coalesce(
            F("end_time"),
            Func(F("start_time"), template="(%(expressions)s + interval '1 hour')", output_field=models.TimeField()),
            output_field=models.TimeField(),
        ),
        output_field=models.TimeField(),
        db_persist=True,
    )
    timezone = models.CharField(
        "time zone", max_length=64, default=default_zone, validators=[timezones.validate_zone],
        help_text="IANA name such as America/New_York, America/Chicago, America/Denver, America/Phoenix.",
    )
    types = models.ManyToManyField(MeetingType, blank=True, related_name="meetings")
    other_type_codes = ArrayField(
        models.CharField(max_length=30), blank=True, default=list,
        help_text="Type codes an imported feed used that are not in the Meeting Guide list, kept as received.",
    )

    location = models.CharField("location name", max_length=255, blank=True, help_text="Building or landmark.")
    address = models.CharField(
        "street address", max_length=255, blank=True,
        help_text="Leave empty for online-only meetings. Put 'upstairs' and such in the location notes.",
    )
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=60, blank=True, default="US")
    approximate = models.BooleanField(
        "approximate place", default=False,
        help_text="The address is only roughly where the meeting is (a city for an online meeting): not a place to go.",
    )
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Leave empty to use the centre of the ZIP code.",
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="Leave empty to use the centre of the ZIP code.",
    )
    location_notes = models.TextField(blank=True, help_text="Notes for every meeting at this location.")
    notes = models.TextField(blank=True, help_text="Notes about this meeting only. Plain text.")

    conference_url = models.URLField("conference link", max_length=500, blank=True)
    conference_url_notes = models.TextField("conference link notes", blank=True, help_text="e.g. meeting ID, passcode.")
    conference_phone = models.CharField(
        "conference phone", max_length=60, blank=True, validators=[phones.validate_conference_phone],
        help_text="With the country code outside the US; one-tap codes may follow after commas: +14105550123,,123456#",
    )
    conference_phone_notes = models.TextField(blank=True)

    group_name = models.CharField("group", max_length=255, blank=True, help_text="The group that holds the meeting.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INACTIVE, editable=False,
        help_text="Worked out from the address, the conference details and the TC type.",
    )

    source = models.CharField(max_length=100, blank=True, help_text="Feed it was imported from; empty if added here.")
    source_slug = models.CharField(max_length=255, blank=True, help_text="Its slug in that feed.")
    source_url = models.URLField("page at source", max_length=500, blank=True)

    search_vector = models.GeneratedField(
        expression=(
            SearchVector("name", weight="A", config="english")
            + SearchVector("group_name", "location", weight="B", config="english")
            + SearchVector("notes", "location_notes", "city", weight="C", config="english")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(default=django_timezone.now, help_text="When the listing last changed.")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # One small B-tree per weekday, holding only the listed meetings on that day: "today, evening"
        # and "starting within the hour" become range scans on start time, with the zone and attendance
        # checked inside the index, and counting a day's meetings reads the index alone. (A GIN index
        # on days was slower: a weekday is a seventh of all rows.)
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="meeting_lat_lng"),
            models.Index(fields=["timezone", "start_time"], name="meeting_zone_start"),
            models.Index(fields=["start_time"], name="meeting_start"),
            *[
                models.Index(
                    fields=["start_time", "timezone", "attendance"],
                    condition=Q(days__contains=[day], status="active") & ~Q(attendance=Attendance.INACTIVE),
                    name=f"meeting_{weekdays.ICAL_DAYS[day].lower()}_start",
                )
                for day in range(7)
            ],
            GinIndex(fields=["search_vector"], name="meeting_search"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_slug"], condition=~Q(source=""), name="meeting_unique_source_slug"
            ),
            models.CheckConstraint(
                condition=Q(days__len__gte=1) & Q(days__contained_by=[0, 1, 2, 3, 4, 5, 6]),
                name="meeting_days_valid",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="meeting_both_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting-detail", kwargs={"slug": self.slug})

    def get_calendar_url(self) -> str:
        return reverse("meetings:meeting-calendar", kwargs={"slug": self.slug})

    # Validation and saving.

    def clean(self) -> None:
        super().clean()
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = "Give both latitude and longitude, or leave both empty."
        if self.end_time is not None and self.end_time == self.start_time:
            errors["end_time"] = "The end time is the same as the start time. Leave it empty for a one-hour meeting."
        if (not (self.address or "").strip() or self.approximate) and not (self.conference_url or self.conference_phone):
            errors["address"] = "Give an exact street address, or a conference link or phone for an online meeting."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.days = sorted(set(self.days or []))
        if self.conference_phone:
            self.conference_phone = phones.normalize_conference(self.conference_phone) or self.conference_phone
        if self.latitude is None and self.address and self.postal_code:
            point = geo.gazetteer().zip_point(self.postal_code)
            if point:
                self.latitude, self.longitude = point
        codes = list(self.types.values_list("code", flat=True)) if self.pk else []
        self.attendance = self.compute_attendance(codes)
        super().save(*args, **kwargs)

    def compute_attendance(self, type_codes) -> str:
        return attendance_for(
            address=self.address,
            approximate=self.approximate,
            conference_url=self.conference_url,
            conference_phone=self.conference_phone,
            location_closed=LOCATION_CLOSED_TYPE in set(type_codes),
        )

    # Time.

    @property
    def zone(self):
        return timezones.get_zone(self.timezone)

    @property
    def zone_label(self) -> str:
        return timezones.zone_label(self.timezone)

    @property
    def length(self) -> datetime.timedelta:
        """How long the meeting lasts (an hour when no end time is given)."""
        if self.end_time is None:
            return DEFAULT_LENGTH
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.start_time)
        end = datetime.datetime.combine(datetime.date(2000, 1, 1), self.end_time)
        if end <= start:
            end += datetime.timedelta(days=1)
        return end - start

    @property
    def crosses_midnight(self) -> bool:
        return self.end_time is not None and self.end_time <= self.start_time

    def next_start(self, now: datetime.datetime) -> datetime.datetime:
        """The next time the meeting starts (at or after `now`), as an aware datetime in its own zone."""
        local = now.astimezone(self.zone)
        for offset in range(8):
            date = local.date() + datetime.timedelta(days=offset)
            if weekdays.meeting_day(date) in self.days:
                start = datetime.datetime.combine(date, self.start_time, tzinfo=self.zone)
                if start.astimezone(datetime.UTC) >= now.astimezone(datetime.UTC):
                    return start
        raise ValueError(f"Meeting {self.pk} has no days")

    def days_display(self) -> str:
        """'Mondays', 'Mondays and Thursdays', 'Weekdays' or 'Every day'."""
        return describe_days(self.days)

    # Place.

    @property
    def is_in_person(self) -> bool:
        return self.attendance in (Attendance.IN_PERSON, Attendance.HYBRID)

    @property
    def is_online(self) -> bool:
        return self.attendance in (Attendance.ONLINE, Attendance.HYBRID)

    @property
    def has_street_address(self) -> bool:
        """An exact street address: somewhere a person can go (an approximate place is not)."""
        return bool(self.address.strip()) and not self.approximate

    @property
    def locality(self) -> str:
        """'Baltimore, MD 21201'-style line, or whatever part of it is known."""
        region = " ".join(part for part in (self.state, self.postal_code) if part)
        return ", ".join(part for part in (self.city, region) if part)

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.address, self.locality) if line]

    @property
    def formatted_address(self) -> str:
        """The address in one line, as Meeting Guide's formatted_address."""
        parts = [self.address, self.city, " ".join(p for p in (self.state, self.postal_code) if p), self.country]
        return ", ".join(part for part in parts if part)


class MeetingToVerify(Meeting):
    """Meetings seen through the staff verification queue (a proxy: same rows, its own admin)."""

    class Meta:
        proxy = True
        verbose_name = "meeting to re-verify"
        verbose_name_plural = "meetings to re-verify"
