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

import json
import re
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import slugify

from importing.pipeline import (
    Finding,
    ImportFileError,
    ImportReport,
    ParsedFile,
    Progress,
    read_source,
    report_progress,
    run_pipeline,
)
from meetings.feed_fields import (
    LEGACY_ONLINE_TYPE as LEGACY_ONLINE_TYPE,  # read by meetings.filters and meetings.understanding
)
from meetings.feed_fields import (
    SLUG_SAFE,
    MeetingRecord,
    _address,
    _coordinates,
    _kind,
    _limit_lengths,
    _links,
    _schedule,
    _show,
    _text,
    _types,
    _updated,
)
from meetings.feed_fields import (
    split_formatted_address as split_formatted_address,
)
from meetings.feed_writing import make_planner, write
from meetings.models import (
    LOCATION_CLOSED_TYPE,
    Attendance,
    Fellowship,
    MeetingType,
    attendance_for,
)
from places import timezones

FORMAT_MEETING_GUIDE = "meeting-guide"
MAX_FEED_BYTES = 25 * 1024 * 1024
FETCH_TIMEOUT = 30  # seconds
USER_AGENT = "Meeting Guide feed importer (treatment portal)"




class FeedError(ImportFileError):
    """The feed as a whole cannot be used: unreadable, too large, not JSON, or not a list of meetings."""



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

    _schedule(row, values, fixes, problems, default_timezone)

    for key, target in (
        ("location", "location"), ("group", "group_name"), ("conference_url_notes", "conference_url_notes"),
        ("conference_phone_notes", "conference_phone_notes"),
    ):
        values[target] = _text(row, key, fixes)
    values["notes"] = strip_tags(_text(row, "notes", fixes, multiline=True))
    values["location_notes"] = strip_tags(_text(row, "location_notes", fixes, multiline=True))

    _address(row, values, fixes)
    _coordinates(row, values, fixes)

    _links(row, values, fixes)
    _limit_lengths(values, fixes, problems)

    type_codes, other_codes = _types(row.get("types"), state.number, folded_types, fixes, unknown_types, legacy_online)
    values["other_type_codes"] = other_codes
    _attendance(values, type_codes, problems)

    if not slug and values["name"] and values["days"] and values["start_time"]:
        slug = slugify(f"{values['name']} {values['days'][0]} {values['start_time']:%H%M}")[:200] or f"row-{state.number}"
        fixes.append(f"slug is missing; the meeting is known as {_show(slug)} in this feed.")
        state.slug = slug

    updated = _updated(row, fixes)

    if problems:
        return None
    if not SLUG_SAFE.match(slug):
        fixes.append(f"the slug {_show(slug)} is kept as the feed's identifier; the page address here uses letters, "
                     "digits and hyphens only.")
    return MeetingRecord(row=state.number, source=source, source_slug=slug, values=values, type_codes=type_codes,
                         updated=updated)



# The whole import ------------------------------------------------------------------------------





def _attendance(values: dict, type_codes: list[str], problems: list[str]) -> None:
    """How a person attends; a row with no way to place, join or attend the meeting is rejected."""
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
