"""Import Meeting Guide feeds: read the whole feed, check every row, then write all of it or nothing.

The functions are keyword-only so that the management command and a future admin upload page
share them: `read_feed` (a file or an http(s) URL), `parse_feed` (validation only, no database
writes), `save_records` (one transaction, idempotent by source and slug) and `import_feed`, which
runs the whole workflow and returns an `ImportResult` to report.
"""
from __future__ import annotations

import datetime
import json
import re
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.admin.models import ADDITION, CHANGE
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from meetings.models import (
    LOCATION_CLOSED_TYPE,
    Attendance,
    Fellowship,
    Meeting,
    MeetingType,
    attendance_for,
    forget_zones_in_use,
)
from places import geo, timezones
from portal import slugs
from portal.admin_tools import record_history

MAX_FEED_BYTES = 25 * 1024 * 1024
FETCH_TIMEOUT = 30  # seconds
USER_AGENT = "Meeting Guide feed importer (treatment portal)"
LEGACY_ONLINE_TYPE = "ONL"  # older feeds mark online meetings with a type; the spec uses the conference fields
BATCH = 1000

Progress = Callable[[str, int, int], None]

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_UPDATED = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)")
_US_STATE_ZIP = re.compile(r"^([A-Z]{2})(?:\s+(\d{5}(?:-\d{4})?))?$")
_REGION_POSTCODE = re.compile(r"^([A-Z]{2})\s+([A-Z0-9][A-Z0-9 -]{2,9})$")
_SLUG_SAFE = re.compile(r"^[-a-zA-Z0-9_]+$")
US_COUNTRY_NAMES = {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"}
_url_validator = URLValidator(schemes=["http", "https"])

LIMITS = {
    "name": 255, "location": 255, "address": 255, "city": 100, "state": 100, "postal_code": 20, "country": 60,
    "group_name": 255, "conference_url": 500, "conference_phone": 60, "source_url": 500,
}
# Model fields an import manages; staff-only fields (status, last_verified, slug) are left alone.
FEED_FIELDS = [
    "name", "days", "start_time", "end_time", "timezone", "location", "address", "city", "state", "postal_code",
    "country", "latitude", "longitude", "location_notes", "notes", "conference_url", "conference_url_notes",
    "conference_phone", "conference_phone_notes", "group_name", "source_url", "other_type_codes", "attendance",
]


class FeedError(Exception):
    """The feed as a whole cannot be used: unreadable, too large, not JSON, or not a list of meetings."""


@dataclass
class RowProblem:
    """Something wrong with one row, by its 1-based position in the feed."""

    row: int
    slug: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}{f' ({self.slug})' if self.slug else ''}: {self.message}"


@dataclass
class MeetingRecord:
    """One valid row, as the model field values it stands for."""

    row: int
    source_slug: str
    values: dict
    type_codes: list[str]
    updated: datetime.datetime | None = None
    fellowship: Fellowship | None = None
    extra: dict = field(default_factory=dict)  # staff-only fields a trusted loader may set (demo data)


@dataclass
class ParsedFeed:
    total_rows: int
    records: list[MeetingRecord] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)
    unknown_types: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    legacy_online_rows: list[int] = field(default_factory=list)
    not_attendable_rows: list[int] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({problem.row for problem in self.errors})


@dataclass
class ImportResult:
    parsed: ParsedFeed
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing_from_feed: int = 0
    written: bool = False
    dry_run: bool = False
    rejected: bool = False  # invalid rows stopped the import before anything was written


# Reading.

def read_feed(source: str, *, max_bytes: int = MAX_FEED_BYTES, timeout: float = FETCH_TIMEOUT) -> list:
    """Read a feed from a file path or an http(s) URL and decode its JSON list of meetings."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in {"http", "https"}:
        data = _fetch(source, max_bytes=max_bytes, timeout=timeout)
    elif scheme and len(scheme) > 1:
        raise FeedError(f"Only files and http(s) addresses can be imported, not {scheme}: addresses.")
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise FeedError(f"{path} is {size:,} bytes, more than the {max_bytes:,} allowed.")
            data = path.read_bytes()
        except OSError as error:
            raise FeedError(f"Cannot read {path}: {error.strerror or error}") from error
    return decode_feed(data)


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
        raise FeedError(f"The feed is not UTF-8 text (byte {error.start}).") from error
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedError(
            f"The feed is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}. "
            "Nothing was imported."
        ) from error
    if not isinstance(rows, list):
        raise FeedError("A Meeting Guide feed is a JSON list of meetings, but this file holds a single "
                        f"{type(rows).__name__ if not isinstance(rows, dict) else 'object'}.")
    return rows


# Checking.

def parse_feed(
    rows: list, *, default_timezone: str, progress: Progress | None = None, known_types: dict[str, str] | None = None
) -> ParsedFeed:
    """Check every row and turn the valid ones into MeetingRecords; reads the type list, writes nothing."""
    if known_types is None:
        known_types = {code: code for code in MeetingType.objects.values_list("code", flat=True)}
    folded = {code.casefold(): code for code in known_types}
    parsed = ParsedFeed(total_rows=len(rows))
    first_row_of_slug: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        record = _parse_row(row, number=index, default_timezone=default_timezone, folded_types=folded, parsed=parsed)
        if record is not None:
            if record.source_slug in first_row_of_slug:
                parsed.errors.append(RowProblem(
                    index, record.source_slug,
                    f"the slug is already used by row {first_row_of_slug[record.source_slug]}; slugs must be unique.",
                ))
            else:
                first_row_of_slug[record.source_slug] = index
                parsed.records.append(record)
        if progress and (index % 500 == 0 or index == len(rows)):
            progress("checked", index, len(rows))
    invalid = {problem.row for problem in parsed.errors}
    parsed.records = [record for record in parsed.records if record.row not in invalid]
    return parsed


def _parse_row(row, *, number: int, default_timezone: str, folded_types: dict[str, str], parsed: ParsedFeed):
    if not isinstance(row, dict):
        parsed.errors.append(RowProblem(number, "", f"each meeting must be a JSON object, not {_kind(row)}."))
        return None
    errors: list[str] = []
    warnings: list[str] = []

    raw_slug = row.get("slug")
    slug = "" if raw_slug is None or isinstance(raw_slug, (bool, dict, list)) else str(raw_slug).replace("\x00", "").strip()
    if not slug:
        errors.append("slug is missing: every meeting needs a unique slug.")
    elif len(slug) > 255:
        errors.append("slug is longer than 255 characters.")

    values: dict = {}
    values["name"] = _text(row, "name", errors)
    if not values["name"]:
        errors.append("name is missing.")

    days, start, end = row.get("day"), row.get("time"), row.get("end_time")
    has_day = days not in (None, "", [])
    has_time = start not in (None, "")
    if not has_day and not has_time:
        parsed.skipped.append(RowProblem(
            number, slug, "no day and time (a meeting by appointment); this site lists weekly meetings only."
        ))
        return None
    if not has_day:
        errors.append("time is given but day is missing.")
    if not has_time:
        errors.append("day is given but time is missing.")
    values["days"] = _days(days, errors) if has_day else []
    values["start_time"] = _time(start, "time", errors) if has_time else None
    values["end_time"] = _time(end, "end_time", errors, allow_24=True) if end not in (None, "") else None
    if values["end_time"] is not None and values["end_time"] == values["start_time"]:
        warnings.append("end_time is the same as time, so it was treated as a one-hour meeting.")
        values["end_time"] = None

    zone = row.get("timezone")
    if zone in (None, ""):
        values["timezone"] = default_timezone
    elif timezones.is_zone(zone):
        values["timezone"] = zone
    else:
        errors.append(f"timezone {_show(zone)} is not an IANA time zone name such as America/New_York.")

    for key, target in (
        ("location", "location"), ("group", "group_name"), ("conference_url_notes", "conference_url_notes"),
        ("conference_phone_notes", "conference_phone_notes"),
    ):
        values[target] = _text(row, key, errors)
    values["notes"] = strip_tags(_text(row, "notes", errors, multiline=True))
    values["location_notes"] = strip_tags(_text(row, "location_notes", errors, multiline=True))

    _address(row, values, errors)
    _coordinates(row, values, errors)

    values["conference_url"] = _text(row, "conference_url", errors)
    if values["conference_url"] and not _is_url(values["conference_url"]):
        errors.append(f"conference_url {_show(values['conference_url'])} is not an http(s) address.")
    values["conference_phone"] = _text(row, "conference_phone", errors)
    if values["conference_phone"] and not re.fullmatch(r"\+?[0-9][0-9 ()./*#,;-]{2,59}", values["conference_phone"]):
        errors.append(f"conference_phone {_show(values['conference_phone'])} should be digits, "
                      "with a leading + and one-tap , * # allowed.")
    values["source_url"] = _text(row, "url", errors)
    if values["source_url"] and not _is_url(values["source_url"]):
        warnings.append(f"url {_show(values['source_url'])} is not an http(s) address, so it was left out.")
        values["source_url"] = ""

    for key, limit in LIMITS.items():
        if len(values.get(key) or "") > limit:
            errors.append(f"{key.replace('_name', '')} is longer than {limit} characters.")

    type_codes, other_codes = _types(row.get("types"), number, folded_types, parsed, errors)
    values["other_type_codes"] = other_codes
    values["attendance"] = attendance_for(
        address=values.get("address", ""),
        conference_url=values["conference_url"],
        conference_phone=values["conference_phone"],
        location_closed=LOCATION_CLOSED_TYPE in type_codes,
    )

    updated = None
    raw_updated = row.get("updated")
    if raw_updated not in (None, ""):
        match = _UPDATED.match(str(raw_updated))
        try:
            if not match:
                raise ValueError
            updated = datetime.datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}").replace(tzinfo=datetime.UTC)
        except ValueError:
            warnings.append(f"updated {_show(raw_updated)} is not a YYYY-MM-DD HH:MM:SS time, so it was left out.")

    parsed.warnings.extend(RowProblem(number, slug, message) for message in warnings)
    if errors:
        parsed.errors.extend(RowProblem(number, slug, message) for message in errors)
        return None
    if values["attendance"] == Attendance.INACTIVE:
        parsed.not_attendable_rows.append(number)
    return MeetingRecord(row=number, source_slug=slug, values=values, type_codes=type_codes, updated=updated)


def _kind(value) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _show(value, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= limit else text[: limit - 2] + '…"'


def _text(row: dict, key: str, errors: list[str], *, multiline: bool = False) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, (bool, dict, list)):
        errors.append(f"{key} must be text, not {_kind(value)}.")
        return ""
    text = str(value).replace("\x00", "")
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def _days(value, errors: list[str]) -> list[int]:
    values = value if isinstance(value, list) else [value]
    days = []
    for item in values:
        if isinstance(item, bool) or not isinstance(item, (int, str)) or (isinstance(item, str) and not item.strip().isdigit()):
            errors.append(f"day {_show(item)} is not a number from 0 (Sunday) to 6 (Saturday).")
            continue
        day = int(item)
        if not 0 <= day <= 6:
            errors.append(f"day {_show(item)} is not a Meeting Guide day: use 0 (Sunday) to 6 (Saturday).")
            continue
        days.append(day)
    return sorted(set(days))


def _time(value, key: str, errors: list[str], *, allow_24: bool = False) -> datetime.time | None:
    match = _TIME.match(value.strip()) if isinstance(value, str) else None
    if match:
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if allow_24 and (hour, minute, second) == (24, 0, 0):
            return datetime.time(0, 0)
        if hour <= 23 and minute <= 59 and second <= 59:
            return datetime.time(hour, minute)
    errors.append(f"{key} {_show(value)} is not a 24-hour time like 19:30.")
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
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _coordinates(row: dict, values: dict, errors: list[str]) -> None:
    lat_raw, lng_raw = row.get("latitude"), row.get("longitude")
    lat, lng = _number(lat_raw), _number(lng_raw)
    bad = False
    if lat_raw not in (None, "") and lat is None:
        errors.append(f"latitude {_show(lat_raw)} is not a number.")
        bad = True
    if lng_raw not in (None, "") and lng is None:
        errors.append(f"longitude {_show(lng_raw)} is not a number.")
        bad = True
    if (lat is None) != (lng is None):
        if not bad:
            errors.append("give both latitude and longitude, or neither.")
        lat = lng = None
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors.append(f"latitude {lat} and longitude {lng} are not on the map.")
    if lat == 0 and lng == 0:
        lat = lng = None  # a placeholder some feeds use for "unknown"
    if lat is None and values.get("address") and values.get("postal_code"):
        point = geo.gazetteer().zip_point(values["postal_code"]) if values.get("country") in ("", "US") else None
        if point:
            lat, lng = point
    values["latitude"] = round(lat, 7) if lat is not None else None
    values["longitude"] = round(lng, 7) if lng is not None else None


def _address(row: dict, values: dict, errors: list[str]) -> None:
    """Fill address, city, state, postal code and country from the separate fields or formatted_address."""
    for key in ("address", "city", "state", "postal_code", "country"):
        values[key] = _text(row, key, errors)
    formatted = _text(row, "formatted_address", errors)
    if formatted:
        for key, value in split_formatted_address(formatted).items():
            if not values[key]:
                values[key] = value
    if values["country"].casefold() in US_COUNTRY_NAMES:
        values["country"] = "US"
    if str(row.get("approximate", "")).strip().lower() == "yes":
        values["address"] = ""  # an approximate place (a city) is not somewhere to go in person


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


def _types(value, number: int, folded: dict[str, str], parsed: ParsedFeed, errors: list[str]):
    if value in (None, ""):
        return [], []
    if isinstance(value, str):
        value = value.split(",")  # the spreadsheet form lists codes in one cell
    if not isinstance(value, list):
        errors.append(f"types must be a list of codes, not {_kind(value)}.")
        return [], []
    known, other = [], []
    for item in value:
        if isinstance(item, (dict, list, bool)) or item is None:
            errors.append(f"types holds {_kind(item)}, not a code.")
            continue
        code = str(item).replace("\x00", "").strip()
        if not code:
            continue
        match = folded.get(code.casefold())
        if match:
            if match not in known:
                known.append(match)
        elif code.upper() == LEGACY_ONLINE_TYPE:
            parsed.legacy_online_rows.append(number)
        else:
            if len(code) > 30:
                errors.append(f"type code {_show(code)} is longer than 30 characters.")
                continue
            if code not in other:
                other.append(code)
                parsed.unknown_types[code].append(number)
    return known, other


# Writing.

def unique_slug(wanted: str, name: str, taken: set[str]) -> str:
    """A slug for a new meeting page: the feed's own slug when it is URL-safe and free, else a variant."""
    if _SLUG_SAFE.match(wanted or "") and len(wanted) <= 190:
        return slugs.unique_slug(wanted, taken, already_slug=True)
    return slugs.unique_slug(wanted, taken, max_length=190, fallback=slugs.slug_base(name, max_length=190, fallback="meeting"))


def _same(current, new) -> bool:
    if isinstance(current, float) or isinstance(new, float):
        return current is not None and new is not None and abs(current - new) < 1e-7
    return current == new


def save_records(
    records: list[MeetingRecord],
    *,
    source: str,
    fellowship: Fellowship | None,
    update_existing: bool = True,
    progress: Progress | None = None,
    user=None,
) -> dict[str, int]:
    """Create or update the meetings of one source, matched by their feed slug; runs in one transaction.

    Returns counts of created, updated and unchanged meetings, and of this source's meetings that the
    records no longer mention (left as they are: a feed may be partial). Every meeting created or
    changed gets an admin history entry in the name of `user` (or the inactive "data-import" account).
    """
    history: list[tuple[Meeting, int, str]] = []
    types = dict(MeetingType.objects.values_list("code", "pk"))
    counts = {"created": 0, "updated": 0, "unchanged": 0, "missing_from_feed": 0}
    with transaction.atomic():
        existing = {
            meeting.source_slug: meeting
            for meeting in Meeting.objects.filter(source=source).prefetch_related("types").defer("search_vector")
        }
        taken = set(Meeting.objects.values_list("slug", flat=True))
        now = timezone.now()
        to_create: list[tuple[Meeting, MeetingRecord]] = []
        for done, record in enumerate(records, start=1):
            chosen = record.fellowship or fellowship
            if chosen is None:
                raise ValueError(f"Row {record.row}: no fellowship given for {record.values['name']!r}.")
            meeting = existing.get(record.source_slug)
            if meeting is None:
                meeting = Meeting(
                    **record.values, **record.extra, fellowship=chosen, source=source, source_slug=record.source_slug,
                    slug=unique_slug(record.source_slug, record.values["name"], taken),
                    updated=record.updated or now,
                )
                to_create.append((meeting, record))
            elif update_existing:
                changes = {
                    name: value for name, value in record.values.items() if not _same(getattr(meeting, name), value)
                }
                if meeting.fellowship_id != chosen.pk:
                    changes["fellowship_id"] = chosen.pk
                if record.updated is not None and meeting.updated != record.updated:
                    changes["updated"] = record.updated
                new_types = set(record.type_codes)
                types_changed = new_types != {t.code for t in meeting.types.all()}
                if changes or types_changed:
                    changes.setdefault("updated", record.updated or now)
                    Meeting.objects.filter(pk=meeting.pk).update(**changes)
                    if types_changed:
                        through = Meeting.types.through
                        through.objects.filter(meeting_id=meeting.pk).delete()
                        through.objects.bulk_create(
                            [through(meeting_id=meeting.pk, meetingtype_id=types[code]) for code in sorted(new_types)]
                        )
                    counts["updated"] += 1
                    changed = sorted(name.removesuffix("_id") for name in changes if name != "updated")
                    history.append((meeting, CHANGE, f"Import from {source} changed: "
                                    f"{', '.join(changed + (['types'] if types_changed else [])) or 'updated date'}."))
                else:
                    counts["unchanged"] += 1
            else:
                counts["unchanged"] += 1
            if len(to_create) >= BATCH:
                counts["created"] += _create(to_create, types)
                history.extend((meeting, ADDITION, f"Imported from {source}.") for meeting, _ in to_create)
                to_create = []
            if progress and (done % 500 == 0 or done == len(records)):
                progress("saved", done, len(records))
        counts["created"] += _create(to_create, types)
        history.extend((meeting, ADDITION, f"Imported from {source}.") for meeting, _ in to_create)
        record_history(history, user=user)
        transaction.on_commit(forget_zones_in_use)  # bulk writes send no signals
        forget_zones_in_use()
        seen = {record.source_slug for record in records}
        counts["missing_from_feed"] = sum(1 for slug in existing if slug not in seen)
    return counts


def _create(batch: list[tuple[Meeting, MeetingRecord]], types: dict[str, int]) -> int:
    if not batch:
        return 0
    meetings = Meeting.objects.bulk_create([meeting for meeting, _ in batch])
    through = Meeting.types.through
    through.objects.bulk_create([
        through(meeting_id=meeting.pk, meetingtype_id=types[code])
        for meeting, (_, record) in zip(meetings, batch)
        for code in record.type_codes
    ])
    return len(meetings)


def import_feed(
    rows: list,
    *,
    source: str,
    fellowship: Fellowship,
    default_timezone: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check a whole feed, then write it in one transaction: unless some row is invalid (and
    `skip_invalid` is false), in which case nothing is written. A dry run writes, counts, and rolls back."""
    if not timezones.is_zone(default_timezone):
        raise FeedError(f"{default_timezone!r} is not an IANA time zone name.")
    parsed = parse_feed(rows, default_timezone=default_timezone, progress=progress)
    result = ImportResult(parsed=parsed, source=source, dry_run=dry_run)
    if parsed.errors and not skip_invalid:
        result.rejected = True
        return result
    with transaction.atomic():
        counts = save_records(parsed.records, source=source, fellowship=fellowship, progress=progress)
        for key, value in counts.items():
            setattr(result, key, value)
        if dry_run:
            transaction.set_rollback(True)
        else:
            result.written = True
    return result


def source_name(source: str) -> str:
    """A short name for where a feed came from: the file's stem, or the URL's host and path."""
    parts = urlsplit(source)
    if parts.scheme.lower() in {"http", "https"}:
        text = f"{parts.hostname or ''}{parts.path}".rstrip("/")
        text = re.sub(r"\.json$", "", text)
    else:
        text = Path(source).stem
    return slugify(text)[:100] or "feed"
