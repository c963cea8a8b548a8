"""Writing programs through the import pipeline: the records parsers produce, the planner and the writer.

Every program that enters the directory in bulk goes through here: the open-data imports
(`opendata.importers`: SAMHSA and HSDS files, whose parsers check each row) and the demo and
benchmark loader (`directory.loading`, whose records are already clean). The planner compares
each record with the program it matches (by source and source identifier); the writer applies
the differences inside the pipeline's one transaction, in batches, and returns the admin history.
"""
from __future__ import annotations

import datetime
import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE

from directory.models import OpeningHours, Organization, Program, program_slug_text
from directory.signals import listings_changed
from importing.pipeline import Change, HistoryEntry, ImportReport, ParsedFile, Progress, run_pipeline
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


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, float) and isinstance(new, float):
        return math.isclose(current, new, rel_tol=0, abs_tol=1e-7)
    return current == new


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def plan_programs(
    records: list[ProgramRecord], report: ImportReport, progress: Progress | None, *, update_existing: bool = True
) -> list[_Plan]:
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
    program_ids = [program.pk for program in existing.values()] if update_existing else []
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

    source = report.filename or "a file"
    history: list[HistoryEntry] = []
    for plan in plans:
        if plan.program is None or not plan.changed:
            continue
        if plan.changed == ["created"]:
            history.append((plan.program, ADDITION, f"Imported from {source}."))
        else:
            history.append((plan.program, CHANGE, f"Import of {source} changed: {', '.join(field_labels(Program, plan.changed))}."))
    if history:
        # Bulk writes send no post_save: tell what publishes the listings (the open data package) at once.
        listings_changed.send(sender=Program, immediate=True)
    return history
