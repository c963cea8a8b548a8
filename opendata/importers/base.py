"""Program imports: checking each listing, then planning and writing programs through the import pipeline.

The parsers (`samhsa`, `hsds`) turn a whole file into `ProgramRecord`s and `Finding`s without
touching the database's programs; `run_import` hands them to `importing.pipeline.run_pipeline`,
whose planner here compares each record with the program it matches (by source and source
identifier) and whose writer applies the differences inside one transaction.
"""
from __future__ import annotations

import datetime
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.contrib.admin.models import ADDITION, CHANGE

from directory.models import OpeningHours, Organization, Program, Term, program_slug_text
from importing.pipeline import (  # noqa: F401 (the parsers import these from here)
    IMPORT_LOCK_KEY,
    Change,
    Finding,
    HistoryEntry,
    ImportFileError,
    ImportReport,
    ParsedFile,
    Progress,
    Rejection,
    decode_text,
    describe_size,
    max_import_bytes,
    read_source,
    report_progress,
    run_pipeline,
)
from phones import numbers as phones
from places import geo
from portal.admin_tools import history_user  # noqa: F401 (used by callers)
from portal.slugs import unique_slug

BATCH = 1000
PROGRESS_EVERY = 500

ZIP_PLUS4 = re.compile(r"^(\d{5})-?(\d{4})$")
ZIP5 = re.compile(r"^\d{5}$")
PROGRAM_FIELDS = {f.name: f for f in Program._meta.get_fields() if hasattr(f, "max_length")}
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class OrganizationRecord:
    name: str
    website: str = ""
    description: str = ""


@dataclass
class ProgramRecord:
    """One listing read from a file, already checked: `values` are Program field values.

    `term_ids` and `hours` are None when the file says nothing about them (the program's current
    services or hours are then kept); an empty list clears them.
    """

    row: int
    source: str
    source_id: str
    values: dict[str, Any]
    organization: OrganizationRecord | None = None
    term_ids: list[int] | None = None
    hours: list[tuple[int, datetime.time, datetime.time]] | None = None
    line: int | None = None
    program_id: int | None = None  # a program of this portal the file names by its own published id
    stand_in_organization: bool = False  # the organization is the one this portal publishes for a program without

    @property
    def name(self) -> str:
        return self.values.get("name", "")


# Checking values -------------------------------------------------------------------------------


class BadValue(ValueError):
    """A value that cannot be used, with the reason in words."""


def text(value: Any, what: str) -> str:
    """A field's value as stripped text: numbers are written out, objects and lists are refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise BadValue(f"{what} must be text, not {str(value).lower()}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, str):
        return value.strip()
    raise BadValue(f"{what} must be text, not a {'list' if isinstance(value, list) else 'nested object'}")


def number(value: Any, what: str) -> float | None:
    """A decimal number (given as a number or as text), None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadValue(f"{what} must be a number")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise BadValue(f"{what} {value!r} is not a number") from None
    if not math.isfinite(result):
        raise BadValue(f"{what} {value!r} is not a number")
    return result


def normalize_label(value: str) -> str:
    """Compare names ignoring case and runs of white space."""
    return " ".join(value.casefold().split())


def clean_website(value: str) -> str:
    """Add a missing scheme; return '' for something that is not a web address."""
    value = value.strip()
    if not value:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = "http://" + value
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value if len(value) <= PROGRAM_FIELDS["website"].max_length else ""


def coordinate(value: Any, what: str, notes: list[str]) -> float | None:
    """A latitude or longitude; a value that is not a number is left out with a note (the ZIP code places it)."""
    try:
        return number(value, what)
    except BadValue as error:
        notes.append(f"{error}, so it was left out")
        return None


def check_listing(values: dict[str, Any], problems: list[str], notes: list[str]) -> None:
    """Check and normalise a listing's Program values in place.

    Appends a reason to `problems` for what makes the listing unusable (the row is then rejected)
    and to `notes` for what was dropped or fixed on the way (the row is kept; each note is reported
    with its row number): a bad phone or website, half a coordinate pair or coordinates off the map
    (the place is then taken from the ZIP code).
    """
    for key in ("name", "city", "state", "zip_code"):
        if not values.get(key):
            label = {"zip_code": "ZIP code"}.get(key, key)
            problems.append(f"{label} is missing")

    state = (values.get("state") or "").strip()
    if state:
        code = state.upper() if state.upper() in geo.US_STATES else geo.STATE_BY_NAME.get(state.lower())
        if code:
            values["state"] = code
        else:
            problems.append(f"state {state!r} is not a US state or territory")

    zip_code = (values.get("zip_code") or "").strip()
    if zip_code:
        if match := ZIP_PLUS4.match(zip_code):
            zip_code = f"{match.group(1)}-{match.group(2)}"
        values["zip_code"] = zip_code
        if not (ZIP5.match(zip_code) or ZIP_PLUS4.match(zip_code)):
            problems.append(f"ZIP code {zip_code!r} is not a 5-digit US ZIP code")
            zip_code = ""

    latitude, longitude = values.get("latitude"), values.get("longitude")
    if latitude == 0 and longitude == 0:
        latitude = longitude = None  # 0,0 is the locator's way of saying "not geocoded"
    dropped = ""
    if (latitude is None) != (longitude is None):
        dropped = f"only the {'latitude' if latitude is not None else 'longitude'} was given"
    elif latitude is not None and not -90 <= latitude <= 90:
        dropped = f"latitude {latitude:g} is out of range (-90 to 90)"
    elif longitude is not None and not -180 <= longitude <= 180:
        dropped = f"longitude {longitude:g} is out of range (-180 to 180)"
    if dropped:
        latitude = longitude = None
    if latitude is None and zip_code:
        point = geo.gazetteer().zip_point(zip_code)
        if point is None:
            problems.append(f"ZIP code {zip_code} is unknown and no usable coordinates were given"
                            + (f" ({dropped})" if dropped else "") + ", so it cannot be mapped")
        else:
            latitude, longitude = point
            if dropped:
                notes.append(f"{dropped}, so the coordinates were dropped and the place was taken from "
                             f"ZIP code {zip_code}")
    elif dropped:
        problems.append(dropped)  # and no usable ZIP code to place the listing either (said above)
    values["latitude"], values["longitude"] = latitude, longitude

    for key, label in (("phone", "phone"), ("intake_phone", "intake phone")):
        original = values.get(key) or ""
        if original:
            values[key] = phones.normalize(original) or ""
            if not values[key]:
                notes.append(f"{label} {original!r} is not a phone number that can be dialled in the United States "
                             "and was left out")

    if "website" in values:
        original = values["website"]
        values["website"] = clean_website(original)
        if original and not values["website"]:
            notes.append(f"website {original!r} is not a web address and was left empty")

    for key, value in values.items():
        if key in ("state", "zip_code"):
            continue  # checked above, against stricter rules
        limit = getattr(PROGRAM_FIELDS.get(key), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            problems.append(f"{key.replace('_', ' ')} is longer than {limit} characters")
    if (wait := values.get("typical_wait_days")) is not None and not 0 <= wait <= 365:
        problems.append(f"typical wait of {wait} days is out of range (0 to 365)")
    if (beds := values.get("beds_available")) is not None and not 0 <= beds <= 32767:
        problems.append(f"beds available {beds} is out of range")


def sort_findings(parsed: ParsedFile, record: ProgramRecord, label: str, problems: list[str],
                  notes: list[str]) -> None:
    """File one checked row: rejected (its problems) or kept (its record, each note a fix by row number)."""
    if problems:
        parsed.rejected.append(Rejection(record.row, "; ".join(problems), label, record.line))
        return
    parsed.records.append(record)
    parsed.fixed.extend(Finding(record.row, note, label, record.line) for note in notes)


def duplicate_reason(first_row: int) -> str:
    return f"the same identifier is already used by row {first_row}"


def summarize_counts(counter: dict[str, int], template: str, limit: int = 200) -> list[str]:
    """Warnings such as "Not mapped: 'X' (3 rows)", most frequent first, at most `limit` of them."""
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    lines = [template.format(value=value, count=count, rows="row" if count == 1 else "rows")
             for value, count in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"... and {len(ordered) - limit} more")
    return lines


# Running an import -----------------------------------------------------------------------------


def run_import(
    *,
    format: str,
    filename: str,
    parse: Callable[[], ParsedFile],
    dry_run: bool,
    strict: bool = False,
    progress: Progress | None = None,
    user=None,
) -> ImportReport:
    """Run a program import through the import pipeline (see importing.pipeline).

    Without `strict`, every usable row is applied and the rejected ones are reported by number;
    with it, one rejected row stops the whole import. Every program created or changed gets an entry
    in its admin history, in the name of `user` (the staff member who uploaded the file) or of the
    inactive "data-import" account.
    """
    report = ImportReport(format=format, filename=filename, dry_run=dry_run, strict=strict)
    return run_pipeline(report=report, parse=parse, plan=_plan, write=_write, progress=progress, user=user)


@dataclass
class _Plan:
    record: ProgramRecord
    program: Program | None
    changed: list[str]
    organization_name: str | None


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, float) and isinstance(new, float):
        return math.isclose(current, new, rel_tol=0, abs_tol=1e-7)
    return current == new


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _plan(records: list[ProgramRecord], report: ImportReport, progress: Progress | None) -> list[_Plan]:
    """Compare each record with the program it matches and fill in the report's counts and changes."""
    existing: dict[tuple[str, str], Program] = {}
    keys_by_source: dict[str, list[str]] = defaultdict(list)
    for record in records:
        keys_by_source[record.source].append(record.source_id)
    for source, ids in keys_by_source.items():
        for chunk in _chunks(ids):
            for program in Program.objects.filter(source=source, source_id__in=chunk).select_related("organization"):
                existing[(program.source, program.source_id)] = program
    # This portal's own export coming back: its records name the programs by the ids it published.
    own = {record.program_id for record in records if record.program_id is not None}
    own_programs: dict[int, Program] = {}
    for chunk in _chunks(sorted(own)):
        for program in Program.objects.filter(pk__in=chunk).select_related("organization"):
            own_programs[program.pk] = program
    for record in records:
        if record.program_id in own_programs and (record.source, record.source_id) not in existing:
            existing[(record.source, record.source_id)] = own_programs[record.program_id]
            if record.stand_in_organization and own_programs[record.program_id].organization_id is None:
                record.organization = None  # still a program without an organization
    program_ids = [program.pk for program in existing.values()]
    terms: dict[int, list[int]] = defaultdict(list)
    hours: dict[int, list[tuple]] = defaultdict(list)
    for chunk in _chunks(program_ids):
        for program_id, term_id in Program.terms.through.objects.filter(program_id__in=chunk).values_list(
            "program_id", "term_id"
        ):
            terms[program_id].append(term_id)
        for period in OpeningHours.objects.filter(program_id__in=chunk):
            hours[period.program_id].append((period.weekday, period.opens, period.closes))

    plans = []
    for done, record in enumerate(records, start=1):
        program = existing.get((record.source, record.source_id))
        organization_name = record.organization.name if record.organization else None
        if program is None:
            plans.append(_Plan(record, None, [], organization_name))
            report.created += 1
            report.changes.append(Change("create", record.row, record.name))
        else:
            changed = [
                key for key, value in record.values.items() if not _same(getattr(program, key), value)
            ]
            if organization_name is not None and (program.organization is None or program.organization.name != organization_name):
                changed.append("organization")
            if record.term_ids is not None and sorted(terms[program.pk]) != sorted(record.term_ids):
                changed.append("services")
            if record.hours is not None and sorted(hours[program.pk]) != sorted(record.hours):
                changed.append("opening hours")
            plans.append(_Plan(record, program, changed, organization_name))
            if changed:
                report.updated += 1
                report.changes.append(Change("update", record.row, record.name, tuple(changed)))
            else:
                report.unchanged += 1
                report.changes.append(Change("unchanged", record.row, record.name))
        if progress and (done % PROGRESS_EVERY == 0 or done == len(records)):
            progress("check", done, len(records))

    names = {plan.organization_name for plan in plans if plan.organization_name}
    known = set()
    for chunk in _chunks(sorted(names)):
        known.update(Organization.objects.filter(name__in=chunk).values_list("name", flat=True))
    report.organizations_created = len(names - known)
    return plans


def _organizations(plans: list[_Plan]) -> dict[str, Organization]:
    """The organizations the plans name, created or updated as the file describes them."""
    wanted: dict[str, OrganizationRecord] = {}
    for plan in plans:
        org = plan.record.organization
        if not org:
            continue
        first = wanted.setdefault(org.name, OrganizationRecord(org.name))
        first.website = first.website or org.website
        first.description = first.description or org.description
    found: dict[str, Organization] = {}
    for chunk in _chunks(sorted(wanted)):
        for org in Organization.objects.filter(name__in=chunk).order_by("-pk"):
            found[org.name] = org  # the oldest of same-named organizations wins
    for name, data in wanted.items():
        org = found.get(name)
        if org is None:
            found[name] = Organization.objects.create(
                name=name, website=data.website, description=data.description
            )
            continue
        fields = []
        if data.website and org.website != data.website:
            org.website, fields = data.website, fields + ["website"]
        if data.description and org.description != data.description:
            org.description, fields = data.description, fields + ["description"]
        if fields:
            org.save(update_fields=fields)
    return found


def _unique_slugs(plans: list[_Plan]) -> dict[int, str]:
    taken = set(Program.objects.values_list("slug", flat=True))
    slugs = {}
    for index, plan in enumerate(plans):
        values = plan.record.values
        slugs[index] = unique_slug(
            program_slug_text(values["name"], values["city"], values["state"]), taken,
            max_length=200, fallback="program",
        )
    return slugs


def _write(plans: list[_Plan], report: ImportReport, progress: Progress | None) -> list[HistoryEntry]:
    """Write the planned creations and updates (the caller holds the transaction); return the history."""
    organizations = _organizations(plans)
    to_create = [plan for plan in plans if plan.program is None]
    to_update = [plan for plan in plans if plan.program is not None and plan.changed]
    total, done = len(to_create) + len(to_update), 0

    slugs = _unique_slugs(to_create)
    for start in range(0, len(to_create), BATCH):
        batch = to_create[start:start + BATCH]
        programs = Program.objects.bulk_create([
            Program(
                **plan.record.values,
                slug=slugs[start + index],
                source=plan.record.source,
                source_id=plan.record.source_id,
                organization=organizations.get(plan.organization_name) if plan.organization_name else None,
            )
            for index, plan in enumerate(batch)
        ])
        links, periods = [], []
        for program, plan in zip(programs, batch):
            links.extend(Program.terms.through(program_id=program.pk, term_id=term_id)
                         for term_id in plan.record.term_ids or [])
            periods.extend(OpeningHours(program=program, weekday=day, opens=opens, closes=closes)
                           for day, opens, closes in plan.record.hours or [])
        for program, plan in zip(programs, batch):
            plan.program, plan.changed = program, ["created"]
        Program.terms.through.objects.bulk_create(links)
        OpeningHours.objects.bulk_create(periods)
        Program.objects.filter(pk__in=[program.pk for program in programs]).refresh_search_text()
        done += len(batch)
        if progress:
            progress("write", done, total)

    for plan in to_update:
        program, record = plan.program, plan.record
        fields = [key for key in plan.changed if key in record.values]
        for key in fields:
            setattr(program, key, record.values[key])
        if "organization" in plan.changed:
            program.organization = organizations[plan.organization_name]
            fields.append("organization")
        if fields:
            program.save(update_fields=[*fields, "updated"])
        if "services" in plan.changed:
            program.terms.set(record.term_ids)
        if "opening hours" in plan.changed:
            program.hours.all().delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(program=program, weekday=day, opens=opens, closes=closes)
                for day, opens, closes in record.hours
            )
        done += 1
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress("write", done, total)

    source = report.filename or "a file"
    history: list[HistoryEntry] = []
    for plan in plans:
        if plan.program is None or not plan.changed:
            continue
        if plan.changed == ["created"]:
            history.append((plan.program, ADDITION, f"Imported from {source}."))
        else:
            history.append((plan.program, CHANGE, f"Import of {source} changed: {', '.join(plan.changed)}."))
    if history:
        from opendata.jobs import request_package_build  # jobs imports the importers

        request_package_build(delay=0)  # inside the import's transaction: one build, as soon as it commits
    return history


# Helpers the parsers share ---------------------------------------------------------------------


def terms_by_code() -> dict[str, int]:
    """Term ids keyed by their code in upper case."""
    return {code.upper(): pk for pk, code in Term.objects.values_list("pk", "code")}


def terms_by_samhsa_label() -> dict[str, set[int]]:
    """Term ids keyed by each of their SAMHSA locator labels, normalised."""
    labels: dict[str, set[int]] = defaultdict(set)
    for pk, names in Term.objects.values_list("pk", "samhsa_labels"):
        for name in names:
            labels[normalize_label(name)].add(pk)
    return labels
