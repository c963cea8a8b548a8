"""Bulk loading of program records (demo fixtures and benchmark data) through the import pipeline.

The records (dicts as made by directory.demo) are ours and already clean, so the "parser" here only
turns them into `ProgramRecord`s: the directory's planner and writer (directory.importing) then
write them as they write every import, in one transaction, with services, hours, search text,
admin history and a rebuild of the open data package.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from directory.importing import OrganizationRecord, ProgramRecord, import_programs
from directory.models import Program, Term, program_slug_text
from importing.pipeline import ParsedFile
from portal.slugs import slug_base

# The demo and benchmark programs' source; each one's source identifier is its slug.
SOURCE = "demo"
FORMAT = "demo-programs"
VALUE_KEYS = (
    "name", "description", "street1", "street2", "city", "state", "zip_code", "latitude", "longitude", "phone",
    "intake_phone", "website", "hours_note", "status", "accepting_new_patients", "typical_wait_days",
    "beds_available",
)
DEFAULTS = {"status": "active", "accepting_new_patients": None, "typical_wait_days": None, "beds_available": None}


def program_slug(record: dict) -> str:
    return slug_base(program_slug_text(record["name"], record["city"], record["state"]), max_length=200, fallback="program")


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def demo_records(records: Iterable[dict]) -> tuple[list[ProgramRecord], int]:
    """The records whose slug is not taken yet, as ProgramRecords; and how many were skipped.

    Raises ValueError for a service code the taxonomy does not have (the data is ours: that is a bug).
    """
    terms = dict(Term.objects.values_list("code", "pk"))
    taken = set(Program.objects.values_list("slug", flat=True))
    kept: list[ProgramRecord] = []
    skipped = 0
    for row, record in enumerate(records, start=1):
        slug = program_slug(record)
        if slug in taken:
            skipped += 1
            continue
        unknown = [code for code in record["terms"] if code not in terms]
        if unknown:
            raise ValueError(f"Unknown service codes in {record['name']!r}: {', '.join(unknown)}")
        taken.add(slug)
        values = {key: record.get(key, DEFAULTS.get(key, "")) for key in VALUE_KEYS}
        values["last_verified"] = _date(record.get("last_verified"))
        values["beds_updated"] = _date(record.get("beds_updated"))
        values["telehealth_states"] = list(record.get("telehealth_states", []))
        kept.append(ProgramRecord(
            row=row, source=SOURCE, source_id=slug, values=values,
            organization=OrganizationRecord(record["organization"]) if record.get("organization") else None,
            term_ids=[terms[code] for code in record["terms"]],
            hours=[tuple(period) for period in record.get("hours", [])],
        ))
    return kept, skipped


def load_program_records(
    records: Iterable[dict], *, progress: Callable[[int], None] | None = None, filename: str = ""
) -> tuple[int, int]:
    """Create the programs in `records` (dicts as made by directory.demo), skipping slugs that exist.

    Programs already loaded are left as they are. Returns (created, skipped). Runs in one
    transaction: on any error nothing is kept.
    """
    parsed, skipped = demo_records(records)

    def parse() -> ParsedFile:
        return ParsedFile(records=parsed, total=len(parsed))

    def report_written(phase: str, done: int, total: int) -> None:
        if phase == "write":
            progress(done)

    report = import_programs(
        format=FORMAT, filename=filename or "demo programs", parse=parse, update_existing=False,
        progress=report_written if progress else None,
    )
    return report.created, skipped + report.unchanged
