"""The Meeting Guide JSON feed of this site's active meetings (see the spec's field list)."""
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


def meeting_row(meeting: Meeting, *, url: str, entity: str = "", entity_url: str = "") -> dict:
    """One meeting as a Meeting Guide feed row."""
    days = sorted(meeting.days)
    row = {
        "name": meeting.name,
        "slug": meeting.slug,
        "day": days[0] if len(days) == 1 else days,
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "timezone": meeting.timezone,
        "types": sorted(t.code for t in meeting.types.all()),
        "notes": meeting.notes,
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": meeting.conference_phone,
        "conference_phone_notes": meeting.conference_phone_notes,
        "location": meeting.location,
        "formatted_address": meeting.formatted_address if (meeting.city or meeting.address) else "",
        "address": meeting.address,
        "city": meeting.city,
        "state": meeting.state,
        "postal_code": meeting.postal_code,
        "country": meeting.country if (meeting.city or meeting.address) else "",
        "approximate": ("no" if meeting.has_street_address else "yes") if (meeting.city or meeting.address) else "",
        "latitude": round(meeting.latitude, 6) if meeting.latitude is not None else None,
        "longitude": round(meeting.longitude, 6) if meeting.longitude is not None else None,
        "location_notes": meeting.location_notes,
        "group": meeting.group_name,
        "updated": meeting.updated.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "url": url,
        "entity": entity,
        "entity_url": entity_url,
    }
    return {key: value for key, value in row.items() if value not in (None, "", [])}


def feed_chunks(meetings, *, absolute_url, entity: str, entity_url: str) -> Iterator[str]:
    """The feed as text pieces, reading the meetings in chunks so a large feed is never all in memory."""
    yield "["
    first = True
    for meeting in meetings.iterator(chunk_size=1000):
        row = meeting_row(meeting, url=absolute_url(meeting.get_absolute_url()), entity=entity, entity_url=entity_url)
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]\n"
