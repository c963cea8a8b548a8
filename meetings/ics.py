"""iCalendar (RFC 5545) files for meetings, written with the `icalendar` library.

One weekly recurring event in the meeting's own time zone, with that zone's VTIMEZONE so calendar
apps that do not know the zone by name still place the meeting at the right local time. The weekly
rule never ends, so the VTIMEZONE must cover every year too (RFC 5545 section 3.6.5): it gives the
zone's daylight-saving changes as yearly RRULEs, read from the rule the time zone database states
for the years after its last listed change (the POSIX TZ string at the end of the zone's TZif file).
"""
from __future__ import annotations

import contextlib
import datetime
import importlib.resources
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import icalendar
from django.utils.translation import gettext

from meetings.models import Meeting
from places import weekdays

ZONE_YEARS = 2  # a zone without a yearly rule lists its changes for this many years from the first meeting
ZONE_CHECK_YEARS = 30  # the yearly rules are checked against the time zone database for this many years


def meeting_calendar(meeting: Meeting, *, page_url: str, host: str, now: datetime.datetime, portal_name: str) -> str:
    """The .ics text for a meeting: a VEVENT repeating weekly on its days, from its next occurrence."""
    first = meeting.next_start(now)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{portal_name}//Support group meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.slug}@{host}")
    event.add("dtstamp", now.astimezone(datetime.UTC))
    event.add("dtstart", first)
    event.add("dtend", (first.replace(tzinfo=None) + meeting.length).replace(tzinfo=first.tzinfo))
    event.add("rrule", {"freq": "weekly", "byday": [weekdays.ICAL_DAYS[day] for day in sorted(meeting.days)]})
    event.add("summary", f"{meeting.name} ({meeting.fellowship.short_name})")
    if meeting.is_in_person:
        event.add("location", ", ".join(part for part in (meeting.location, meeting.address, meeting.locality) if part))
    else:
        event.add("location", gettext("Online"))
    event.add("description", "\n".join(_description(meeting, page_url)))
    event.add("url", page_url)
    if meeting.is_in_person and meeting.latitude is not None:
        event.add("geo", (round(meeting.latitude, 6), round(meeting.longitude, 6)))
    if meeting.is_online and meeting.conference_url:
        event.add("conference", meeting.conference_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    event.add("status", "CONFIRMED")
    zone = yearly_zone(meeting.timezone, first)
    if zone is not None:
        calendar.add_component(zone)
    calendar.add_component(event)
    # A zone whose rule cannot be written as yearly RRULEs: its changes listed for a few years.
    calendar.add_missing_timezones(
        first_date=first.date() - datetime.timedelta(days=1),
        last_date=first.date() + datetime.timedelta(days=366 * ZONE_YEARS),
    )
    return calendar.to_ical().decode("utf-8")


# Time zones as yearly rules -------------------------------------------------------------------

_POSIX_NAME = r"(?:[A-Za-z]{3,}|<[+\-]?[A-Za-z0-9+\-]+>)"
_POSIX_OFFSET = r"[+\-]?\d{1,2}(?::\d{2}){0,2}"
_POSIX_RULE = r"M(\d{1,2})\.([1-5])\.([0-6])(?:/(\d{1,2}(?::\d{2}){0,2}))?"
_POSIX_TZ = re.compile(
    rf"^({_POSIX_NAME})({_POSIX_OFFSET})(?:({_POSIX_NAME})({_POSIX_OFFSET})?,{_POSIX_RULE},{_POSIX_RULE})?$"
)


@dataclass(frozen=True)
class Onset:
    """One yearly change of a zone: in `month`, the `week`th (5: last) `weekday` (0 = Sunday), at `time`
    of the clock before the change, from offset `before` to offset `after`."""

    name: str
    before: datetime.timedelta
    after: datetime.timedelta
    month: int
    week: int
    weekday: int
    time: datetime.timedelta

    def date_in(self, year: int) -> datetime.date:
        python_weekday = (self.weekday - 1) % 7  # POSIX counts from Sunday, Python from Monday
        if self.week == 5:
            last = datetime.date(year + self.month // 12, self.month % 12 + 1, 1) - datetime.timedelta(days=1)
            return last - datetime.timedelta(days=(last.weekday() - python_weekday) % 7)
        first = datetime.date(year, self.month, 1)
        return first + datetime.timedelta(days=(python_weekday - first.weekday()) % 7 + 7 * (self.week - 1))

    def local_start(self, year: int) -> datetime.datetime:
        """The wall-clock time of the change in `year`, on the clock before it (as DTSTART wants)."""
        return datetime.datetime.combine(self.date_in(year), datetime.time()) + self.time

    @property
    def byday(self) -> str:
        return f"{-1 if self.week == 5 else self.week}{weekdays.ICAL_DAYS[self.weekday]}"


def _duration(text: str, *, negate: bool = False) -> datetime.timedelta:
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")] + [0, 0]
    value = sign * datetime.timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])
    return -value if negate else value


def posix_rule(key: str) -> str | None:
    """The POSIX TZ string a zone's TZif file ends with (its rule after the last listed change), or None."""
    candidates = [Path(folder) / key for folder in zoneinfo.TZPATH]
    with contextlib.suppress(ModuleNotFoundError, ValueError):
        candidates.append(importlib.resources.files("tzdata.zoneinfo").joinpath(*key.split("/")))
    for candidate in candidates:
        try:
            data = candidate.read_bytes()
        except (OSError, ValueError):
            continue
        if data[:4] != b"TZif" or data[4:5] not in (b"2", b"3", b"4"):
            return None  # version 1 files carry no rule for the years after their list
        return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    return None


def zone_onsets(key: str) -> tuple[str, datetime.timedelta, list[Onset]] | None:
    """The zone's standard name and offset and its yearly changes (none for a zone without daylight
    saving), or None when its rule is not one that yearly RRULEs can say."""
    rule = posix_rule(key)
    match = _POSIX_TZ.match(rule or "")
    if not match:
        return None
    std_name, std_offset, dst_name, dst_offset, *changes = match.groups()
    standard = _duration(std_offset, negate=True)  # POSIX offsets count west of Greenwich
    if not dst_name:
        return std_name.strip("<>"), standard, []
    daylight = _duration(dst_offset, negate=True) if dst_offset else standard + datetime.timedelta(hours=1)
    onsets = []
    for (month, week, weekday, time), name, before, after in (
        (changes[0:4], dst_name, standard, daylight), (changes[4:8], std_name, daylight, standard),
    ):
        at = _duration(time) if time else datetime.timedelta(hours=2)
        if not 1 <= int(month) <= 12 or not datetime.timedelta(0) <= at < datetime.timedelta(days=1):
            return None  # a change at a time RRULE cannot say plainly (e.g. "24:00" or "-1")
        onsets.append(Onset(name.strip("<>"), before, after, int(month), int(week), int(weekday), at))
    return std_name.strip("<>"), standard, onsets


def _rules_hold(zone: zoneinfo.ZoneInfo, standard: datetime.timedelta, onsets: list[Onset], first_year: int) -> bool:
    """True when the yearly rules give the zone database's own offsets, around each change, for years to come."""
    for year in range(first_year, first_year + ZONE_CHECK_YEARS):
        if not onsets:
            for month in (1, 7):
                if datetime.datetime(year, month, 15, 12, tzinfo=zone).utcoffset() != standard:
                    return False
            continue
        for onset in onsets:
            at = onset.local_start(year) - onset.before  # the change, in UTC
            for when, expected in ((at - datetime.timedelta(hours=3), onset.before),
                                   (at + datetime.timedelta(hours=3), onset.after)):
                utc = when.replace(tzinfo=datetime.UTC)
                if utc.astimezone(zone).utcoffset() != expected:
                    return False
    return True


def yearly_zone(key: str, first: datetime.datetime) -> icalendar.Timezone | None:
    """The VTIMEZONE of zone `key` as yearly RRULEs from the year before `first`, or None when the zone's
    rule cannot be said that way (then its changes are listed for a few years instead)."""
    found = zone_onsets(key)
    if found is None:
        return None
    std_name, standard, onsets = found
    start_year = first.year - 1
    try:
        zone = zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    if not _rules_hold(zone, standard, onsets, first.year):
        return None
    timezone = icalendar.Timezone()
    timezone.add("tzid", key)
    if not onsets:
        part = icalendar.TimezoneStandard()
        part.add("tzname", std_name)
        part.add("tzoffsetfrom", standard)
        part.add("tzoffsetto", standard)
        part.add("dtstart", datetime.datetime(start_year, 1, 1))
        timezone.add_component(part)
        return timezone
    for onset in onsets:
        part = icalendar.TimezoneDaylight() if onset.after > onset.before else icalendar.TimezoneStandard()
        part.add("tzname", onset.name)
        part.add("tzoffsetfrom", onset.before)
        part.add("tzoffsetto", onset.after)
        part.add("dtstart", onset.local_start(start_year))
        part.add("rrule", {"freq": "yearly", "bymonth": onset.month, "byday": onset.byday})
        timezone.add_component(part)
    return timezone


def _description(meeting: Meeting, page_url: str) -> list[str]:
    lines = [gettext("%(fellowship)s meeting.") % {"fellowship": meeting.fellowship.localized_name}]
    if meeting.is_online and meeting.conference_url:
        lines.append(gettext("Join online: %(url)s") % {"url": meeting.conference_url})
        if meeting.conference_url_notes:
            lines.append(meeting.conference_url_notes)
    if meeting.is_online and meeting.conference_phone:
        lines.append(gettext("Join by phone: %(phone)s") % {"phone": meeting.conference_phone})
        if meeting.conference_phone_notes:
            lines.append(meeting.conference_phone_notes)
    if meeting.location_notes and meeting.is_in_person:
        lines.append(meeting.location_notes)
    if meeting.notes:
        lines.append(meeting.notes)
    lines.append(gettext("Check the listing before you go: %(url)s") % {"url": page_url})
    return lines
