"""Support-group meetings in the shape of the Meeting Guide feed format, with the fellowships that hold them.

A meeting is one row with an array of Meeting Guide days (0 = Sunday ... 6 = Saturday), as a feed
lists it: one slug, one page and one calendar event per meeting, however many days it meets. Times
are wall-clock times in the meeting's own IANA time zone; queries that depend on "now" convert now
into each zone in use (see MeetingQuerySet.starting_soon).
"""
from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict

from django import forms
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models, transaction
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone as django_timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from phones import numbers as phones
from places import geo, timezones, weekdays
from places.distance import NearQuerySetMixin
from places.weekdays import Weekday
from portal import caching
from portal.i18n import localized
from portal.models import Verifiable, VerifiableQuerySet

DEFAULT_LENGTH = datetime.timedelta(hours=1)  # the spec's default when a feed gives no end time
SOON = datetime.timedelta(minutes=60)

# Time-of-day buckets by the meeting's own start time: (first minute, first minute after).
TIMES_OF_DAY = {
    "morning": (_("Morning"), _("5 AM to noon"), datetime.time(5), datetime.time(12)),
    "midday": (_("Midday"), _("noon to 5 PM"), datetime.time(12), datetime.time(17)),
    "evening": (_("Evening"), _("5 PM to 9 PM"), datetime.time(17), datetime.time(21)),
    "night": (_("Night"), _("9 PM to 5 AM"), datetime.time(21), datetime.time(5)),
}


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


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online (hybrid)")
    INACTIVE = "inactive", _("No way to attend listed")


def attendance_for(
    *, address: str, conference_url: str, conference_phone: str, location_closed: bool, approximate: bool = False
) -> str:
    """How a person can attend: in person needs an exact street address (not an approximate place) whose
    location is open (no TC type), online needs a conference link or phone; both is hybrid; neither
    leaves nothing to attend."""
    in_person = bool((address or "").strip()) and not approximate and not location_closed
    online = bool((conference_url or "").strip() or (conference_phone or "").strip())
    if in_person and online:
        return Attendance.HYBRID
    if in_person:
        return Attendance.IN_PERSON
    if online:
        return Attendance.ONLINE
    return Attendance.INACTIVE


LOCATION_CLOSED_TYPE = "TC"


ZONES_MAX_AGE = 60  # seconds
ZONES_CACHE_KEY = "meetings:zones-in-use:{using}"
COUNTS_MAX_AGE = 60  # seconds
COUNTS_GROUP = "meetings:occurrence-counts"


def zones_in_use(using: str = "default") -> list[str]:
    """Every time zone some meeting uses, from the cache (kept for a minute; saving, deleting or
    importing a meeting clears it)."""
    return caching.shared(ZONES_CACHE_KEY.format(using=using), lambda: read_zones_in_use(using), ZONES_MAX_AGE)


def forget_zones_in_use(**kwargs) -> None:
    """Drop the cached list (connected to saves and deletes of meetings; called after imports)."""
    caching.forget(*(ZONES_CACHE_KEY.format(using=using) for using in connections))


def forget_occurrence_counts(**kwargs) -> None:
    """Drop every cached count of meetings per day (connected to saves and deletes of meetings, their
    types and fellowships; called after imports and the admin's bulk actions). Again when the transaction
    commits: a request may have counted the rows as they were in between."""
    caching.forget_group(COUNTS_GROUP)
    transaction.on_commit(lambda: caching.forget_group(COUNTS_GROUP))


def read_zones_in_use(using: str = "default") -> list[str]:
    """Every time zone some meeting uses, read with a loose index scan (one probe per zone)."""
    table = Meeting._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE zone(name) AS (
                (SELECT timezone FROM {table} ORDER BY timezone LIMIT 1)
                UNION ALL
                SELECT (SELECT m.timezone FROM {table} m WHERE m.timezone > zone.name ORDER BY m.timezone LIMIT 1)
                FROM zone WHERE zone.name IS NOT NULL
            )
            SELECT name FROM zone WHERE name IS NOT NULL
            """
        )
        return [row[0] for row in cursor.fetchall()]


class MeetingQuerySet(NearQuerySetMixin, VerifiableQuerySet):
    def active(self) -> "MeetingQuerySet":
        """Meetings a person can go to: not temporarily closed, with an address or a way to join online."""
        return self.filter(status=Meeting.Status.ACTIVE).exclude(attendance=Attendance.INACTIVE)

    def on_weekday(self, day: int) -> "MeetingQuerySet":
        """Meetings held on a Meeting Guide day (0 = Sunday), in their own time zone."""
        return self.filter(days__contains=[int(day)])

    def at_time_of_day(self, bucket: str) -> "MeetingQuerySet":
        """Meetings starting in the morning, midday, evening or night of their own time zone."""
        _label, _hint, first, after = TIMES_OF_DAY[bucket]
        if first < after:
            return self.filter(start_time__gte=first, start_time__lt=after)
        return self.filter(Q(start_time__gte=first) | Q(start_time__lt=after))

    def attendance(self, mode: str) -> "MeetingQuerySet":
        """Meetings a person can attend that way: hybrid meetings count as both in person and online."""
        if mode == Attendance.HYBRID:
            return self.filter(attendance=Attendance.HYBRID)
        if mode in (Attendance.IN_PERSON, Attendance.ONLINE):
            return self.filter(attendance__in=[mode, Attendance.HYBRID])
        raise ValueError(f"Unknown attendance mode {mode!r}")

    def of_fellowships(self, slugs) -> "MeetingQuerySet":
        return self.filter(fellowship__slug__in=list(slugs))

    def of_types(self, codes) -> "MeetingQuerySet":
        """Meetings that have every one of the given type codes (Women and Spanish: both)."""
        through = Meeting.types.through
        queryset = self
        for code in codes:
            queryset = queryset.filter(
                Exists(through.objects.filter(meeting_id=OuterRef("pk"), meetingtype__code=code))
            )
        return queryset

    def search(self, text: str) -> "MeetingQuerySet":
        """Meetings matching web-style search text, annotated with `rank`."""
        query = SearchQuery(text, search_type="websearch", config="english")
        return self.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))

    def starting_soon(self, now: datetime.datetime, within: datetime.timedelta = SOON) -> "MeetingQuerySet":
        """Meetings whose start time the clocks of their own zone show between now and now + `within`.

        Now is converted into each zone in use (zones whose clocks agree share one condition), so the
        SQL compares plain wall-clock times, which the per-weekday indexes answer as range scans.
        Annotated with `starts_in` (seconds until the start).
        """
        start = now.astimezone(datetime.timezone.utc)  # so that adding `within` adds real time
        in_use = zones_in_use(self.db)
        groups: dict[tuple, list[str]] = defaultdict(list)
        for zone in in_use:
            groups[timezones.wall_windows(start, start + within, zone)].append(zone)
        t = self._table()
        clauses, params = [], []
        for windows, names in groups.items():
            for window in windows:
                clauses.append(
                    f"({t}.timezone = ANY(%s) AND {t}.days @> ARRAY[%s]::smallint[]"
                    f" AND {t}.start_time >= %s AND {t}.start_time <= %s)"
                )
                params += [names, window.day, window.start, window.end]
        return self._where_any(clauses, params).annotate(starts_in=self._seconds_of_day(now, in_use, "start"))

    def in_progress(self, now: datetime.datetime) -> "MeetingQuerySet":
        """Meetings under way at `now` in their own zone, including ones that started before midnight.

        A meeting without an end time lasts an hour; one whose end is not after its start ends the next day.
        Annotated with `started_ago` (seconds since it started).
        """
        in_use = zones_in_use(self.db)
        groups: dict[datetime.datetime, list[str]] = defaultdict(list)
        for zone in in_use:
            groups[timezones.local_now(now, zone).replace(tzinfo=None)].append(zone)
        t = self._table()
        clauses, params = [], []
        for local, names in groups.items():
            day, clock = weekdays.meeting_day(local.date()), local.time()
            clauses.append(
                f"({t}.timezone = ANY(%s) AND {t}.days @> ARRAY[%s]::smallint[] AND {t}.start_time <= %s"
                f" AND ({t}.ends_at > %s OR {t}.ends_at <= {t}.start_time))"
            )
            params += [names, day, clock, clock]
            clauses.append(  # started yesterday, ends after midnight
                f"({t}.timezone = ANY(%s) AND {t}.days @> ARRAY[%s]::smallint[]"
                f" AND {t}.ends_at <= {t}.start_time AND {t}.ends_at > %s)"
            )
            params += [names, (day - 1) % 7, clock]
        return self._where_any(clauses, params).annotate(started_ago=self._seconds_of_day(now, in_use, "ago"))

    def _seconds_of_day(self, now: datetime.datetime, in_use: list[str], direction: str) -> RawSQL:
        """Seconds from each meeting's local clock to its start time ("start") or back to it ("ago"), within a day.

        Cheaper than `with_starts_in` (no look at the days), and exact for meetings already known to
        start within the next day or to have started within the last one.
        """
        groups: dict[int, list[str]] = defaultdict(list)
        for zone in in_use:
            local = timezones.local_now(now, zone)
            groups[local.hour * 3600 + local.minute * 60 + local.second].append(zone)
        if not groups:
            return Value(None, output_field=IntegerField())
        t = self._table()
        seconds = f"EXTRACT(EPOCH FROM {t}.start_time)::integer"
        difference = f"{seconds} - %s" if direction == "start" else f"%s - {seconds}"
        cases, params = [], []
        for second, names in groups.items():
            cases.append(f"WHEN {t}.timezone = ANY(%s) THEN (({difference} + 86400) %% 86400)")
            params += [names, second]
        return RawSQL(f"CASE {' '.join(cases)} END", params, output_field=IntegerField())

    def with_ended_today(self, now: datetime.datetime, day: int) -> "MeetingQuerySet":
        """Annotate `ended_today`: whether the meeting's `day` occurrence is already over at `now`,
        by the clock of the meeting's own zone.

        Where that clock still shows the day before `day`, nothing has ended; where it shows `day`,
        a meeting has ended once its end time has passed (a meeting that runs past midnight has
        not); where it shows the day after, every meeting of `day` has ended except one still
        running past midnight.
        """
        groups: dict[tuple[int, datetime.time], list[str]] = defaultdict(list)
        for zone in zones_in_use(self.db):
            local = timezones.local_now(now, zone)
            groups[((weekdays.meeting_day(local.date()) - day) % 7, local.time().replace(microsecond=0))].append(zone)
        t = self._table()
        cases, params = [], []
        for (days_after, clock), names in groups.items():
            if days_after == 0:
                condition = f"({t}.start_time <= %s AND {t}.ends_at > {t}.start_time AND {t}.ends_at <= %s)"
                params += [names, clock, clock]
            elif days_after == 1:
                condition = f"({t}.ends_at > {t}.start_time OR {t}.ends_at <= %s)"
                params += [names, clock]
            else:
                continue
            cases.append(f"WHEN {t}.timezone = ANY(%s) THEN {condition}")
        if not cases:
            return self.annotate(ended_today=Value(False, output_field=models.BooleanField()))
        return self.annotate(
            ended_today=RawSQL(f"CASE {' '.join(cases)} ELSE false END", params, output_field=models.BooleanField())
        )

    def with_starts_in(self, now: datetime.datetime, *, in_use: list[str] | None = None) -> "MeetingQuerySet":
        """Annotate `starts_in`: seconds from now until the meeting's next start in its own zone's clock."""
        groups: dict[tuple[int, int], list[str]] = defaultdict(list)
        for zone in zones_in_use(self.db) if in_use is None else in_use:
            local = timezones.local_now(now, zone)
            groups[(weekdays.meeting_day(local.date()), local.hour * 3600 + local.minute * 60 + local.second)].append(zone)
        if not groups:
            return self.annotate(starts_in=Value(None, output_field=IntegerField()))
        t = self._table()
        cases, params = [], []
        for (day, second), names in groups.items():
            cases.append(
                f"WHEN {t}.timezone = ANY(%s) THEN (SELECT min(((((d - %s + 7) %% 7) * 86400"
                f" + EXTRACT(EPOCH FROM {t}.start_time)::integer - %s) + 604800) %% 604800) FROM unnest({t}.days) AS d)"
            )
            params += [names, day, second]
        return self.annotate(starts_in=RawSQL(f"CASE {' '.join(cases)} END", params, output_field=IntegerField()))

    def _table(self) -> str:
        return connections[self.db].ops.quote_name(Meeting._meta.db_table)

    def _where_any(self, clauses: list[str], params: list) -> "MeetingQuerySet":
        if not clauses:
            return self.none()
        return self.filter(RawSQL(" OR ".join(clauses), params, output_field=models.BooleanField()))

    def occurrences_per_day(self) -> dict[int, int]:
        """How many of these meetings meet on each Meeting Guide day (a meeting on three days counts thrice).

        One statement of seven counts, each of which the day's own index can answer.
        """
        # Counting a whole week's meetings reads every one of them (some 200,000 at 100,000 meetings), and
        # the counts change only when meetings do: they are kept, keyed by these meetings' query, until then.
        base = self.order_by().values("pk").query.sql_with_params()
        digest = hashlib.sha256(repr((self.db, base)).encode()).hexdigest()
        key = f"{COUNTS_GROUP}:{caching.generation(COUNTS_GROUP)}:{digest}"
        counts = cache.get(key)
        if counts is None:
            parts, params = [], []
            for day in range(7):
                sql, day_params = self.on_weekday(day).order_by().values("pk").query.sql_with_params()
                parts.append(f"SELECT {day}, (SELECT count(*) FROM ({sql}) AS m)")
                params.extend(day_params)
            statement = " UNION ALL ".join(parts)
            with connections[self.db].cursor() as cursor:
                cursor.execute(statement, params)
                counts = {int(day): count for day, count in cursor.fetchall() if count}
            cache.set(key, counts, COUNTS_MAX_AGE)
        return counts

    def refresh_attendance(self) -> int:
        """Recompute the stored attendance of these meetings from their address, links and types."""
        changed = 0
        for meeting in self.prefetch_related("types"):
            value = meeting.compute_attendance([t.code for t in meeting.types.all()])
            if value != meeting.attendance:
                Meeting.objects.filter(pk=meeting.pk).update(attendance=value)
                changed += 1
        if changed:
            forget_occurrence_counts()
        return changed


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
                if start.astimezone(datetime.timezone.utc) >= now.astimezone(datetime.timezone.utc):
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
