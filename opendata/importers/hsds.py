"""Import Open Referral HSDS 3.x data: the JSON form and the tabular data package.

Each service_at_location becomes a program: its service gives the name, status, description,
website, phones, schedules, taxonomy terms (attributes whose term code is a Term.code) and beds
(a service_capacity counted in beds); its location gives the address and coordinates; the
service's organization becomes the program's Organization (matched by name). Programs keep
source="hsds" and the service_at_location's id (or the service's) as source_id.

JSON accepted: a compiled service, organization (with nested services and locations) or
service_at_location object, a list of them, or an API page with them in `contents`. The tabular
package is a folder or a .zip with the HSDS CSV files (datapackage.json optional).
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

from directory.models import Program
from opendata.hsds import ACCEPTING_CODE, parse_record_id
from opendata.importers.base import (
    BadValue,
    ImportFileError,
    ImportReport,
    OrganizationRecord,
    ParsedFile,
    ProgramRecord,
    Progress,
    add_contact_email,
    check_listing,
    clean_website,
    coordinate,
    decode_text,
    describe_size,
    duplicate_reason,
    max_import_bytes,
    number,
    read_source,
    sort_findings,
    report_progress,
    run_import,
    summarize_counts,
    terms_by_code,
    text,
)
from opendata.importers.samhsa import load_json
from places import weekdays
from places.states import STATE_BY_NAME, US_STATES

SOURCE = "hsds"
FORMAT_JSON = "hsds-json"
FORMAT_PACKAGE = "hsds-package"
MAX_PACKAGE_FILES = 200

STATUSES = {
    "active": Program.Status.ACTIVE,
    "inactive": Program.Status.CLOSED,
    "defunct": Program.Status.CLOSED,
    "temporarily closed": Program.Status.TEMPORARILY_CLOSED,
    "temporarily_closed": Program.Status.TEMPORARILY_CLOSED,
}
US_NAMES = {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"}
WEEKDAYS = weekdays.ICAL_NUMBERS
SKIPPED_PHONE_TYPES = {"fax", "pager", "video"}
WAIT_DAYS = re.compile(r"^\s*(\d{1,3})\s*days?\s*$", re.IGNORECASE)
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)

# Tables read from a package: file names tried, and the columns each must have.
TABLES = {
    "service_at_location": (("service_at_location.csv", "service_at_locations.csv"), ("id", "service_id", "location_id")),
    "service": (("services.csv",), ("id", "name", "status")),
    "location": (("locations.csv",), ("id",)),
    "address": (("addresses.csv",), ("location_id", "address_1", "city", "state_province", "postal_code")),
    "organization": (("organizations.csv",), ("id", "name")),
    "phone": (("phones.csv",), ("number",)),
    "schedule": (("schedules.csv",), ()),
    "attribute": (("attributes.csv",), ("link_id", "taxonomy_term_id")),
    "taxonomy_term": (("taxonomy_terms.csv",), ("id",)),
    "service_capacity": (("service_capacity.csv", "service_capacities.csv"), ("service_id", "available")),
    "unit": (("units.csv",), ("id",)),
    "service_area": (("service_areas.csv",), ("service_id",)),
}
REQUIRED_TABLES = ("service_at_location", "service", "location", "address")


def import_hsds(
    *,
    source: Any,
    filename: str = "",
    format: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    user=None,
) -> ImportReport:
    """Import HSDS JSON or a tabular package (a folder, a .zip path, or zip bytes/upload).

    Every usable record is imported and the rejected ones reported by number; with `strict`,
    nothing is written if any record is rejected. A dry run writes nothing.
    """
    chosen = format

    def parse() -> ParsedFile:
        nonlocal chosen
        if isinstance(source, (str, Path)) and Path(source).is_dir():
            chosen = FORMAT_PACKAGE
            return parse_package(read_folder(Path(source)), progress=progress)
        data = read_source(source)
        if chosen is None:
            chosen = FORMAT_PACKAGE if data[:4] == b"PK\x03\x04" else FORMAT_JSON
        if chosen == FORMAT_PACKAGE:
            return parse_package(read_zip(data), progress=progress)
        return parse_json(data, progress=progress)

    report = run_import(format=format or FORMAT_JSON, filename=filename, parse=parse, dry_run=dry_run,
                        strict=strict, progress=progress, user=user)
    report.format = chosen or report.format
    return report


# One service at one location, before checking ------------------------------------------------


@dataclass
class Candidate:
    row: int
    service: dict
    service_at_location: dict | None
    location: dict | None
    organization: dict | None
    problems: list[str] = field(default_factory=list)
    line: int | None = None
    taxonomy_terms: dict[str, dict] = field(default_factory=dict)
    units: dict[str, dict] = field(default_factory=dict)


@dataclass
class Tally:
    """What was seen across the file and is reported once, with counts."""

    unmapped_terms: Counter = field(default_factory=Counter)
    other_capacity: Counter = field(default_factory=Counter)


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str:
    try:
        return text(value, "value")
    except BadValue:
        return ""


def _time(value: str) -> datetime.time | None:
    match = TIME.match(value.strip())
    if not match:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour == 24 and minute == 0 and second == 0:
        return datetime.time(23, 59)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime.time(hour, minute, second)


def _choose_address(location: dict) -> dict | None:
    addresses = _dicts(location.get("addresses"))
    for wanted in ("physical", "postal"):
        for address in addresses:
            if _str(address.get("address_type")).lower() == wanted:
                return address
    return addresses[0] if addresses else None


def _phones(candidate: Candidate) -> tuple[str, str]:
    """The main and intake numbers: from the service at location, the service, the location, the organization."""
    main = intake = ""
    sources = [candidate.service_at_location or {}, candidate.service, candidate.location or {}, candidate.organization or {}]
    for owner in sources:
        for phone in _dicts(owner.get("phones")):
            if _str(phone.get("type")).lower() in SKIPPED_PHONE_TYPES:
                continue
            value = _str(phone.get("number")).strip('"').strip()
            if not value:
                continue
            extension = phone.get("extension")
            try:
                extension = number(extension, "extension")
            except BadValue:
                extension = None
            if extension is not None and extension >= 0 and float(extension).is_integer():
                value = f"{value} x{int(extension)}"
            if "intake" in _str(phone.get("description")).lower():
                intake = intake or value
            else:
                main = main or value
    return main, intake


def _schedules(candidate: Candidate, values: dict, notes: list[str]) -> list[tuple] | None:
    """Weekly opening periods (None when the file gives no schedules); a description-only schedule
    becomes the hours note."""
    lists = [
        owner.get("schedules") for owner in (candidate.service_at_location or {}, candidate.service, candidate.location or {})
        if isinstance(owner.get("schedules"), list)
    ]
    if not lists:
        return None
    schedules = next((_dicts(found) for found in lists if _dicts(found)), [])
    hours: set[tuple] = set()
    note = ""
    for schedule in schedules:
        byday = _str(schedule.get("byday")).upper().replace(" ", "")
        opens_raw, closes_raw = _str(schedule.get("opens_at")), _str(schedule.get("closes_at"))
        frequency = _str(schedule.get("freq")).upper()
        description = _str(schedule.get("description"))
        if byday and opens_raw and closes_raw:
            days = [day for day in byday.split(",") if day]
            opens, closes = _time(opens_raw), _time(closes_raw)
            if frequency not in ("", "WEEKLY") or any(day not in WEEKDAYS for day in days):
                notes.append(f"schedule {byday} ({frequency or 'no frequency'}) is not a plain weekly schedule; not imported")
            elif opens is None or closes is None:
                notes.append(f"schedule times {opens_raw!r}–{closes_raw!r} are not HH:MM times; not imported")
            elif closes <= opens:
                notes.append(f"schedule {opens_raw}–{closes_raw} closes before it opens (overnight hours are not supported); not imported")
            else:
                hours.update((WEEKDAYS[day], opens, closes) for day in days)
            if description and not note and len(description) <= 200:
                note = description
        elif description and not note:
            if len(description) <= 200:
                note = description
            else:
                notes.append("a schedule description longer than 200 characters was not kept as the hours note")
    values["hours_note"] = note
    return sorted(hours)


def _attributes(candidate: Candidate, codes: dict[str, int], values: dict, tally: Tally) -> list[int] | None:
    lists = [owner.get("attributes") for owner in (candidate.service, candidate.service_at_location or {})
             if isinstance(owner.get("attributes"), list)]
    if not lists:
        return None
    found: set[int] = set()
    for attribute in (item for attributes in lists for item in _dicts(attributes)):
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict):
            term = candidate.taxonomy_terms.get(_str(attribute.get("taxonomy_term_id")), {})
        code = _str(term.get("code"))
        if code == ACCEPTING_CODE:
            answer = _str(attribute.get("value")).lower()
            if answer in ("true", "false"):
                values["accepting_new_patients"] = answer == "true"
            continue
        term_id = codes.get(code.upper()) if code else None
        if term_id:
            found.add(term_id)
        else:
            name = _str(term.get("name")) or _str(attribute.get("label"))
            tally.unmapped_terms[f"{code or '(no code)'}" + (f" «{name}»" if name else "")] += 1
    return sorted(found)


def _capacity(candidate: Candidate, values: dict, notes: list[str], tally: Tally) -> None:
    for capacity in _dicts(candidate.service.get("capacities")):
        unit = capacity.get("unit")
        if not isinstance(unit, dict):
            unit = candidate.units.get(_str(capacity.get("unit_id")), {})
        words = " ".join(_str(part) for part in (unit.get("name"), unit.get("identifier"), capacity.get("description")))
        if "bed" not in words.lower():
            tally.other_capacity[_str(unit.get("name")) or "(no unit)"] += 1
            continue
        try:
            available = number(capacity.get("available"), "available beds")
        except BadValue as error:
            notes.append(f"{error}; beds not imported")
            continue
        if available is None or available < 0 or not available.is_integer():
            notes.append("beds available is not a whole number; not imported")
            continue
        values["beds_available"] = int(available)
        updated = _str(capacity.get("updated"))
        moment = parse_datetime(updated) if updated else None
        values["beds_updated"] = moment.date() if moment else (parse_date(updated[:10]) if updated else None)
        return


TELEHEALTH_WORDS = re.compile(r"tele|video|virtual|online|remote", re.IGNORECASE)


def _service_areas(candidate: Candidate, term_ids: list[int] | None, codes: dict[str, int], values: dict,
                   notes: list[str]) -> None:
    """The whole states a telehealth service serves, from its service areas named as a state ("Maryland",
    "MD", or a text extent "MD"): recorded when the service offers telehealth or the area says it is by
    video or phone. A file that lists service areas sets the field (none: cleared); one that has none
    leaves it as it is (as does a tabular package without service_areas.csv)."""
    if "service_areas" not in candidate.service:
        return
    areas = _dicts(candidate.service.get("service_areas"))
    telehealth = codes.get("TELE") in (term_ids or [])
    states, ignored = set(), []
    for area in areas:
        words = " ".join(_str(area.get(key)) for key in ("name", "description"))
        found = ""
        for value in (area.get("extent") if _str(area.get("extent_type")).lower() == "text" else None, area.get("name")):
            value = _str(value).strip()
            found = value.upper() if value.upper() in US_STATES else STATE_BY_NAME.get(value.lower(), "")
            if found:
                break
        if found and (telehealth or TELEHEALTH_WORDS.search(words)):
            states.add(found)
        elif words.strip():
            ignored.append(_str(area.get("name"))[:60] or words[:60])
    if ignored:
        notes.append(f"service area {', '.join(repr(name) for name in ignored[:3])} is not a whole state served by "
                     "telehealth; not imported")
    values["telehealth_states"] = sorted(states)


def to_record(candidate: Candidate, codes: dict[str, int], tally: Tally) -> tuple[ProgramRecord, list[str], list[str]]:
    """Check one service at one location and turn it into a program record."""
    problems, notes = list(candidate.problems), []
    service, location = candidate.service, candidate.location
    if not service or problems:
        # The record's structure is broken (no service, a dangling reference): say only that.
        sal = candidate.service_at_location or {}
        name = {"name": _str(service.get("name"))} if service.get("name") else {}
        source_id = _str(sal.get("id")) or _str(service.get("id"))
        return ProgramRecord(candidate.row, SOURCE, source_id, name, line=candidate.line), problems, notes
    values: dict[str, Any] = {}
    try:
        values["name"] = text(service.get("name"), "service name")
        values["description"] = text(service.get("description"), "service description")
        values["website"] = text(service.get("url"), "service url")
    except BadValue as error:
        problems.append(str(error))
    status = _str(service.get("status")).lower()
    if not status:
        problems.append("service status is missing")
    elif status not in STATUSES:
        problems.append(f"service status {status!r} is not one of active, inactive, defunct, temporarily closed")
    else:
        values["status"] = STATUSES[status]

    if location is None:
        if not problems:
            problems.append("has no location, so no address")
    else:
        address = _choose_address(location)
        if address is None:
            problems.append("its location has no address")
        else:
            try:
                street1 = text(address.get("address_1"), "address_1")
                street2 = text(address.get("address_2"), "address_2")
                city = text(address.get("city"), "city")
                if street1.casefold() == city.casefold() and not street2:
                    street1 = ""  # a listing without a street gives its city as address_1
                values.update(
                    street1=street1, street2=street2, city=city,
                    state=text(address.get("state_province"), "state_province"),
                    zip_code=text(address.get("postal_code"), "postal_code"),
                )
                country = text(address.get("country"), "country")
                if country and country.lower() not in US_NAMES:
                    problems.append(f"country {country!r} is not the United States")
            except BadValue as error:
                problems.append(str(error))
        values["latitude"] = coordinate(location.get("latitude"), "latitude", notes)
        values["longitude"] = coordinate(location.get("longitude"), "longitude", notes)

    values["phone"], values["intake_phone"] = _phones(candidate)
    # The contact address staff write to: the service's own, else its organization's.
    add_contact_email(values, _str(service.get("email")) or _str((candidate.organization or {}).get("email")), notes)
    hours = _schedules(candidate, values, notes)
    if hours is None:
        values.pop("hours_note", None)
    term_ids = _attributes(candidate, codes, values, tally)
    _capacity(candidate, values, notes, tally)
    _service_areas(candidate, term_ids, codes, values, notes)
    if match := WAIT_DAYS.match(_str(service.get("wait_time"))):
        values["typical_wait_days"] = int(match.group(1))
    if assured := _str(service.get("assured_date")):
        try:
            day = parse_date(assured[:10])
        except ValueError:
            day = None
        if day:
            values["last_verified"] = day
        else:
            notes.append(f"assured_date {assured!r} is not a date; not imported")

    organization = None
    if candidate.organization:
        org_name = _str(candidate.organization.get("name"))
        if org_name:
            description = _str(candidate.organization.get("description"))
            organization = OrganizationRecord(
                name=org_name[:200],
                website=clean_website(_str(candidate.organization.get("website"))),
                description="" if description == org_name else description,
            )

    if not problems:
        check_listing(values, problems, notes)
    sal = candidate.service_at_location or {}
    source_id = _str(sal.get("id")) or _str(service.get("id"))
    if not source_id:
        problems.append("has no id (neither the service_at_location nor the service)")
    elif len(source_id) > 200:
        problems.append("its id is longer than 200 characters")
    own = own_program_id(sal, service)
    stand_in = False
    if own is not None and candidate.organization:
        org_kind = parse_record_id(_str(candidate.organization.get("id")))
        stand_in = org_kind is not None and org_kind[0] == "program-organization"
    record = ProgramRecord(
        row=candidate.row, source=SOURCE, source_id=source_id, values=values, organization=organization,
        term_ids=term_ids, hours=hours, line=candidate.line, program_id=own, stand_in_organization=stand_in,
    )
    return record, problems, notes


def own_program_id(sal: dict, service: dict) -> int | None:
    """The program behind an identifier this portal published (its own export coming back), or None."""
    for value, kind in ((sal.get("id"), "service_at_location"), (service.get("id"), "service")):
        found = parse_record_id(_str(value)) if value else None
        if found is not None and found[0] == kind:
            return found[1]
    return None


def _finish(candidates: list[Candidate], parsed: ParsedFile, progress: Progress | None) -> ParsedFile:
    codes = terms_by_code()
    tally = Tally()
    first_row: dict[str, int] = {}
    parsed.total = len(candidates)
    for done, candidate in enumerate(candidates, start=1):
        record, problems, notes = to_record(candidate, codes, tally)
        if record.source_id in first_row and record.source_id:
            problems.append(duplicate_reason(first_row[record.source_id]))
        first_row.setdefault(record.source_id, record.row)
        label = record.name or _str(candidate.service.get("id"))
        sort_findings(parsed, record, label, problems, notes)
        report_progress(progress, done, len(candidates))
    parsed.warnings.extend(summarize_counts(
        tally.unmapped_terms, "Taxonomy term not mapped to any service term: {value}, {count} {rows}."
    ))
    parsed.warnings.extend(summarize_counts(
        tally.other_capacity, "Service capacity not in beds, not imported: unit {value}, {count} {rows}."
    ))
    return parsed


# JSON -----------------------------------------------------------------------------------------


def _kind(item: dict) -> str:
    if "status" in item or "service_at_locations" in item:
        return "service"
    if isinstance(item.get("service"), dict) or isinstance(item.get("location"), dict):
        return "service_at_location"
    if "services" in item or "locations" in item or ("name" in item and "description" in item):
        return "organization"
    return "unknown"


def parse_json(data: bytes, *, progress: Progress | None = None) -> ParsedFile:
    document = load_json(data)
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict):
        items = [document]
    else:
        raise ImportFileError("Expected HSDS JSON: a service, organization or service_at_location object, or a list of them.")
    parsed = ParsedFile()
    candidates: list[Candidate] = []

    def add(service: dict, sal: dict | None, location: dict | None, organization: dict | None, problems=()):
        candidates.append(Candidate(len(candidates) + 1, service, sal, location, organization, list(problems)))

    def add_service(service: dict, organization: dict | None, locations: dict[str, dict]):
        org = service.get("organization") if isinstance(service.get("organization"), dict) else organization
        sals = _dicts(service.get("service_at_locations"))
        if not sals:
            add(service, None, None, org, ["has no service_at_location, so no address"])
        for sal in sals:
            location = sal.get("location") if isinstance(sal.get("location"), dict) else locations.get(_str(sal.get("location_id")))
            add(service, sal, location, org)

    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            add({}, None, None, None, [f"item {position} of the file is not a JSON object"])
            continue
        kind = _kind(item)
        if kind == "service":
            add_service(item, None, {})
        elif kind == "organization":
            locations = {_str(loc.get("id")): loc for loc in _dicts(item.get("locations"))}
            services = _dicts(item.get("services"))
            if not services:
                parsed.warnings.append(f"Item {position} «{_str(item.get('name'))}»: an organization without services; nothing to import")
            for service in services:
                add_service(service, item, locations)
        elif kind == "service_at_location":
            service = item.get("service") if isinstance(item.get("service"), dict) else {}
            org = service.get("organization") if isinstance(service.get("organization"), dict) else None
            location = item.get("location") if isinstance(item.get("location"), dict) else None
            add(service, item, location, org, [] if service else ["has no nested service"])
        else:
            add({}, None, None, None, [f"item {position} is not an HSDS service, organization or service_at_location"])
    return _finish(candidates, parsed, progress)


# Tabular package ------------------------------------------------------------------------------


def read_folder(folder: Path) -> dict[str, bytes]:
    """The package's files (CSV and datapackage.json) from a folder, within the size cap."""
    limit = max_import_bytes()
    files, total = {}, 0
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in (".csv", ".json"):
            continue
        total += path.stat().st_size
        if total > limit:
            raise ImportFileError(f"The package is over {describe_size(limit)}, the largest an import accepts.")
        files[path.name.lower()] = path.read_bytes()
    return files


def read_zip(data: bytes) -> dict[str, bytes]:
    """The package's files from a zip (at its root, or in one folder), refusing oversized contents."""
    limit = max_import_bytes()
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in bundle.infolist() if not info.is_dir() and not info.filename.startswith("__MACOSX/")]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError("The file is not a readable zip archive.") from None
    if len(members) > MAX_PACKAGE_FILES:
        raise ImportFileError(f"The zip holds {len(members)} files; a data package has at most {MAX_PACKAGE_FILES}.")
    if sum(info.file_size for info in members) > limit:
        raise ImportFileError(f"The zip's contents are over {describe_size(limit)}, the largest an import accepts.")
    files, total = {}, 0
    for info in members:
        name = PurePosixPath(info.filename).name.lower()
        if not name.endswith((".csv", ".json")):
            continue
        if name in files:
            raise ImportFileError(f"The zip holds more than one {name}.")
        try:
            with bundle.open(info) as member:
                content = member.read(limit + 1 - total)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as error:
            raise ImportFileError(f"{info.filename} cannot be read from the zip: {error}.") from None
        total += len(content)
        if total > limit:
            raise ImportFileError(f"The zip's contents are over {describe_size(limit)}, the largest an import accepts.")
        files[name] = content
    return files


@dataclass
class Table:
    path: str
    rows: list[tuple[int, int, dict[str, str]]]  # (row number, line number, values)


def _resource_paths(files: dict[str, bytes], warnings: list[str]) -> dict[str, str]:
    """Table file names from datapackage.json when it is readable; the standard names otherwise."""
    paths = {}
    if "datapackage.json" in files:
        try:
            descriptor = load_json(files["datapackage.json"])
            resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
            if not isinstance(resources, list):
                raise ImportFileError("it has no list of resources")
            for resource in _dicts(resources):
                name, path = _str(resource.get("name")), resource.get("path")
                if name in TABLES and isinstance(path, str):
                    paths[name] = PurePosixPath(path).name.lower()
        except ImportFileError as error:
            warnings.append(
                f"datapackage.json could not be used ({str(error).rstrip('.')}); the tables were read by their standard HSDS file names."
            )
            paths = {}
    for name, (candidates, _) in TABLES.items():
        if name not in paths or paths[name] not in files:
            paths[name] = next((path for path in candidates if path in files), candidates[0])
    return paths


def _read_table(name: str, path: str, content: bytes, errors: list[str]) -> Table:
    text_ = decode_text(content, name=path)
    reader = csv.reader(io.StringIO(text_, newline=""))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        return Table(path, [])
    except csv.Error as error:
        errors.append(f"{path} line 1 cannot be read as CSV: {error}.")
        return Table(path, [])
    missing = [column for column in TABLES[name][1] if column not in header]
    if missing:
        errors.append(f"{path} is missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
        return Table(path, [])
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                errors.append(f"{path} row {len(rows) + 1} (line {reader.line_num}) has {len(cells)} fields but the header has {len(header)}.")
                continue
            rows.append((len(rows) + 1, reader.line_num, {key: value.strip() for key, value in zip(header, cells)}))
    except csv.Error as error:
        errors.append(f"{path} line {reader.line_num} cannot be read as CSV: {error}.")
    if "id" in header:
        seen: dict[str, int] = {}
        for number_, _, row in rows:
            if row["id"] and row["id"] in seen and name != "service_at_location":
                errors.append(f"{path} rows {seen[row['id']]} and {number_} have the same id {row['id']}.")
            seen.setdefault(row["id"], number_)
    return Table(path, rows)


def parse_package(files: dict[str, bytes], *, progress: Progress | None = None) -> ParsedFile:
    parsed = ParsedFile()
    paths = _resource_paths(files, parsed.warnings)
    missing = [paths[name] for name in REQUIRED_TABLES if paths[name] not in files]
    if missing:
        raise ImportFileError(
            f"The package has no {', '.join(missing)}. An HSDS tabular package needs at least "
            "service_at_location.csv, services.csv, locations.csv and addresses.csv."
        )
    errors: list[str] = []
    tables = {name: _read_table(name, paths[name], files[paths[name]], errors) if paths[name] in files else Table(paths[name], [])
              for name in TABLES}
    if errors:
        raise ImportFileError(" ".join(errors[:20]) + (f" ... and {len(errors) - 20} more problems." if len(errors) > 20 else ""))

    def by(name: str, column: str) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = defaultdict(list)
        for _, _, row in tables[name].rows:
            if row.get(column):
                grouped[row[column]].append(row)
        return grouped

    services = {row["id"]: row for _, _, row in tables["service"].rows}
    locations = {row["id"]: row for _, _, row in tables["location"].rows}
    organizations = {row["id"]: row for _, _, row in tables["organization"].rows}
    terms = {row["id"]: row for _, _, row in tables["taxonomy_term"].rows}
    units = {row["id"]: row for _, _, row in tables["unit"].rows}
    addresses = by("address", "location_id")
    attributes = by("attribute", "link_id")
    capacities = by("service_capacity", "service_id")
    service_areas = by("service_area", "service_id")
    phones = {column: by("phone", column) for column in ("service_at_location_id", "service_id", "location_id", "organization_id")}
    schedules = {column: by("schedule", column) for column in ("service_at_location_id", "service_id", "location_id")}

    used_services = set()
    candidates = []
    for number_, line, sal in tables["service_at_location"].rows:
        problems = []
        service = services.get(sal["service_id"])
        location = locations.get(sal["location_id"])
        if service is None:
            problems.append(f"service_id {sal['service_id'] or '(empty)'} is not in {tables['service'].path}")
        if location is None:
            problems.append(f"location_id {sal['location_id'] or '(empty)'} is not in {tables['location'].path}")
        service = dict(service or {})
        used_services.add(service.get("id"))
        service.update(
            phones=phones["service_id"].get(service.get("id"), []),
            schedules=schedules["service_id"].get(service.get("id"), []),
            attributes=attributes.get(service.get("id"), []),
            capacities=capacities.get(service.get("id"), []),
        )
        if paths["service_area"] in files:  # without the table, the file says nothing of service areas
            service["service_areas"] = service_areas.get(service.get("id"), [])
        sal_full = {**sal, "phones": phones["service_at_location_id"].get(sal["id"], []),
                    "schedules": schedules["service_at_location_id"].get(sal["id"], []),
                    "attributes": attributes.get(sal["id"], [])}
        location_full = None
        if location is not None:
            location_full = {**location, "addresses": addresses.get(location["id"], []),
                             "phones": phones["location_id"].get(location["id"], []),
                             "schedules": schedules["location_id"].get(location["id"], [])}
        organization = organizations.get(service.get("organization_id", ""))
        if organization is not None:
            organization = {**organization, "phones": phones["organization_id"].get(organization["id"], [])}
        candidates.append(Candidate(number_, service, sal_full, location_full, organization, problems, line=line,
                                    taxonomy_terms=terms, units=units))
    for number_, _, service in tables["service"].rows:
        if service["id"] not in used_services:
            parsed.warnings.append(
                f"{tables['service'].path} row {number_} «{service.get('name', '')}»: no service_at_location "
                "row places this service at a location, so it was not imported"
            )
    return _finish(candidates, parsed, progress)
