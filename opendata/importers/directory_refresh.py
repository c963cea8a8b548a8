"""The National Directory edition after edition: a facility's identity, and how a newer edition is
compared with the listings already here (see opendata.importers.national_directory).

A facility is the source plus its normalised name, street, ZIP code and phone. The planner runs the
directory's plan_programs (which also matches a facility already listed from another source, such as
locator rows or HSDS, to that listing: directory.matching), then keeps what staff edited by hand since
the last import (each listing remembers what the import wrote, `Program.import_snapshot`) and reports
each conflict, keeps better coordinates than a ZIP code's centre, and marks the directory's listings
the new edition no longer has (`Program.missing_from_source`).
"""
from __future__ import annotations

import hashlib
import re

from directory.importing import ProgramRecord, plan_programs, write_programs
from directory.models import Program
from directory.shared_listings import LOCATION_FIELDS, SNAPSHOT_FIELDS, describe_matches, shown_changes, whose
from importing.pipeline import Change, ImportReport, Progress

SOURCE = "samhsa-directory"


# Identity --------------------------------------------------------------------------------------

STREET_WORDS = {
    "street": "st", "avenue": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr", "suite": "ste",
    "highway": "hwy", "lane": "ln", "place": "pl", "court": "ct", "parkway": "pkwy", "north": "n",
    "south": "s", "east": "e", "west": "w", "building": "bldg", "floor": "fl",
}


def normalise(text: str) -> str:
    """Fold a name or street for comparison: case, punctuation, spacing and common street words."""
    words = re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()
    return " ".join(STREET_WORDS.get(word, word) for word in words)


def facility_id(*, name: str, street: str, zip_code: str, phone: str) -> str:
    """The facility's identity across editions: its normalised name, street, ZIP code and phone."""
    digits = re.sub(r"\D", "", phone.split(" ext.")[0])[-10:]
    key = "|".join((normalise(name), normalise(street), zip_code[:5], digits))
    return "nd:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


# Comparing with the database: staff edits win, missing facilities are marked ----------------------

def _snapshot(record: ProgramRecord) -> dict:
    return {**{key: record.values[key] for key in SNAPSHOT_FIELDS}, "terms": sorted(record.term_ids or [])}


def edition_label(edition: str) -> str:
    return f"{edition} directory" if edition else "latest directory"


class Planner:
    """plan_programs, then: keep fields staff edited since the last import, keep better coordinates,
    and list the directory's listings this edition no longer has."""

    def __init__(self, *, edition: str, states: frozenset[str] = frozenset()):
        self.edition = edition
        self.states = states
        self.missing: list[int] = []

    def __call__(self, records: list[ProgramRecord], report: ImportReport, progress: Progress | None):
        for record in records:
            record.values["import_snapshot"] = _snapshot(record)
        plans = plan_programs(records, report, progress, describe=False)
        report.changes = [change for change in report.changes if change.action != "update"]
        report.updated = 0
        for plan in plans:
            if plan.program is None:
                continue
            program, record = plan.program, plan.record
            # A listing of another source: plan_programs kept what the directory may not change there.
            before = (program.import_snapshot or {}) if plan.via not in ("identifier", "match") else {}
            kept = []
            if not program.location_approximate and program.latitude is not None and record.values["location_approximate"]:
                kept += [key for key in LOCATION_FIELDS if key in plan.changed]  # better coordinates than a ZIP centre
            for key in SNAPSHOT_FIELDS:
                if key in plan.changed and key in before and key not in kept and getattr(program, key) != before[key]:
                    kept.append(key)
                    if key in LOCATION_FIELDS:
                        continue
                    if whose(getattr(program, key), key, plan.says) == "edited by staff":
                        report.warnings.append(
                            f"Row {record.row} «{record.name}»: {key.replace('_', ' ')} was edited by staff "
                            f"({getattr(program, key)!r}) and is kept; the {edition_label(self.edition)} "
                            f"says {record.values[key]!r}."
                        )
                    elif record.values[key] != before[key]:  # another source's value; the directory changed its own
                        report.warnings.append(
                            f"Row {record.row} «{record.name}»: {key.replace('_', ' ')} is kept "
                            f"({getattr(program, key)!r}, {whose(getattr(program, key), key, plan.says)}); the "
                            f"{edition_label(self.edition)} says {record.values[key]!r}."
                        )
            if "services" in plan.changed and "terms" in before:
                current = sorted(Program.terms.through.objects.filter(program_id=program.pk).values_list("term_id", flat=True))
                if current != before["terms"]:
                    kept.append("services")
                    if whose(current, "terms", plan.says) == "edited by staff":
                        report.warnings.append(f"Row {record.row} «{record.name}»: services were edited by staff and are kept.")
            for key in kept:
                if key in LOCATION_FIELDS:
                    record.values[key] = getattr(program, key)
                plan.changed.remove(key)
            plan.kept.extend(key for key in kept if key not in plan.kept)
            if "services" in kept:
                record.term_ids = None
            shown = shown_changes(plan.changed)
            if shown:
                report.updated += 1
                report.changes.append(Change("update", record.row, record.name, tuple(shown)))
        # A plan whose only change is the record of what the source said is written, counted unchanged.
        report.unchanged = len(plans) - report.created - report.updated
        listed = {record.source_id for record in records}
        candidates = Program.objects.filter(source=SOURCE, missing_from_source="")
        if self.states:
            candidates = candidates.filter(state__in=self.states)
        for pk, source_id, name in candidates.values_list("pk", "source_id", "name").iterator():
            if source_id not in listed:
                self.missing.append(pk)
                report.changes.append(Change("missing", 0, name))
        if self.missing:
            report.warnings.append(
                f"Not in the {edition_label(self.edition)}: {len(self.missing)} listings imported from an "
                "earlier edition. They are kept and marked for review (admin filter “newest edition of its source”)."
            )
        describe_matches(plans, report)
        return plans

    def write(self, plans, report: ImportReport, progress: Progress | None):
        history = write_programs(plans, report, progress)
        if self.missing:
            Program.objects.filter(pk__in=self.missing).update(
                missing_from_source=edition_label(self.edition)[:100]
            )
        return history
