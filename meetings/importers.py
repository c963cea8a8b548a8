"""Meeting Guide feeds through the one import pipeline (importing.pipeline): parse, plan, apply.

`parse_feed` is the Meeting Guide parser: it turns a feed's rows into `MeetingRecord`s and per-row
findings, lenient where the field's own software is lenient. A row whose problem can be mended is
*fixed* and kept (a 12-hour time converted, half a coordinate pair dropped and the place taken from
the address or ZIP code, a bad phone, link or time stamp dropped), each fix a warning with its row
number; a row with no name, no usable weekday or time, or no way to place or join it is *rejected*.
A file that is not a feed at all (broken JSON, not a list) is refused whole.

A meeting is known by its source and its slug in that source, kept exactly as published; the page
address on this site may differ. A new row that describes a meeting already listed (same name, day,
time and place) under another source or entered by hand is reported as already listed, not
duplicated. `import_meeting_guide` runs the whole thing; its arguments are keyword-only so that the
command, the staff import page and a background job call it alike.
"""
from __future__ import annotations

import datetime
import json
import re
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from importing.pipeline import (
    Change,
    Finding,
    HistoryEntry,
    ImportFileError,
    ImportReport,
    ParsedFile,
    Progress,
    read_source,
    report_progress,
    run_pipeline,
)
from meetings.models import (
    LOCATION_CLOSED_TYPE,
    Attendance,
    Fellowship,
    Meeting,
    MeetingType,
    attendance_for,
    forget_occurrence_counts,
    forget_zones_in_use,
)
from phones import numbers as phones
from places import geo, timezones, weekdays
from portal import slugs
from portal.admin_tools import field_labels

FORMAT_MEETING_GUIDE = "meeting-guide"
MAX_FEED_BYTES = 25 * 1024 * 1024
FETCH_TIMEOUT = 30  # seconds
USER_AGENT = "Meeting Guide feed importer (treatment portal)"
LEGACY_ONLINE_TYPE = "ONL"  # older feeds mark online meetings with a type; the spec uses the conference fields
BATCH = 1000

_TIME_24 = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_TIME_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
_UPDATED = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)")
_US_STATE_ZIP = re.compile(r"^([A-Z]{2})(?:\s+(\d{5}(?:-\d{4})?))?$")
_REGION_POSTCODE = re.compile(r"^([A-Z]{2})\s+([A-Z0-9][A-Z0-9 -]{2,9})$")
_SLUG_SAFE = re.compile(r"^[-a-zA-Z0-9_]+$")
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")
US_COUNTRY_NAMES = {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"}
_url_validator = URLValidator(schemes=["http", "https"])

LIMITS = {
    "name": 255, "location": 255, "address": 255, "city": 100, "state": 100, "postal_code": 20, "country": 60,
    "group_name": 255, "conference_url": 500, "conference_phone": 60, "source_url": 500,
}
TRUNCATED = {"location", "address", "city", "state", "postal_code", "country", "group_name"}


class FeedError(ImportFileError):
    """The feed as a whole cannot be used: unreadable, too large, not JSON, or not a list of meetings."""


@dataclass
class MeetingRecord:
    """One usable row, as the model field values it stands for."""

    row: int
    source: str
    source_slug: str
    values: dict
    type_codes: list[str]
    fellowship: Fellowship | None = None
    updated: datetime.datetime | None = None
    extra: dict = field(default_factory=dict)  # staff-only fields a trusted loader may set (demo data)

    @property
    def name(self) -> str:
        return self.values.get("name", "")


# Reading ---------------------------------------------------------------------------------------


def read_feed(source: Any, *, max_bytes: int = MAX_FEED_BYTES, timeout: float = FETCH_TIMEOUT) -> list:
    """Read a feed (a path, an http(s) URL, bytes or an upload) and decode its JSON list of meetings."""
    if isinstance(source, str) and (scheme := urlsplit(source).scheme.lower()) and len(scheme) > 1:
        if scheme not in {"http", "https"}:
            raise FeedError(f"Only files and http(s) addresses can be imported, not {scheme}: addresses.")
        return decode_feed(_fetch(source, max_bytes=max_bytes, timeout=timeout))
    return decode_feed(read_source(source, max_bytes=max_bytes))


def _fetch(url: str, *, max_bytes: int, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise FeedError(f"The server answered {error.code} {error.reason} for {url}.") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FeedError(f"Could not download {url}: {reason}.") from error
    if len(data) > max_bytes:
        raise FeedError(f"The feed at {url} is larger than the {max_bytes:,} bytes allowed.")
    return data


def decode_feed(data: bytes) -> list:
    """Decode a feed's bytes to its list of rows, explaining what is wrong when it is not one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FeedError(f"The feed is not UTF-8 text (byte {error.start}). Nothing was imported.") from error
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedError(
            f"The feed is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}. "
            "Nothing was imported."
        ) from error
    except RecursionError:
        raise FeedError("The feed is nested too deeply to be a Meeting Guide feed. Nothing was imported.") from None
    if not isinstance(rows, list):
        kind = "object" if isinstance(rows, dict) else type(rows).__name__
        raise FeedError(f"A Meeting Guide feed is a JSON list of meetings, but this file holds a single {kind}. "
                        "Nothing was imported.")
    return rows


# Checking --------------------------------------------------------------------------------------


class _Row:
    """The findings of one row while it is being read."""

    def __init__(self, number: int):
        self.number = number
        self.slug = ""
        self.fixes: list[str] = []
        self.problems: list[str] = []


def parse_feed(
    rows: list,
    *,
    source: str,
    default_timezone: str,
    fellowship: Fellowship | None = None,
    progress: Progress | None = None,
    known_types: dict[str, str] | None = None,
    fellowships: dict[str, Fellowship] | None = None,
) -> ParsedFile:
    """Check every row and turn the usable ones into MeetingRecords; reads the type list, writes nothing.

    A row may name its own fellowship (a `fellowship` key holding a slug, abbreviation or name);
    otherwise it is `fellowship`. A row with neither is rejected: nothing defaults to one fellowship.
    """
    if known_types is None:
        known_types = {code: code for code in MeetingType.objects.values_list("code", flat=True)}
    if fellowships is None:
        fellowships = fellowship_lookup()
    if fellowship is not None and fellowship.pk is None:  # a fellowship the import is to create
        fellowships.setdefault(fellowship.name.casefold(), fellowship)
    created_for: dict[str, list[int]] = defaultdict(list)
    folded = {code.casefold(): code for code in known_types}
    parsed = ParsedFile(total=len(rows))
    unknown_types: dict[str, list[int]] = defaultdict(list)
    legacy_online: list[int] = []
    not_listed: list[int] = []
    first_row_of_slug: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        state = _Row(index)
        record = _parse_row(row, state, source=source, default_timezone=default_timezone, folded_types=folded,
                            unknown_types=unknown_types, legacy_online=legacy_online)
        if record is not None:
            chosen = record.fellowship or fellowship
            raw = row.get("fellowship") if isinstance(row, dict) else None
            if raw not in (None, "") and record.fellowship is None:
                named = fellowships.get(str(raw).casefold()) or fellowships.get(" ".join(str(raw).split()).casefold())
                if named is None and (new := new_fellowship(str(raw))) is not None:
                    named = fellowships[new.name.casefold()] = new
                if named is None:
                    state.problems.append(
                        f"fellowship {_show(raw)} is not one this site lists (a new one is created from its full "
                        "name, e.g. Eating Disorders Anonymous).")
                chosen = named
            if chosen is None and not state.problems:
                state.problems.append("no fellowship: the feed does not name one and none was chosen for the import.")
            record.fellowship = chosen
        if record is not None and not state.problems:
            if record.source_slug in first_row_of_slug:
                first = first_row_of_slug[record.source_slug]
                n = 2
                while f"{record.source_slug} ({n})" in first_row_of_slug:
                    n += 1
                kept_as = f"{record.source_slug} ({n})"
                state.fixes.append(f"the slug is also used by row {first}; kept as a separate meeting known as {_show(kept_as)}.")
                record.source_slug = kept_as
            first_row_of_slug[record.source_slug] = index
            if record.values["attendance"] == Attendance.INACTIVE:
                not_listed.append(index)
            if record.fellowship.pk is None:
                created_for[record.fellowship.name].append(index)
            parsed.records.append(record)
        if state.problems:
            parsed.rejected.append(Finding(index, " ".join(state.problems), state.slug))
        else:
            parsed.fixed.extend(Finding(index, message, state.slug) for message in state.fixes)
        report_progress(progress, index, len(rows))
    for code, numbers in sorted(unknown_types.items()):
        parsed.warnings.append(
            f"Type code {code!r} is not in the Meeting Guide list: kept with the meeting and published again, but "
            f"not offered as a search filter ({len(numbers)} row{'s' if len(numbers) > 1 else ''}: {_rows(numbers)})."
        )
    if legacy_online:
        parsed.warnings.append(
            f"Type code 'ONL' (an older way to mark online meetings) on {len(legacy_online)} rows was not stored: "
            f"whether a meeting is online comes from its conference link or phone (rows {_rows(legacy_online)})."
        )
    for name, numbers in sorted(created_for.items()):
        parsed.warnings.append(new_fellowship_note(name, numbers))
    if not_listed:
        parsed.warnings.append(
            f"{len(not_listed)} meetings meet at a location that is temporarily closed (type TC) and have no "
            f"conference link or phone: imported, but not listed on the finder until it reopens (rows {_rows(not_listed)})."
        )
    return parsed


MAX_LISTED = 12


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_LISTED])
    more = len(numbers) - MAX_LISTED
    return f"{shown}{f' and {more} more' if more > 0 else ''}"


def fellowship_lookup() -> dict[str, Fellowship]:
    """Fellowships by slug, abbreviation and name, case-folded."""
    found: dict[str, Fellowship] = {}
    for fellowship in Fellowship.objects.all():
        for key in (fellowship.name, fellowship.abbreviation, fellowship.slug):
            if key:
                found.setdefault(key.casefold(), fellowship)
    return found


def new_fellowship(text: str) -> Fellowship | None:
    """An unsaved fellowship named `text`, for the import to create when it writes; None when the text
    is not a fellowship's name (a slug such as 'eda' or a typo of one is not: nothing is made from it)."""
    name = " ".join(str(text).split())
    if not 2 <= len(name) <= 100 or not any(ch.isalpha() for ch in name):
        return None
    if " " not in name and name == name.lower():
        return None  # slug-shaped: most likely a fellowship meant to exist already
    return Fellowship(name=name)


def new_fellowship_note(name: str, numbers: list[int]) -> str:
    return (f"Fellowship «{name}» is not listed yet: importing creates it, with the meetings of {len(numbers)} "
            f"row{'s' if len(numbers) > 1 else ''} ({_rows(numbers)}). Add its description and Spanish name "
            "in the admin afterwards.")


def save_new_fellowships(plans: list[_Plan]) -> list[Fellowship]:
    """Create the fellowships the planned meetings name that are not listed yet; return the ones created."""
    new = {id(plan.record.fellowship): plan.record.fellowship for plan in plans
           if plan.record.fellowship is not None and plan.record.fellowship.pk is None}
    created = []
    for fellowship in new.values():
        listed = Fellowship.objects.filter(name__iexact=fellowship.name).first()
        if listed is not None:  # added by hand since the file was read
            fellowship.pk, fellowship.slug = listed.pk, listed.slug
            continue
        fellowship.slug = slugs.unique_slug(fellowship.name, Fellowship.objects.all(), max_length=50,
                                            fallback="fellowship")
        fellowship.save()
        created.append(fellowship)
    return created


def find_fellowship(text: str) -> Fellowship | None:
    """The fellowship with this slug, abbreviation or name (any case)."""
    if not text:
        return None
    return Fellowship.objects.filter(
        Q(slug__iexact=text) | Q(abbreviation__iexact=text) | Q(name__iexact=text)
    ).order_by("pk").first()


def _parse_row(row, state: _Row, *, source: str, default_timezone: str, folded_types: dict[str, str],
               unknown_types: dict[str, list[int]], legacy_online: list[int]) -> MeetingRecord | None:
    if not isinstance(row, dict):
        state.problems.append(f"each meeting must be a JSON object, not {_kind(row)}.")
        return None
    fixes, problems = state.fixes, state.problems

    values: dict = {}
    values["name"] = _text(row, "name", fixes)
    if not values["name"]:
        problems.append("name is missing.")

    raw_slug = row.get("slug")
    slug = "" if raw_slug is None or isinstance(raw_slug, (bool, dict, list)) else str(raw_slug).replace("\x00", "").strip()
    if len(slug) > 255:
        problems.append("slug is longer than 255 characters.")
    state.slug = slug

    days, start, end = row.get("day"), row.get("time"), row.get("end_time")
    values["days"] = _days(days, fixes) if days not in (None, "", []) else []
    if not values["days"]:
        problems.append("no usable weekday: day must be a number from 0 (Sunday) to 6 (Saturday)"
                        + (f", not {_show(days)}." if days not in (None, "", []) else "; a meeting by appointment is not listed here."))
    values["start_time"] = _time(start, "time", fixes) if start not in (None, "") else None
    if values["start_time"] is None:
        problems.append("no usable start time: time must be a clock time such as 19:30 or 7:30 PM"
                        + (f", not {_show(start)}." if start not in (None, "") else "."))
    values["end_time"] = _time(end, "end_time", fixes, allow_24=True, optional=True) if end not in (None, "") else None
    if values["end_time"] is not None and values["end_time"] == values["start_time"]:
        fixes.append("end_time is the same as time, so it was treated as a one-hour meeting.")
        values["end_time"] = None

    zone = row.get("timezone")
    if zone in (None, ""):
        values["timezone"] = default_timezone
    elif isinstance(zone, str) and timezones.is_zone(zone.strip()):
        values["timezone"] = zone.strip()
    else:
        fixes.append(f"timezone {_show(zone)} is not an IANA time zone name such as America/New_York; "
                     f"{default_timezone} was used.")
        values["timezone"] = default_timezone

    for key, target in (
        ("location", "location"), ("group", "group_name"), ("conference_url_notes", "conference_url_notes"),
        ("conference_phone_notes", "conference_phone_notes"),
    ):
        values[target] = _text(row, key, fixes)
    values["notes"] = strip_tags(_text(row, "notes", fixes, multiline=True))
    values["location_notes"] = strip_tags(_text(row, "location_notes", fixes, multiline=True))

    _address(row, values, fixes)
    _coordinates(row, values, fixes)

    values["conference_url"] = _text(row, "conference_url", fixes)
    if values["conference_url"] and not _is_url(values["conference_url"]):
        fixes.append(f"conference_url {_show(values['conference_url'])} is not an http(s) address, so it was left out.")
        values["conference_url"] = ""
    values["conference_phone"] = _text(row, "conference_phone", fixes)
    if values["conference_phone"]:
        normal = phones.normalize_conference(values["conference_phone"])
        if normal is None:
            fixes.append(f"conference_phone {_show(values['conference_phone'])} is not a phone number that can be "
                         "dialled, so it was left out.")
            values["conference_phone"] = ""
        else:
            values["conference_phone"] = normal
    values["source_url"] = _text(row, "url", fixes)
    if values["source_url"] and not _is_url(values["source_url"]):
        fixes.append(f"url {_show(values['source_url'])} is not an http(s) address, so it was left out.")
        values["source_url"] = ""

    for key, limit in LIMITS.items():
        value = values.get(key) or ""
        if len(value) > limit:
            if key in TRUNCATED:
                values[key] = value[:limit].rstrip()
                fixes.append(f"{key.replace('_name', '')} is longer than {limit} characters and was shortened.")
            elif key == "name":
                problems.append(f"name is longer than {limit} characters.")
            else:
                values[key] = ""
                fixes.append(f"{key} is longer than {limit} characters, so it was left out.")

    type_codes, other_codes = _types(row.get("types"), state.number, folded_types, fixes, unknown_types, legacy_online)
    values["other_type_codes"] = other_codes
    values["attendance"] = attendance_for(
        address=values["address"],
        approximate=values["approximate"],
        conference_url=values["conference_url"],
        conference_phone=values["conference_phone"],
        location_closed=LOCATION_CLOSED_TYPE in type_codes,
    )
    if not (values["address"] or values["city"] or values["postal_code"] or values["latitude"] is not None
            or values["conference_url"] or values["conference_phone"]):
        problems.append("no way to place or join it: no address, city, ZIP code, coordinates, conference link or phone.")
    elif values["attendance"] == Attendance.INACTIVE and not (
        LOCATION_CLOSED_TYPE in type_codes and values["address"] and not values["approximate"]
    ):
        # Only a meeting at a street address whose location is temporarily closed is kept unlisted (it
        # reopens); a place without a street address and without a link or phone is never publishable.
        place = "an approximate place" if values["address"] else "only a city, ZIP code or coordinates"
        problems.append(f"no way to attend it: {place}, no street address to go to, and no conference link or phone.")

    if not slug and values["name"] and values["days"] and values["start_time"]:
        slug = slugify(f"{values['name']} {values['days'][0]} {values['start_time']:%H%M}")[:200] or f"row-{state.number}"
        fixes.append(f"slug is missing; the meeting is known as {_show(slug)} in this feed.")
        state.slug = slug

    updated = None
    raw_updated = row.get("updated")
    if raw_updated not in (None, ""):
        match = _UPDATED.match(str(raw_updated))
        try:
            if not match:
                raise ValueError
            updated = datetime.datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}").replace(tzinfo=datetime.UTC)
        except ValueError:
            fixes.append(f"updated {_show(raw_updated)} is not a YYYY-MM-DD HH:MM:SS time, so it was left out.")

    if problems:
        return None
    if not _SLUG_SAFE.match(slug):
        fixes.append(f"the slug {_show(slug)} is kept as the feed's identifier; the page address here uses letters, "
                     "digits and hyphens only.")
    return MeetingRecord(row=state.number, source=source, source_slug=slug, values=values, type_codes=type_codes,
                         updated=updated)


def _kind(value) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false", dict: "an object"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _show(value, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f'"{value}"'
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + '…"'


def _text(row: dict, key: str, fixes: list[str], *, multiline: bool = False) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, (bool, dict, list)):
        fixes.append(f"{key} must be text, not {_kind(value)}, so it was left out.")
        return ""
    text = str(value).replace("\x00", "")
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def _days(value, fixes: list[str]) -> list[int]:
    values = value if isinstance(value, list) else [value]
    days = []
    for item in values:
        day = None
        if isinstance(item, int) and not isinstance(item, bool):
            day = item
        elif isinstance(item, str) and item.strip().isdigit():
            day = int(item.strip())
        elif isinstance(item, str) and item.strip().casefold() in _DAY_WORDS:
            day = _DAY_WORDS[item.strip().casefold()]
            fixes.append(f"day {_show(item)} was read as {weekdays.DAY_NAMES[day]} ({day}).")
        if day is None or not 0 <= day <= 6:
            if len(values) > 1:
                fixes.append(f"day {_show(item)} is not a Meeting Guide day (0 = Sunday to 6 = Saturday) and was left out.")
            continue
        days.append(day)
    return sorted(set(days))


_DAY_WORDS = {name.casefold(): number for number, name in enumerate(weekdays.DAY_NAMES)} | {
    name[:3].casefold(): number for number, name in enumerate(weekdays.DAY_NAMES)
}


def _time(value, key: str, fixes: list[str], *, allow_24: bool = False, optional: bool = False) -> datetime.time | None:
    """A clock time: 24-hour as the spec asks (19:30), or 12-hour as people write it (7:30 PM), converted."""
    text = value.strip() if isinstance(value, str) else ""
    if match := _TIME_24.match(text):
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if allow_24 and (hour, minute, second) == (24, 0, 0):
            return datetime.time(0, 0)
        if hour <= 23 and minute <= 59 and second <= 59:
            return datetime.time(hour, minute)
    elif match := _TIME_12.match(text):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if 1 <= hour <= 12 and minute <= 59:
            hour = hour % 12 + (12 if match.group(4).lower() == "p" else 0)
            converted = datetime.time(hour, minute)
            fixes.append(f"{key} {_show(value)} was converted to the 24-hour time {converted:%H:%M}.")
            return converted
    elif text.casefold() in ("noon", "12 noon"):
        fixes.append(f"{key} {_show(value)} was converted to 12:00.")
        return datetime.time(12)
    if optional:
        fixes.append(f"{key} {_show(value)} is not a clock time, so it was left out.")
    return None


def _is_url(text: str) -> bool:
    try:
        _url_validator(text)
    except ValidationError:
        return False
    return True


def _number(value) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _coordinates(row: dict, values: dict, fixes: list[str]) -> None:
    lat_raw, lng_raw = row.get("latitude"), row.get("longitude")
    lat, lng = _number(lat_raw), _number(lng_raw)
    if lat_raw not in (None, "") and lat is None:
        fixes.append(f"latitude {_show(lat_raw)} is not a number, so it was left out.")
    if lng_raw not in (None, "") and lng is None:
        fixes.append(f"longitude {_show(lng_raw)} is not a number, so it was left out.")
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        fixes.append(f"latitude {lat:g} and longitude {lng:g} are not on the map, so they were left out.")
        lat = lng = None
    if (lat is None) != (lng is None):
        given = "latitude" if lat is not None else "longitude"
        fixes.append(f"only the {given} was given, so the coordinates were dropped and the place was taken "
                     "from the address or ZIP code.")
        lat = lng = None
    if lat == 0 and lng == 0:
        lat = lng = None  # a placeholder some feeds use for "unknown"
    if lat is None and values.get("postal_code") and values.get("country") in ("", "US"):
        point = geo.gazetteer().zip_point(values["postal_code"][:5]) if _ZIP.match(values["postal_code"]) else None
        if point:
            lat, lng = point
    values["latitude"] = round(lat, 7) if lat is not None else None
    values["longitude"] = round(lng, 7) if lng is not None else None


def _address(row: dict, values: dict, fixes: list[str]) -> None:
    """Fill address, city, state, postal code and country from the separate fields or formatted_address.

    An approximate place (`approximate: "yes"`, or a line with no street part) is kept as published
    and marked approximate: it is not somewhere to go in person, and it is published again as such.
    """
    for key in ("address", "city", "state", "postal_code", "country"):
        values[key] = _text(row, key, fixes)
    formatted = _text(row, "formatted_address", fixes)
    if formatted:
        for key, value in split_formatted_address(formatted).items():
            if not values[key]:
                values[key] = value
    if values["country"].casefold() in US_COUNTRY_NAMES:
        values["country"] = "US"
    approximate = row.get("approximate")
    if isinstance(approximate, str) and approximate.strip().lower() in ("yes", "no"):
        values["approximate"] = approximate.strip().lower() == "yes"
    elif isinstance(approximate, bool):
        values["approximate"] = approximate
    else:
        values["approximate"] = not values["address"]


def split_formatted_address(text: str) -> dict[str, str]:
    """Split '123 Main St, Anytown, CA 98765, USA' into Meeting Guide's address parts.

    Parts that cannot be recognised stay in the street address; a line with no street part (such as
    'Philadelphia, PA, USA', an online meeting's approximate place) leaves the address empty.
    """
    parts = [part.strip() for part in text.split(",") if part.strip()]
    found = {"address": "", "city": "", "state": "", "postal_code": "", "country": ""}
    if parts and parts[-1].casefold() in US_COUNTRY_NAMES:
        found["country"] = "US"
        parts.pop()
    elif len(parts) >= 2 and not any(ch.isdigit() for ch in parts[-1]) and not _us_state(parts[-1]):
        found["country"] = parts.pop()
    if parts and (match := _us_state(parts[-1])):
        found["state"], found["postal_code"] = match.group(1), match.group(2) or ""
        parts.pop()
    elif parts and len(parts) >= 2 and (match := _REGION_POSTCODE.match(parts[-1])):
        found["state"], found["postal_code"] = match.group(1), match.group(2)
        parts.pop()
    if parts:
        found["city"] = parts.pop()
    found["address"] = ", ".join(parts)
    return found


def _us_state(text: str):
    """Match 'PA' or 'PA 19107' when PA is a US state or territory code."""
    match = _US_STATE_ZIP.match(text)
    return match if match and match.group(1) in geo.US_STATES else None


def _types(value, number: int, folded: dict[str, str], fixes: list[str], unknown_types: dict[str, list[int]],
           legacy_online: list[int]) -> tuple[list[str], list[str]]:
    if value in (None, ""):
        return [], []
    if isinstance(value, str):
        value = value.split(",")  # the spreadsheet form lists codes in one cell
    if not isinstance(value, list):
        fixes.append(f"types must be a list of codes, not {_kind(value)}, so they were left out.")
        return [], []
    known, other = [], []
    for item in value:
        if isinstance(item, (dict, list, bool)) or item is None:
            fixes.append(f"types holds {_kind(item)}, not a code; it was left out.")
            continue
        code = str(item).replace("\x00", "").strip()
        if not code:
            continue
        match = folded.get(code.casefold())
        if match:
            if match not in known:
                known.append(match)
        elif code.upper() == LEGACY_ONLINE_TYPE:
            legacy_online.append(number)
        elif len(code) > 30:
            fixes.append(f"type code {_show(code)} is longer than 30 characters and was left out.")
        elif code not in other:
            other.append(code)
            unknown_types[code].append(number)
    return known, other


# Planning --------------------------------------------------------------------------------------


@dataclass
class _Plan:
    record: MeetingRecord
    meeting: Meeting | None
    changes: dict
    types_changed: bool = False
    matched: Meeting | None = None

    @property
    def changed(self) -> list[str]:
        names = sorted(name.removesuffix("_id") for name in self.changes if name != "updated")
        names += ["types"] if self.types_changed else []
        return names or (["updated date"] if "updated" in self.changes else [])


def _same(current, new) -> bool:
    if isinstance(current, float) or isinstance(new, float):
        return current is not None and new is not None and abs(current - new) < 1e-7
    return current == new


def _key(name: str, start: datetime.time) -> tuple[str, datetime.time]:
    return " ".join(slugify(name).split("-")), start


def _same_place(meeting: Meeting, values: dict) -> bool:
    """Whether a listed meeting and a record meet at the same place (or the same online room)."""
    if values["conference_url"] and meeting.conference_url and meeting.conference_url == values["conference_url"]:
        return True
    if meeting.latitude is not None and values["latitude"] is not None and meeting.has_street_address and values["address"]:
        if abs(meeting.latitude - values["latitude"]) < 0.002 and abs(meeting.longitude - values["longitude"]) < 0.002:
            return True
    street = " ".join(slugify(values["address"]).split("-"))
    if street and street == " ".join(slugify(meeting.address).split("-")):
        return (meeting.postal_code[:5] == values["postal_code"][:5]) or (
            meeting.city.casefold() == values["city"].casefold())
    if not street and not meeting.has_street_address and not values["conference_url"] and not meeting.conference_url:
        return bool(values["city"]) and meeting.city.casefold() == values["city"].casefold()
    return False


def _listed_elsewhere(records: list[MeetingRecord], existing: dict) -> dict[int, Meeting]:
    """For new records, a meeting of another source (or entered by hand) with the same name, day, time and place."""
    new = [record for record in records if (record.source, record.source_slug) not in existing]
    if not new:
        return {}
    times = sorted({record.values["start_time"] for record in new})
    candidates: dict[tuple, list[Meeting]] = defaultdict(list)
    queryset = Meeting.objects.filter(start_time__in=times).defer("search_vector")
    for meeting in queryset.iterator(chunk_size=2000):
        candidates[_key(meeting.name, meeting.start_time)].append(meeting)
    found = {}
    for record in new:
        for meeting in candidates.get(_key(record.values["name"], record.values["start_time"]), []):
            if meeting.source == record.source:
                continue  # the same source: a different slug is a different meeting
            if set(meeting.days) & set(record.values["days"]) and _same_place(meeting, record.values):
                found[record.row] = meeting
                break
    return found


def make_planner(*, update_existing: bool = True):
    """The planner of a meeting import (see importing.pipeline.run_pipeline)."""

    def plan(records: list[MeetingRecord], report: ImportReport, progress: Progress | None) -> list[_Plan]:
        existing: dict[tuple[str, str], Meeting] = {}
        for source in {record.source for record in records}:
            for meeting in Meeting.objects.filter(source=source).prefetch_related("types").defer("search_vector"):
                existing[(meeting.source, meeting.source_slug)] = meeting
        elsewhere = _listed_elsewhere(records, existing)
        plans = []
        for done, record in enumerate(records, start=1):
            meeting = existing.get((record.source, record.source_slug))
            if meeting is None and record.row in elsewhere:
                other = elsewhere[record.row]
                plans.append(_Plan(record, None, {}, matched=other))
                report.matched += 1
                report.changes.append(Change("matched", record.row, record.name))
                where = f"imported from {other.source!r}" if other.source else "entered by hand"
                report.warnings.append(str(Finding(
                    record.row, f"already listed as «{other.name}» ({where}, /meetings/{other.slug}/): "
                    "same name, day, time and place, so it was not imported again.", record.source_slug,
                )))
            elif meeting is None:
                plans.append(_Plan(record, None, {}))
                report.created += 1
                report.changes.append(Change("create", record.row, record.name))
            elif not update_existing:
                plans.append(_Plan(record, meeting, {}))
                report.unchanged += 1
                report.changes.append(Change("unchanged", record.row, record.name))
            else:
                changes = {
                    name: value for name, value in record.values.items() if not _same(getattr(meeting, name), value)
                }
                if meeting.fellowship_id != record.fellowship.pk:
                    changes["fellowship_id"] = record.fellowship.pk
                if record.updated is not None and meeting.updated != record.updated:
                    changes["updated"] = record.updated
                types_changed = set(record.type_codes) != {t.code for t in meeting.types.all()}
                plan = _Plan(record, meeting, changes, types_changed)
                plans.append(plan)
                if plan.changed:
                    report.updated += 1
                    report.changes.append(Change("update", record.row, record.name, tuple(plan.changed)))
                else:
                    report.unchanged += 1
                    report.changes.append(Change("unchanged", record.row, record.name))
            report_progress(progress, done, len(records), "check")
        known = {key[1] for key in existing if key[0] in {record.source for record in records}}
        missing = len(known - {record.source_slug for record in records})
        if missing and records:
            report.warnings.append(
                f"{missing} meetings imported earlier from {records[0].source!r} are not in this feed; "
                "they were left as they are (close them in the admin if they have ended)."
            )
        return plans

    return plan


# Writing ---------------------------------------------------------------------------------------


def unique_slug(wanted: str, name: str, taken: set[str]) -> str:
    """A slug for a new meeting page: the feed's own slug when it is URL-safe and free, else a variant."""
    if _SLUG_SAFE.match(wanted or "") and len(wanted) <= 190:
        return slugs.unique_slug(wanted, taken, already_slug=True)
    return slugs.unique_slug(wanted, taken, max_length=190,
                             fallback=slugs.slug_base(name, max_length=190, fallback="meeting"))


def write(plans: list[_Plan], report: ImportReport, progress: Progress | None) -> list[HistoryEntry]:
    """Create and update the planned meetings (the pipeline holds the transaction); return the history."""
    types = dict(MeetingType.objects.values_list("code", "pk"))
    history: list[HistoryEntry] = [
        (fellowship, ADDITION, f"Created by the import of {source}.")
        for fellowship, source in _created_fellowships(plans)
    ]
    now = timezone.now()
    to_create = [plan for plan in plans if plan.meeting is None and plan.matched is None]
    to_update = [plan for plan in plans if plan.meeting is not None and plan.changed]
    total, done = len(to_create) + len(to_update), 0
    taken = set(Meeting.objects.values_list("slug", flat=True)) if to_create else set()
    through = Meeting.types.through
    for start in range(0, len(to_create), BATCH):
        batch = to_create[start:start + BATCH]
        meetings = Meeting.objects.bulk_create([
            Meeting(
                **plan.record.values, **plan.record.extra, fellowship=plan.record.fellowship,
                source=plan.record.source, source_slug=plan.record.source_slug,
                slug=unique_slug(plan.record.source_slug, plan.record.name, taken),
                updated=plan.record.updated or now,
            )
            for plan in batch
        ])
        through.objects.bulk_create([
            through(meeting_id=meeting.pk, meetingtype_id=types[code])
            for meeting, plan in zip(meetings, batch)
            for code in plan.record.type_codes
        ])
        for meeting, plan in zip(meetings, batch):
            history.append((meeting, ADDITION, f"Imported from {plan.record.source}."))
        done += len(batch)
        report_progress(progress, done, total, "write")
    for plan in to_update:
        changes = dict(plan.changes)
        if "fellowship_id" in changes:  # a fellowship created above has its key only now
            changes["fellowship_id"] = plan.record.fellowship.pk
        changes.setdefault("updated", plan.record.updated or now)
        Meeting.objects.filter(pk=plan.meeting.pk).update(**changes)
        if plan.types_changed:
            through.objects.filter(meeting_id=plan.meeting.pk).delete()
            through.objects.bulk_create(
                [through(meeting_id=plan.meeting.pk, meetingtype_id=types[code]) for code in sorted(set(plan.record.type_codes))]
            )
        changed = ", ".join(field_labels(Meeting, plan.changed)) or "updated date"
        history.append((plan.meeting, CHANGE, f"Import from {plan.record.source} changed: {changed}."))
        done += 1
        report_progress(progress, done, total, "write")
    transaction.on_commit(forget_zones_in_use)  # bulk writes send no signals
    forget_zones_in_use()
    forget_occurrence_counts()
    return history


def _created_fellowships(plans: list[_Plan]) -> list[tuple[Fellowship, str]]:
    created = save_new_fellowships(plans)
    sources = {}
    for plan in plans:
        sources.setdefault(id(plan.record.fellowship), plan.record.source)
    return [(fellowship, sources[id(fellowship)]) for fellowship in created]


# The whole import ------------------------------------------------------------------------------


def source_name(source: str) -> str:
    """A short name for where a feed came from: the file's stem, or the URL's host and path."""
    parts = urlsplit(source)
    if parts.scheme.lower() in {"http", "https"}:
        text = f"{parts.hostname or ''}{parts.path}".rstrip("/")
        text = re.sub(r"\.json$", "", text)
    else:
        text = Path(source).stem
    return slugify(text)[:100] or "feed"


def import_meeting_guide(
    *,
    source: Any,
    filename: str = "",
    format: str = FORMAT_MEETING_GUIDE,
    fellowship: Fellowship | str | None = None,
    source_name: str | None = None,
    default_timezone: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    user=None,
    max_bytes: int | None = None,
    timeout: float = FETCH_TIMEOUT,
) -> ImportReport:
    """Import a Meeting Guide feed (a path, an http(s) URL, bytes or an upload) through the import pipeline.

    Meetings are matched by the source name (by default derived from the file name) and each row's
    slug, so importing the same feed again changes nothing. Without `strict`, every usable row is
    applied and the rejected ones are reported; with it, one rejected row stops the import.
    `fellowship` (a Fellowship, or its slug, abbreviation or name) is used for rows that do not name
    their own. Each meeting created or changed gets an admin history entry in the name of `user`.
    """
    report = ImportReport(format=format, filename=filename, dry_run=dry_run, strict=strict, noun="rows")
    zone = default_timezone or settings.TIME_ZONE
    if not timezones.is_zone(zone):
        report.errors.append(f"{zone!r} is not an IANA time zone name such as America/New_York.")
        return report
    if isinstance(fellowship, str):
        chosen = find_fellowship(fellowship) or new_fellowship(fellowship)
        if chosen is None:
            known = ", ".join(Fellowship.objects.values_list("slug", flat=True))
            report.errors.append(f"There is no fellowship {fellowship!r}. Known fellowships: {known}. "
                                 "To add one, give its full name, e.g. 'Eating Disorders Anonymous'.")
            return report
        fellowship = chosen
    name = source_name or _default_source_name(source, filename)
    if not report.filename:
        report.filename = name

    def parse() -> ParsedFile:
        rows = read_feed(source, max_bytes=max_bytes or MAX_FEED_BYTES, timeout=timeout)
        return parse_feed(rows, source=name, default_timezone=zone, fellowship=fellowship, progress=progress)

    return run_pipeline(report=report, parse=parse, plan=make_planner(), write=write, progress=progress, user=user)


def _default_source_name(source: Any, filename: str) -> str:
    if filename:
        return source_name(filename)
    if isinstance(source, (str, Path)):
        return source_name(str(source))
    return "feed"


def load_records(records: list[MeetingRecord], *, update_existing: bool = False, filename: str = "") -> ImportReport:
    """Apply already-checked records (the demo loader's), through the same planner and writer."""
    report = ImportReport(format=FORMAT_MEETING_GUIDE, filename=filename, noun="rows")

    def parse() -> ParsedFile:
        return ParsedFile(records=records, total=len(records))

    return run_pipeline(report=report, parse=parse, plan=make_planner(update_existing=update_existing), write=write)
