"""How meetings are queried: who can attend them, when they meet (in each meeting's own time zone),
and the caches of the time zones in use and of the counts per day. meetings.models uses MeetingQuerySet.
"""
from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict

from django.apps import apps
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connections, models, transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from places import timezones, weekdays
from places.distance import NearQuerySetMixin
from portal import caching
from portal.models import VerifiableQuerySet

SOON = datetime.timedelta(minutes=60)

# Time-of-day buckets by the meeting's own start time: (first minute, first minute after).
TIMES_OF_DAY = {
    "morning": (_("Morning"), _("5 AM to noon"), datetime.time(5), datetime.time(12)),
    "midday": (_("Midday"), _("noon to 5 PM"), datetime.time(12), datetime.time(17)),
    "evening": (_("Evening"), _("5 PM to 9 PM"), datetime.time(17), datetime.time(21)),
    "night": (_("Night"), _("9 PM to 5 AM"), datetime.time(21), datetime.time(5)),
}



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
    table = apps.get_model("meetings", "Meeting")._meta.db_table
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
        return self.filter(status=self.model.Status.ACTIVE).exclude(attendance=Attendance.INACTIVE)

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
        through = self.model.types.through
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
        start = now.astimezone(datetime.UTC)  # so that adding `within` adds real time
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
        return connections[self.db].ops.quote_name(self.model._meta.db_table)

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
                self.model._base_manager.filter(pk=meeting.pk).update(attendance=value)
                changed += 1
        if changed:
            forget_occurrence_counts()
        return changed
