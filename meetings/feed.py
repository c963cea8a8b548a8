"""The Meeting Guide JSON feed of this site's active meetings (see the spec's field list).

One row per weekday, as 12-step-meeting-list publishes them and as every consumer reads them: a
meeting held on one day keeps its page's slug; a meeting held on several days gives one row per day
with the slug `<slug>-<day number>` (tsml-ui's own convention), so every row's slug is stable and
unique. Online-only meetings carry an approximate place implying their time zone (the spec's FAQ
asks for one; apps choose "nearby" meetings by it): their own city when known, else the main city of
their time zone, with `approximate: "yes"`.
"""
from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

from meetings.models import Meeting

# The fields a row can have, in the spec's order of importance; empty optional fields are left out.
FEED_FIELDS = [
    "name", "slug", "day", "time", "end_time", "timezone", "types", "notes", "conference_url",
    "conference_url_notes", "conference_phone", "conference_phone_notes", "location", "formatted_address",
    "address", "city", "state", "postal_code", "country", "approximate", "latitude", "longitude",
    "location_notes", "group", "updated", "url", "entity", "entity_url",
]

# An approximate place for online meetings that have none: the main city of their time zone.
ZONE_CITIES = {
    "America/New_York": ("New York", "NY"), "America/Detroit": ("Detroit", "MI"),
    "America/Indiana/Indianapolis": ("Indianapolis", "IN"), "America/Kentucky/Louisville": ("Louisville", "KY"),
    "America/Chicago": ("Chicago", "IL"), "America/Denver": ("Denver", "CO"), "America/Boise": ("Boise", "ID"),
    "America/Phoenix": ("Phoenix", "AZ"), "America/Los_Angeles": ("Los Angeles", "CA"),
    "America/Anchorage": ("Anchorage", "AK"), "Pacific/Honolulu": ("Honolulu", "HI"),
    "America/Puerto_Rico": ("San Juan", "PR"),
}


def approximate_place(meeting: Meeting) -> tuple[str, str, str]:
    """(city, state, country) of an online meeting without a place of its own, from its time zone."""
    if meeting.timezone in ZONE_CITIES:
        city, state = ZONE_CITIES[meeting.timezone]
        return city, state, "US"
    return meeting.timezone.rsplit("/", 1)[-1].replace("_", " "), "", ""


def formatted_address(address: str, city: str, state: str, postal_code: str, country: str) -> str:
    parts = [address, city, " ".join(p for p in (state, postal_code) if p), country]
    return ", ".join(part for part in parts if part)


def row_slugs(meeting: Meeting) -> list[tuple[int, str]]:
    """(day, feed slug) for each day the meeting meets."""
    days = sorted(set(meeting.days))
    if len(days) == 1:
        return [(days[0], meeting.slug)]
    return [(day, f"{meeting.slug}-{day}") for day in days]


def meeting_rows(meeting: Meeting, *, url: str, entity: str = "", entity_url: str = "") -> list[dict]:
    """One meeting as Meeting Guide feed rows, one per weekday."""
    city, state, postal_code, country = meeting.city, meeting.state, meeting.postal_code, meeting.country
    address = meeting.address
    approximate = meeting.approximate or not meeting.address.strip()
    if not (address or city or postal_code):
        city, state, country = approximate_place(meeting)
        postal_code = ""
    row = {
        "name": meeting.name,
        "slug": meeting.slug,
        "day": None,
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "timezone": meeting.timezone,
        "types": sorted({t.code for t in meeting.types.all()} | set(meeting.other_type_codes)),
        "notes": meeting.notes,
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": meeting.conference_phone,
        "conference_phone_notes": meeting.conference_phone_notes,
        "location": meeting.location,
        "formatted_address": formatted_address(address, city, state, postal_code, country),
        "address": address,
        "city": city,
        "state": state,
        "postal_code": postal_code,
        "country": country,
        "approximate": "yes" if approximate else "no",
        "latitude": round(meeting.latitude, 6) if meeting.latitude is not None and not approximate else None,
        "longitude": round(meeting.longitude, 6) if meeting.longitude is not None and not approximate else None,
        "location_notes": meeting.location_notes,
        "group": meeting.group_name,
        "updated": meeting.updated.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "url": url,
        "entity": entity,
        "entity_url": entity_url,
    }
    row = {key: value for key, value in row.items() if value not in ("", [])}
    rows = []
    for day, slug in row_slugs(meeting):
        rows.append({**row, "slug": slug, "day": day})
    return [{key: value for key, value in each.items() if value is not None} for each in rows]


def meeting_row(meeting: Meeting, *, url: str, entity: str = "", entity_url: str = "") -> dict:
    """The first of a meeting's feed rows (the only one for a meeting held on one day)."""
    return meeting_rows(meeting, url=url, entity=entity, entity_url=entity_url)[0]


def feed_chunks(meetings, *, absolute_url, entity: str, entity_url: str) -> Iterator[str]:
    """The feed as text pieces, reading the meetings in chunks so a large feed is never all in memory."""
    yield "["
    first = True
    for meeting in meetings.iterator(chunk_size=1000):
        for row in meeting_rows(meeting, url=absolute_url(meeting.get_absolute_url()), entity=entity,
                                entity_url=entity_url):
            yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False)
            first = False
    yield "\n]\n"
