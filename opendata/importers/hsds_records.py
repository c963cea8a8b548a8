"""HSDS records: one service at one location (a `Candidate`) checked and turned into a ProgramRecord.

Both forms of opendata.importers.hsds (the JSON and the tabular package) gather candidates and hand
them to `finish`, which checks each and reports what was seen across the file once, with counts.
"""
from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

from directory.models import Program
from opendata.hsds import ACCEPTING_CODE, parse_record_id
from opendata.importers.base import (
    BadValue,
    OrganizationRecord,
    ParsedFile,
    ProgramRecord,
    Progress,
    add_contact_email,
    check_listing,
    clean_website,
    coordinate,
    duplicate_reason,
    number,
    report_progress,
    sort_findings,
    summarize_counts,
    terms_by_code,
    text,
)
from places import weekdays
from places.states import STATE_BY_NAME, US_STATES

SOURCE = "hsds"
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


def as_dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def as_str(value: Any) -> str:
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
    addresses = as_dicts(location.get("addresses"))
    for wanted in ("physical", "postal"):
        for address in addresses:
            if as_str(address.get("address_type")).lower() == wanted:
                return address
    return addresses[0] if addresses else None


def _phones(candidate: Candidate) -> tuple[str, str]:
    """The main and intake numbers: from the service at location, the service, the location, the organization."""
    main = intake = ""
    sources = [candidate.service_at_location or {}, candidate.service, candidate.location or {}, candidate.organization or {}]
    for owner in sources:
        for phone in as_dicts(owner.get("phones")):
            if as_str(phone.get("type")).lower() in SKIPPED_PHONE_TYPES:
                continue
            value = as_str(phone.get("number")).strip('"').strip()
            if not value:
                continue
            extension = phone.get("extension")
            try:
                extension = number(extension, "extension")
            except BadValue:
                extension = None
            if extension is not None and extension >= 0 and float(extension).is_integer():
                value = f"{value} x{int(extension)}"
            if "intake" in as_str(phone.get("description")).lower():
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
    schedules = next((as_dicts(found) for found in lists if as_dicts(found)), [])
    hours: set[tuple] = set()
    note = ""
    for schedule in schedules:
        byday = as_str(schedule.get("byday")).upper().replace(" ", "")
        opens_raw, closes_raw = as_str(schedule.get("opens_at")), as_str(schedule.get("closes_at"))
        frequency = as_str(schedule.get("freq")).upper()
        description = as_str(schedule.get("description"))
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
    for attribute in (item for attributes in lists for item in as_dicts(attributes)):
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict):
            term = candidate.taxonomy_terms.get(as_str(attribute.get("taxonomy_term_id")), {})
        code = as_str(term.get("code"))
        if code == ACCEPTING_CODE:
            answer = as_str(attribute.get("value")).lower()
            if answer in ("true", "false"):
                values["accepting_new_patients"] = answer == "true"
            continue
        term_id = codes.get(code.upper()) if code else None
        if term_id:
            found.add(term_id)
        else:
            name = as_str(term.get("name")) or as_str(attribute.get("label"))
            tally.unmapped_terms[f"{code or '(no code)'}" + (f" «{name}»" if name else "")] += 1
    return sorted(found)


def _capacity(candidate: Candidate, values: dict, notes: list[str], tally: Tally) -> None:
    for capacity in as_dicts(candidate.service.get("capacities")):
        unit = capacity.get("unit")
        if not isinstance(unit, dict):
            unit = candidate.units.get(as_str(capacity.get("unit_id")), {})
        words = " ".join(as_str(part) for part in (unit.get("name"), unit.get("identifier"), capacity.get("description")))
        if "bed" not in words.lower():
            tally.other_capacity[as_str(unit.get("name")) or "(no unit)"] += 1
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
        updated = as_str(capacity.get("updated"))
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
    areas = as_dicts(candidate.service.get("service_areas"))
    telehealth = codes.get("TELE") in (term_ids or [])
    states, ignored = set(), []
    for area in areas:
        words = " ".join(as_str(area.get(key)) for key in ("name", "description"))
        found = ""
        for value in (area.get("extent") if as_str(area.get("extent_type")).lower() == "text" else None, area.get("name")):
            value = as_str(value).strip()
            found = value.upper() if value.upper() in US_STATES else STATE_BY_NAME.get(value.lower(), "")
            if found:
                break
        if found and (telehealth or TELEHEALTH_WORDS.search(words)):
            states.add(found)
        elif words.strip():
            ignored.append(as_str(area.get("name"))[:60] or words[:60])
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
        name = {"name": as_str(service.get("name"))} if service.get("name") else {}
        source_id = as_str(sal.get("id")) or as_str(service.get("id"))
        return ProgramRecord(candidate.row, SOURCE, source_id, name, line=candidate.line), problems, notes
    values: dict[str, Any] = {}
    try:
        values["name"] = text(service.get("name"), "service name")
        values["description"] = text(service.get("description"), "service description")
        values["website"] = text(service.get("url"), "service url")
    except BadValue as error:
        problems.append(str(error))
    status = as_str(service.get("status")).lower()
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
    add_contact_email(values, as_str(service.get("email")) or as_str((candidate.organization or {}).get("email")), notes)
    hours = _schedules(candidate, values, notes)
    if hours is None:
        values.pop("hours_note", None)
    term_ids = _attributes(candidate, codes, values, tally)
    _capacity(candidate, values, notes, tally)
    _service_areas(candidate, term_ids, codes, values, notes)
    if match := WAIT_DAYS.match(as_str(service.get("wait_time"))):
        values["typical_wait_days"] = int(match.group(1))
    if assured := as_str(service.get("assured_date")):
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
        org_name = as_str(candidate.organization.get("name"))
        if org_name:
            description = as_str(candidate.organization.get("description"))
            organization = OrganizationRecord(
                name=org_name[:200],
                website=clean_website(as_str(candidate.organization.get("website"))),
                description="" if description == org_name else description,
            )

    if not problems:
        check_listing(values, problems, notes)
    sal = candidate.service_at_location or {}
    source_id = as_str(sal.get("id")) or as_str(service.get("id"))
    if not source_id:
        problems.append("has no id (neither the service_at_location nor the service)")
    elif len(source_id) > 200:
        problems.append("its id is longer than 200 characters")
    own = own_program_id(sal, service)
    stand_in = False
    if own is not None and candidate.organization:
        org_kind = parse_record_id(as_str(candidate.organization.get("id")))
        stand_in = org_kind is not None and org_kind[0] == "program-organization"
    record = ProgramRecord(
        row=candidate.row, source=SOURCE, source_id=source_id, values=values, organization=organization,
        term_ids=term_ids, hours=hours, line=candidate.line, program_id=own, stand_in_organization=stand_in,
    )
    return record, problems, notes


def own_program_id(sal: dict, service: dict) -> int | None:
    """The program behind an identifier this portal published (its own export coming back), or None."""
    for value, kind in ((sal.get("id"), "service_at_location"), (service.get("id"), "service")):
        found = parse_record_id(as_str(value)) if value else None
        if found is not None and found[0] == kind:
            return found[1]
    return None


def finish(candidates: list[Candidate], parsed: ParsedFile, progress: Progress | None) -> ParsedFile:
    codes = terms_by_code()
    tally = Tally()
    first_row: dict[str, int] = {}
    parsed.total = len(candidates)
    for done, candidate in enumerate(candidates, start=1):
        record, problems, notes = to_record(candidate, codes, tally)
        if record.source_id in first_row and record.source_id:
            problems.append(duplicate_reason(first_row[record.source_id]))
        first_row.setdefault(record.source_id, record.row)
        label = record.name or as_str(candidate.service.get("id"))
        sort_findings(parsed, record, label, problems, notes)
        report_progress(progress, done, len(candidates))
    parsed.warnings.extend(summarize_counts(
        tally.unmapped_terms, "Taxonomy term not mapped to any service term: {value}, {count} {rows}."
    ))
    parsed.warnings.extend(summarize_counts(
        tally.other_capacity, "Service capacity not in beds, not imported: unit {value}, {count} {rows}."
    ))
    return parsed
