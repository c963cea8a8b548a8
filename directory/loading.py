"""Bulk loading of program records (demo fixtures and benchmark data) into the database."""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db import transaction

from directory.models import OpeningHours, Organization, Program, Term, program_slug_text
from portal.slugs import slug_base

BATCH = 2000


def program_slug(record: dict) -> str:
    return slug_base(program_slug_text(record["name"], record["city"], record["state"]), max_length=200, fallback="program")


@transaction.atomic
def load_program_records(
    records: Iterable[dict], *, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Create the programs in `records` (dicts as made by directory.demo), skipping slugs that exist.

    Returns (created, skipped). Runs in one transaction: on any error nothing is kept.
    """
    terms = {term.code: term.pk for term in Term.objects.all()}
    organizations = {org.name: org for org in Organization.objects.all()}
    existing = set(Program.objects.values_list("slug", flat=True))
    created = skipped = 0
    batch: list[tuple[Program, dict]] = []

    def flush():
        nonlocal batch
        if not batch:
            return
        programs = Program.objects.bulk_create([program for program, _ in batch])
        links, hours = [], []
        for program, record in zip(programs, (record for _, record in batch)):
            links.extend(Program.terms.through(program_id=program.pk, term_id=terms[code]) for code in record["terms"])
            hours.extend(
                OpeningHours(program=program, weekday=day, opens=opens, closes=closes)
                for day, opens, closes in record.get("hours", [])
            )
        Program.terms.through.objects.bulk_create(links)
        OpeningHours.objects.bulk_create(hours)
        Program.objects.filter(pk__in=[program.pk for program in programs]).refresh_search_text()
        batch = []

    for record in records:
        slug = program_slug(record)
        if slug in existing:
            skipped += 1
            continue
        unknown = [code for code in record["terms"] if code not in terms]
        if unknown:
            raise ValueError(f"Unknown service codes in {record['name']!r}: {', '.join(unknown)}")
        existing.add(slug)
        org = None
        if record.get("organization"):
            org = organizations.get(record["organization"])
            if org is None:
                org = organizations[record["organization"]] = Organization.objects.create(name=record["organization"])
        verified = record.get("last_verified")
        batch.append((
            Program(
                name=record["name"], slug=slug, organization=org, description=record.get("description", ""),
                street1=record.get("street1", ""), street2=record.get("street2", ""), city=record["city"],
                state=record["state"], zip_code=record["zip_code"], latitude=record["latitude"],
                longitude=record["longitude"], phone=record.get("phone", ""),
                intake_phone=record.get("intake_phone", ""), website=record.get("website", ""),
                hours_note=record.get("hours_note", ""), status=record.get("status", "active"),
                accepting_new_patients=record.get("accepting_new_patients"),
                last_verified=datetime.date.fromisoformat(verified) if verified else None,
                typical_wait_days=record.get("typical_wait_days"),
                beds_available=record.get("beds_available"),
                beds_updated=datetime.date.fromisoformat(record["beds_updated"]) if record.get("beds_updated") else None,
            ),
            record,
        ))
        created += 1
        if len(batch) >= BATCH:
            flush()
            if progress:
                progress(created)
    flush()
    return created, skipped
