"""iCalendar (RFC 5545) files for meetings, written with the `icalendar` library.

One weekly recurring event in the meeting's own time zone, with that zone's VTIMEZONE (its offsets
and daylight-saving changes for the years the file is likely to be used) so calendar apps that do not
know the zone by name still place the meeting at the right local time.
"""
from __future__ import annotations

import datetime

import icalendar

from meetings.models import Meeting
from places import weekdays

ZONE_YEARS = 2  # the VTIMEZONE describes this many years from the first meeting


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
        event.add("location", "Online")
    event.add("description", "\n".join(_description(meeting, page_url)))
    event.add("url", page_url)
    if meeting.is_in_person and meeting.latitude is not None:
        event.add("geo", (round(meeting.latitude, 6), round(meeting.longitude, 6)))
    if meeting.is_online and meeting.conference_url:
        event.add("conference", meeting.conference_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=first.date() - datetime.timedelta(days=1),
        last_date=first.date() + datetime.timedelta(days=366 * ZONE_YEARS),
    )
    return calendar.to_ical().decode("utf-8")


def _description(meeting: Meeting, page_url: str) -> list[str]:
    lines = [f"{meeting.fellowship.name} meeting."]
    if meeting.is_online and meeting.conference_url:
        lines.append(f"Join online: {meeting.conference_url}")
        if meeting.conference_url_notes:
            lines.append(meeting.conference_url_notes)
    if meeting.is_online and meeting.conference_phone:
        lines.append(f"Join by phone: {meeting.conference_phone}")
        if meeting.conference_phone_notes:
            lines.append(meeting.conference_phone_notes)
    if meeting.location_notes and meeting.is_in_person:
        lines.append(meeting.location_notes)
    if meeting.notes:
        lines.append(meeting.notes)
    lines.append(f"Check the listing before you go: {page_url}")
    return lines
