"""iCalendar (RFC 5545) files for meetings: one weekly recurring event, in the meeting's own time zone."""
from __future__ import annotations

import calendar
import datetime
from zoneinfo import ZoneInfo

from meetings.models import Meeting
from places import weekdays

LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 section 3.3.11)."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never splitting a UTF-8 character."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # continuation lines start with a space
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _stamp(value: datetime.datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _offset(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def vtimezone(zone_name: str, year: int) -> list[str]:
    """A VTIMEZONE for a zone, with its daylight-saving rule as found in `year`."""
    tz = ZoneInfo(zone_name)
    utc = datetime.timezone.utc
    start = datetime.datetime(year, 1, 1, tzinfo=utc)
    days = [start + datetime.timedelta(days=n) for n in range(367)]
    transitions = []
    for before, after in zip(days, days[1:]):
        if before.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset():
            lo, hi = before, after
            while hi - lo > datetime.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(tz).utcoffset() == before.astimezone(tz).utcoffset():
                    lo = mid
                else:
                    hi = mid
            instant = hi.replace(second=0, microsecond=0)  # changes happen on whole minutes
            if instant.astimezone(tz).utcoffset() != hi.astimezone(tz).utcoffset():
                instant += datetime.timedelta(minutes=1)
            transitions.append((lo.astimezone(tz), instant.astimezone(tz)))
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone_name}"]
    if not transitions:
        local = start.astimezone(tz)
        lines += [
            "BEGIN:STANDARD", "DTSTART:19700101T000000", f"TZOFFSETFROM:{_offset(local.utcoffset())}",
            f"TZOFFSETTO:{_offset(local.utcoffset())}", f"TZNAME:{escape_text(local.tzname() or zone_name)}",
            "END:STANDARD",
        ]
    for old, new in transitions:
        wall = (new.astimezone(datetime.timezone.utc) + old.utcoffset()).replace(tzinfo=None)  # local time, old offset
        month_days = calendar.monthrange(wall.year, wall.month)[1]
        nth = -1 if wall.day + 7 > month_days and wall.day > 21 else (wall.day - 1) // 7 + 1
        weekday = weekdays.ICAL_DAYS[weekdays.meeting_day(wall.date())]
        kind = "DAYLIGHT" if new.dst() else "STANDARD"
        lines += [
            f"BEGIN:{kind}", f"DTSTART:{_stamp(wall)}", f"TZOFFSETFROM:{_offset(old.utcoffset())}",
            f"TZOFFSETTO:{_offset(new.utcoffset())}", f"RRULE:FREQ=YEARLY;BYMONTH={wall.month};BYDAY={nth}{weekday}",
            f"TZNAME:{escape_text(new.tzname() or zone_name)}", f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return lines


def meeting_calendar(meeting: Meeting, *, page_url: str, host: str, now: datetime.datetime, portal_name: str) -> str:
    """The .ics text for a meeting: a VEVENT repeating weekly on its days, from its next occurrence."""
    first = meeting.next_start(now)
    start = first.replace(tzinfo=None)
    end = start + meeting.length
    by_day = ",".join(weekdays.ICAL_DAYS[day] for day in sorted(meeting.days))
    summary = f"{meeting.name} ({meeting.fellowship.short_name})"
    if meeting.is_in_person:
        where = ", ".join(part for part in (meeting.location, meeting.address, meeting.locality) if part)
    else:
        where = "Online"
    description = [f"{meeting.fellowship.name} meeting."]
    if meeting.is_online and meeting.conference_url:
        description.append(f"Join online: {meeting.conference_url}")
        if meeting.conference_url_notes:
            description.append(meeting.conference_url_notes)
    if meeting.is_online and meeting.conference_phone:
        description.append(f"Join by phone: {meeting.conference_phone}")
        if meeting.conference_phone_notes:
            description.append(meeting.conference_phone_notes)
    if meeting.location_notes and meeting.is_in_person:
        description.append(meeting.location_notes)
    if meeting.notes:
        description.append(meeting.notes)
    description.append(f"Check the listing before you go: {page_url}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape_text(portal_name)}//Support group meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *vtimezone(meeting.timezone, first.year),
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.slug}@{host}",
        f"DTSTAMP:{_stamp(now.astimezone(datetime.timezone.utc))}Z",
        f"DTSTART;TZID={meeting.timezone}:{_stamp(start)}",
        f"DTEND;TZID={meeting.timezone}:{_stamp(end)}",
        f"RRULE:FREQ=WEEKLY;BYDAY={by_day}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(where)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"URL:{page_url}",
    ]
    if meeting.is_in_person and meeting.latitude is not None:
        lines.append(f"GEO:{meeting.latitude:.6f};{meeting.longitude:.6f}")
    if meeting.is_online and meeting.conference_url:
        lines.append(f"CONFERENCE;VALUE=URI;FEATURE=VIDEO:{meeting.conference_url}")
    lines += ["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
