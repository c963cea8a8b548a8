"""Writing programs through the import pipeline: the records parsers produce, the planner and the writer.

Every program that enters the directory in bulk goes through here: the open-data imports
(`opendata.importers`: SAMHSA and HSDS files, whose parsers check each row) and the demo and
benchmark loader (`directory.loading`, whose records are already clean). The planner compares
each record with the program it matches (by source and source identifier: the program's own, or
one it keeps for another source, `ProgramIdentifier`; failing that, a listing from another source
that is the same facility, `directory.matching`); the writer applies the differences inside the
pipeline's one transaction, in batches, and returns the admin history.

A listing matched from another source is updated as that source updates its own, except what is not
the source's to change (`directory.shared_listings`).
"""
from __future__ import annotations

import datetime
import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE

from directory.matching import Match, find_matches
from directory.models import OpeningHours, Organization, Program, ProgramIdentifier, program_slug_text
from directory.shared_listings import (
    LINKED,
    describe_matches,
    keep_changed_by_others,
    keep_what_is_not_the_sources,
    say,
    shown_changes,
)
from directory.signals import listings_changed
from importing.pipeline import Change, Finding, HistoryEntry, ImportReport, ParsedFile, Progress, run_pipeline
from portal.admin_tools import field_labels
from portal.slugs import unique_slug

BATCH = 2000
PROGRESS_EVERY = 500


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


def import_programs(
    *,
    format: str,
    filename: str,
    parse: Callable[[], ParsedFile],
    dry_run: bool = False,
    strict: bool = False,
    update_existing: bool = True,
    progress: Progress | None = None,
    user=None,
) -> ImportReport:
    """Run a program import through the import pipeline (see importing.pipeline).

    Without `strict`, every usable row is applied and the rejected ones are reported by number;
    with it, one rejected row stops the whole import. Without `update_existing`, records that match
    a program already here leave it as it is (counted unchanged): only new programs are created.
    Every program created or changed gets an entry in its admin history, in the name of `user` (the
    staff member who uploaded the file) or of the inactive "data-import" account.
    """
    report = ImportReport(format=format, filename=filename, dry_run=dry_run, strict=strict)
    plan = functools.partial(plan_programs, update_existing=update_existing)
    return run_pipeline(report=report, parse=parse, plan=plan, write=write_programs, progress=progress, user=user)


@dataclass
class _Plan:
    record: ProgramRecord
    program: Program | None
    changed: list[str]
    organization_name: str | None
    # How the program was found: "source" (by the record's source and identifier, the program's own),
    # "own" (this portal's own export, by the id it published), "identifier" (an identifier the program
    # keeps for the record's source) or "match" (the same facility under another source, found now).
    via: str = "source"
    match: Match | None = None
    identifier: ProgramIdentifier | None = None  # via "identifier": the one found
    kept: list[str] = field(default_factory=list)  # fields the record would change that the program keeps
    # Via "identifier" or "match": what the record says now, kept with its identifier for the next import.
    say: dict | None = None
    # What the program's other sources said at their last import, by source (ProgramIdentifier.snapshot).
    says: dict[str, dict] = field(default_factory=dict)
    # Via "match", when the listing's own source keeps no record of what it wrote: its values now, as that
    # (see shared_listings.keep_what_is_not_the_sources).
    seed: dict | None = None


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, float) and isinstance(new, float):
        return math.isclose(current, new, rel_tol=0, abs_tol=1e-7)
    return current == new


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def plan_programs(
    records: list[ProgramRecord], report: ImportReport, progress: Progress | None, *, update_existing: bool = True,
    describe: bool = True,
) -> list[_Plan]:
    """Compare each record with the program it matches and fill in the report's counts and changes.

    With `describe` (the default), the matches across sources are then described in the report; a
    planner that changes the plans further calls `describe_matches` itself when it is done.
    """
    existing, vias, identifiers = _existing(records)
    matches: dict[int, Match] = {}
    if update_existing:
        taken = {program.pk: record.row for record in records
                 if (program := existing.get((record.source, record.source_id))) is not None}
        unmatched = [record for record in records if (record.source, record.source_id) not in existing]
        outcome = find_matches(unmatched, taken=taken)
        matches = {id(unmatched[index]): match for index, match in outcome.matches.items()}
        for index, doubt in outcome.doubts:
            record = unmatched[index]
            report.possible_duplicates.append(Finding(record.row, doubt, record.name, record.line))
    program_ids = [program.pk for program in existing.values()] + [match.program.pk for match in matches.values()]
    terms: dict[int, list[int]] = defaultdict(list)
    hours: dict[int, list[tuple]] = defaultdict(list)
    says: dict[int, dict[str, dict]] = defaultdict(dict)
    for chunk in _chunks(program_ids if update_existing else []):
        for program_id, term_id in Program.terms.through.objects.filter(program_id__in=chunk).values_list(
            "program_id", "term_id"
        ):
            terms[program_id].append(term_id)
        for period in OpeningHours.objects.filter(program_id__in=chunk):
            hours[period.program_id].append((period.weekday, period.opens, period.closes))
        for program_id, source, snapshot in ProgramIdentifier.objects.filter(program_id__in=chunk).values_list(
            "program_id", "source", "snapshot"
        ):
            says[program_id][source] = snapshot

    plans = []
    for done, record in enumerate(records, start=1):
        identity = (record.source, record.source_id)
        program, via, match = existing.get(identity), vias.get(identity, "source"), matches.get(id(record))
        if match is not None:
            program, via = match.program, "match"
        organization_name = record.organization.name if record.organization else None
        if program is None:
            plans.append(_Plan(record, None, [], organization_name))
            report.created += 1
            report.changes.append(Change("create", record.row, record.name))
        elif not update_existing:  # already here: left as it is, organization included
            plans.append(_Plan(record, program, [], None))
            report.unchanged += 1
            report.changes.append(Change("unchanged", record.row, record.name))
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
            plan = _Plan(record, program, changed, organization_name, via=via, match=match,
                         identifier=identifiers.get(identity), says={
                             source: said for source, said in says[program.pk].items() if source != record.source})
            if via in ("identifier", "match"):
                keep_what_is_not_the_sources(plan, terms[program.pk], hours[program.pk], report)
            elif via == "source" and plan.says and "import_snapshot" not in record.values:
                # A listing other sources also list, from a source that keeps no record of what it wrote
                # (locator rows, HSDS): what it said is kept from the first match on (see _Plan.seed).
                keep_changed_by_others(plan, terms[program.pk], report, program.import_snapshot)
                said = say(record)
                if said != program.import_snapshot:
                    record.values["import_snapshot"] = said
                    changed.append("import_snapshot")
            if match is not None:
                changed.append(LINKED)
            plans.append(plan)
            shown = shown_changes(changed)
            if shown:
                report.updated += 1
                report.changes.append(Change("update", record.row, record.name, shown))
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
    if describe:
        describe_matches(plans, report)
    return plans


def _existing(records: list[ProgramRecord]):
    """The programs the records name, by (source, source identifier); how each was found (see _Plan.via);
    and the identifiers of other sources through which some were found."""
    existing: dict[tuple[str, str], Program] = {}
    vias: dict[tuple[str, str], str] = {}
    identifiers: dict[tuple[str, str], ProgramIdentifier] = {}
    keys_by_source: dict[str, list[str]] = defaultdict(list)
    for record in records:
        keys_by_source[record.source].append(record.source_id)
    for source, ids in keys_by_source.items():
        for chunk in _chunks(ids):
            for program in Program.objects.filter(source=source, source_id__in=chunk).select_related("organization"):
                existing[(program.source, program.source_id)] = program
            for identifier in ProgramIdentifier.objects.filter(source=source, source_id__in=chunk).select_related(
                "program__organization"
            ):
                key = (identifier.source, identifier.source_id)
                if key not in existing:
                    existing[key], vias[key], identifiers[key] = identifier.program, "identifier", identifier
    # This portal's own export coming back: its records name the programs by the ids it published.
    own = {record.program_id for record in records if record.program_id is not None}
    own_programs: dict[int, Program] = {}
    for chunk in _chunks(sorted(own)):
        for program in Program.objects.filter(pk__in=chunk).select_related("organization"):
            own_programs[program.pk] = program
    for record in records:
        if record.program_id in own_programs and (record.source, record.source_id) not in existing:
            existing[(record.source, record.source_id)] = own_programs[record.program_id]
            vias[(record.source, record.source_id)] = "own"
            if record.stand_in_organization and own_programs[record.program_id].organization_id is None:
                record.organization = None  # still a program without an organization
    return existing, vias, identifiers


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
    # New organizations have no programs yet, so the post_save work (their programs' search text)
    # has nothing to do: they are created in bulk.
    new = [Organization(name=name, website=data.website, description=data.description)
           for name, data in wanted.items() if name not in found]
    for name, org in list(found.items()):
        data = wanted[name]
        fields = []
        if data.website and org.website != data.website:
            org.website, fields = data.website, fields + ["website"]
        if data.description and org.description != data.description:
            org.description, fields = data.description, fields + ["description"]
        if fields:
            org.save(update_fields=fields)
    for chunk in _chunks(new):
        found.update((org.name, org) for org in Organization.objects.bulk_create(chunk))
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


def write_programs(plans: list[_Plan], report: ImportReport, progress: Progress | None) -> list[HistoryEntry]:
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

    # A listing matched from another source keeps the record's identifier (the next import finds it by
    # it) and what the record said (the next import tells its changes from others' by it).
    ProgramIdentifier.objects.bulk_create([
        ProgramIdentifier(program=plan.program, source=plan.record.source, source_id=plan.record.source_id,
                          matched_by=plan.match.how, snapshot=plan.say or {})
        for plan in plans if plan.match is not None and plan.record.source_id
    ], batch_size=BATCH)
    seeded = [plan for plan in plans if plan.seed is not None]
    for plan in seeded:
        plan.program.import_snapshot = plan.seed
    Program.objects.bulk_update([plan.program for plan in seeded], ["import_snapshot"], batch_size=BATCH)
    said = []
    for plan in plans:
        if plan.identifier is not None and plan.say is not None and plan.say != plan.identifier.snapshot:
            plan.identifier.snapshot = plan.say
            said.append(plan.identifier)
    ProgramIdentifier.objects.bulk_update(said, ["snapshot"], batch_size=BATCH)

    source = report.filename or "a file"
    history: list[HistoryEntry] = []
    for plan in plans:
        if plan.program is None or not plan.changed:
            continue
        labels = ", ".join(field_labels(Program, shown_changes(plan.changed) if plan.match else plan.changed))
        if plan.changed == ["created"]:
            history.append((plan.program, ADDITION, f"Imported from {source}."))
        elif plan.match is not None:
            record = plan.record
            history.append((plan.program, CHANGE, (
                f"Import of {source} matched its row {record.row} to this listing by {plan.match.how} (the same "
                f"facility; its identifier there is kept: {record.source} {record.source_id})"
            ) + (f"; changed: {labels}." if labels else ".")))
        else:
            history.append((plan.program, CHANGE, f"Import of {source} changed: {labels}."))
    if history:
        # Bulk writes send no post_save: tell what publishes the listings (the open data package) at once.
        listings_changed.send(sender=Program, immediate=True)
    return history
