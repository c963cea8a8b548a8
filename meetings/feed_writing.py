"""Planning and writing a meeting import (the plan and write steps of importing.pipeline.run_pipeline).

A record is matched to the meeting of its source and slug; a new record that describes a meeting
already listed under another source or entered by hand is reported as already listed, not duplicated.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from importing.pipeline import Change, Finding, HistoryEntry, ImportReport, Progress, report_progress
from meetings.feed_fields import SLUG_SAFE, MeetingRecord
from meetings.models import Fellowship, Meeting, MeetingType, forget_occurrence_counts, forget_zones_in_use
from portal import slugs
from portal.admin_tools import field_labels

BATCH = 1000


@dataclass
class _Plan:
    record: MeetingRecord
    meeting: Meeting | None
    changes: dict
    types_changed: bool = False
    matched: Meeting | None = None

    @property
    def changed(self) -> list[str]:
        names = sorted(name.removesuffix("_id") for name in self.changes if name != "updated")
        names += ["types"] if self.types_changed else []
        return names or (["updated date"] if "updated" in self.changes else [])


def _same(current, new) -> bool:
    if isinstance(current, float) or isinstance(new, float):
        return current is not None and new is not None and abs(current - new) < 1e-7
    return current == new


def _key(name: str, start: datetime.time) -> tuple[str, datetime.time]:
    return " ".join(slugify(name).split("-")), start


def _same_place(meeting: Meeting, values: dict) -> bool:
    """Whether a listed meeting and a record meet at the same place (or the same online room)."""
    if values["conference_url"] and meeting.conference_url and meeting.conference_url == values["conference_url"]:
        return True
    if (meeting.latitude is not None and values["latitude"] is not None and meeting.has_street_address
            and values["address"] and abs(meeting.latitude - values["latitude"]) < 0.002
            and abs(meeting.longitude - values["longitude"]) < 0.002):
        return True
    street = " ".join(slugify(values["address"]).split("-"))
    if street and street == " ".join(slugify(meeting.address).split("-")):
        return (meeting.postal_code[:5] == values["postal_code"][:5]) or (
            meeting.city.casefold() == values["city"].casefold())
    if not street and not meeting.has_street_address and not values["conference_url"] and not meeting.conference_url:
        return bool(values["city"]) and meeting.city.casefold() == values["city"].casefold()
    return False


def _listed_elsewhere(records: list[MeetingRecord], existing: dict) -> dict[int, Meeting]:
    """For new records, a meeting of another source (or entered by hand) with the same name, day, time and place."""
    new = [record for record in records if (record.source, record.source_slug) not in existing]
    if not new:
        return {}
    times = sorted({record.values["start_time"] for record in new})
    candidates: dict[tuple, list[Meeting]] = defaultdict(list)
    queryset = Meeting.objects.filter(start_time__in=times).defer("search_vector")
    for meeting in queryset.iterator(chunk_size=2000):
        candidates[_key(meeting.name, meeting.start_time)].append(meeting)
    found = {}
    for record in new:
        for meeting in candidates.get(_key(record.values["name"], record.values["start_time"]), []):
            if meeting.source == record.source:
                continue  # the same source: a different slug is a different meeting
            if set(meeting.days) & set(record.values["days"]) and _same_place(meeting, record.values):
                found[record.row] = meeting
                break
    return found


def make_planner(*, update_existing: bool = True):
    """The planner of a meeting import (see importing.pipeline.run_pipeline)."""

    def plan(records: list[MeetingRecord], report: ImportReport, progress: Progress | None) -> list[_Plan]:
        existing: dict[tuple[str, str], Meeting] = {}
        for source in {record.source for record in records}:
            for meeting in Meeting.objects.filter(source=source).prefetch_related("types").defer("search_vector"):
                existing[(meeting.source, meeting.source_slug)] = meeting
        elsewhere = _listed_elsewhere(records, existing)
        plans = []
        for done, record in enumerate(records, start=1):
            meeting = existing.get((record.source, record.source_slug))
            if meeting is None and record.row in elsewhere:
                other = elsewhere[record.row]
                plans.append(_Plan(record, None, {}, matched=other))
                report.matched += 1
                report.changes.append(Change("matched", record.row, record.name))
                where = f"imported from {other.source!r}" if other.source else "entered by hand"
                report.warnings.append(str(Finding(
                    record.row, f"already listed as «{other.name}» ({where}, /meetings/{other.slug}/): "
                    "same name, day, time and place, so it was not imported again.", record.source_slug,
                )))
            elif meeting is None:
                plans.append(_Plan(record, None, {}))
                report.created += 1
                report.changes.append(Change("create", record.row, record.name))
            elif not update_existing:
                plans.append(_Plan(record, meeting, {}))
                report.unchanged += 1
                report.changes.append(Change("unchanged", record.row, record.name))
            else:
                changes = {
                    name: value for name, value in record.values.items() if not _same(getattr(meeting, name), value)
                }
                if meeting.fellowship_id != record.fellowship.pk:
                    changes["fellowship_id"] = record.fellowship.pk
                if record.updated is not None and meeting.updated != record.updated:
                    changes["updated"] = record.updated
                types_changed = set(record.type_codes) != {t.code for t in meeting.types.all()}
                plan = _Plan(record, meeting, changes, types_changed)
                plans.append(plan)
                if plan.changed:
                    report.updated += 1
                    report.changes.append(Change("update", record.row, record.name, tuple(plan.changed)))
                else:
                    report.unchanged += 1
                    report.changes.append(Change("unchanged", record.row, record.name))
            report_progress(progress, done, len(records), "check")
        known = {key[1] for key in existing if key[0] in {record.source for record in records}}
        missing = len(known - {record.source_slug for record in records})
        if missing and records:
            report.warnings.append(
                f"{missing} meetings imported earlier from {records[0].source!r} are not in this feed; "
                "they were left as they are (close them in the admin if they have ended)."
            )
        return plans

    return plan


# Writing ---------------------------------------------------------------------------------------


def unique_slug(wanted: str, name: str, taken: set[str]) -> str:
    """A slug for a new meeting page: the feed's own slug when it is URL-safe and free, else a variant."""
    if SLUG_SAFE.match(wanted or "") and len(wanted) <= 190:
        return slugs.unique_slug(wanted, taken, already_slug=True)
    return slugs.unique_slug(wanted, taken, max_length=190,
                             fallback=slugs.slug_base(name, max_length=190, fallback="meeting"))


def write(plans: list[_Plan], report: ImportReport, progress: Progress | None) -> list[HistoryEntry]:
    """Create and update the planned meetings (the pipeline holds the transaction); return the history."""
    types = dict(MeetingType.objects.values_list("code", "pk"))
    history: list[HistoryEntry] = [
        (fellowship, ADDITION, f"Created by the import of {source}.")
        for fellowship, source in _created_fellowships(plans)
    ]
    now = timezone.now()
    to_create = [plan for plan in plans if plan.meeting is None and plan.matched is None]
    to_update = [plan for plan in plans if plan.meeting is not None and plan.changed]
    total, done = len(to_create) + len(to_update), 0
    taken = set(Meeting.objects.values_list("slug", flat=True)) if to_create else set()
    through = Meeting.types.through
    for start in range(0, len(to_create), BATCH):
        batch = to_create[start:start + BATCH]
        meetings = Meeting.objects.bulk_create([
            Meeting(
                **plan.record.values, **plan.record.extra, fellowship=plan.record.fellowship,
                source=plan.record.source, source_slug=plan.record.source_slug,
                slug=unique_slug(plan.record.source_slug, plan.record.name, taken),
                updated=plan.record.updated or now,
            )
            for plan in batch
        ])
        through.objects.bulk_create([
            through(meeting_id=meeting.pk, meetingtype_id=types[code])
            for meeting, plan in zip(meetings, batch)
            for code in plan.record.type_codes
        ])
        for meeting, plan in zip(meetings, batch):
            history.append((meeting, ADDITION, f"Imported from {plan.record.source}."))
        done += len(batch)
        report_progress(progress, done, total, "write")
    for plan in to_update:
        changes = dict(plan.changes)
        if "fellowship_id" in changes:  # a fellowship created above has its key only now
            changes["fellowship_id"] = plan.record.fellowship.pk
        changes.setdefault("updated", plan.record.updated or now)
        Meeting.objects.filter(pk=plan.meeting.pk).update(**changes)
        if plan.types_changed:
            through.objects.filter(meeting_id=plan.meeting.pk).delete()
            through.objects.bulk_create(
                [through(meeting_id=plan.meeting.pk, meetingtype_id=types[code]) for code in sorted(set(plan.record.type_codes))]
            )
        changed = ", ".join(field_labels(Meeting, plan.changed)) or "updated date"
        history.append((plan.meeting, CHANGE, f"Import from {plan.record.source} changed: {changed}."))
        done += 1
        report_progress(progress, done, total, "write")
    transaction.on_commit(forget_zones_in_use)  # bulk writes send no signals
    forget_zones_in_use()
    forget_occurrence_counts()
    return history


def _created_fellowships(plans: list[_Plan]) -> list[tuple[Fellowship, str]]:
    created = save_new_fellowships(plans)
    sources = {}
    for plan in plans:
        sources.setdefault(id(plan.record.fellowship), plan.record.source)
    return [(fellowship, sources[id(fellowship)]) for fellowship in created]


def save_new_fellowships(plans: list[_Plan]) -> list[Fellowship]:
    """Create the fellowships the planned meetings name that are not listed yet; return the ones created."""
    new = {id(plan.record.fellowship): plan.record.fellowship for plan in plans
           if plan.record.fellowship is not None and plan.record.fellowship.pk is None}
    created = []
    for fellowship in new.values():
        listed = Fellowship.objects.filter(name__iexact=fellowship.name).first()
        if listed is not None:  # added by hand since the file was read
            fellowship.pk, fellowship.slug = listed.pk, listed.slug
            continue
        fellowship.slug = slugs.unique_slug(fellowship.name, Fellowship.objects.all(), max_length=50,
                                            fallback="fellowship")
        fellowship.save()
        created.append(fellowship)
    return created
