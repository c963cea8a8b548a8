"""A listing two sources share: what the import of each may change on it, and how a match is reported.

A listing matched from another source (directory.matching) is updated as that source updates its own,
except what is not the source's to change:

- a listing entered by hand keeps every value staff typed: the import fills only its blanks;
- coordinates better than a ZIP code's centre are kept;
- from the match on, each source's import changes only the fields it changed itself since its last
  import: what it said then is kept (with its identifier, `ProgramIdentifier.snapshot`; for the
  listing's own source, `Program.import_snapshot`), and a field that holds something else was changed
  since by staff or by the other source, and is kept. So two sources never undo each other's values
  import after import; a field is reported only when the source changed its value too, since there is
  then something for staff to decide;
- on the first match, fields staff edited since the listing's own source wrote them are kept.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from directory.matching import listing, source_label
from directory.models import Program
from importing.pipeline import Finding, ImportReport
from portal.admin_tools import field_labels

if TYPE_CHECKING:
    from directory.importing import ProgramRecord
    from directory.importing import _Plan as Plan

# What an import remembers it wrote (Program.import_snapshot), to tell staff edits apart next time.
SNAPSHOT_FIELDS = ("name", "street1", "street2", "city", "state", "zip_code", "phone", "intake_phone",
                   "latitude", "longitude")
LOCATION_FIELDS = ("latitude", "longitude", "location_approximate")
# Never a listing's fact: what an import keeps for itself.
IMPORT_FIELDS = ("import_snapshot", "unmapped_codes", "missing_from_source", "location_approximate")
# The change a new match makes beside the values: the listing keeps the record's identifier. Like
# the record of what an import wrote, it is written but is no change of the listing's facts.
LINKED = "identifier in this source"
NOT_SHOWN = ("import_snapshot", LINKED)


def shown_changes(changed: Iterable[str]) -> tuple[str, ...]:
    """The changes of a listing's facts, as the report counts and lists them."""
    return tuple(key for key in changed if key not in NOT_SHOWN)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _keep(plan: Plan, keys: Iterable[str]) -> None:
    for key in keys:
        if key in plan.changed:
            plan.changed.remove(key)
            if key not in plan.kept:
                plan.kept.append(key)


def whose(value: Any, key: str, says: dict[str, dict]) -> str:
    """Who gave a listing's value that an import did not: another source (its last import said so), or staff."""
    for source, said in says.items():
        if key in said and said[key] == value:
            return f"from {source_label(source)}"
    return "edited by staff"


def say(record: ProgramRecord) -> dict:
    """What a record says of the fields an import compares, as kept for its source's next import."""
    said = {key: record.values[key] for key in SNAPSHOT_FIELDS if key in record.values}
    if record.term_ids is not None:
        said["terms"] = sorted(record.term_ids)
    return said


def keep_what_is_not_the_sources(plan: Plan, current_terms: list[int], current_hours: list[tuple],
                                  report: ImportReport) -> None:
    """For a record of another source than the listing's own: leave out of `plan.changed` what that source
    may not change (see the module), and note what it says now (`plan.say`) for its next import."""
    program, record = plan.program, plan.record
    # What this source says is kept with its identifier, not as the listing's own source's record.
    record.values.pop("import_snapshot", None)
    if "import_snapshot" in plan.changed:
        plan.changed.remove("import_snapshot")
    plan.say = say(record)
    if record.stand_in_organization:
        _keep(plan, ["organization"])  # an HSDS file's organization named after the program: not one
    if not program.source:  # entered by hand: the import only fills its blanks
        # (not with an organization named like the listing: what HSDS publishes for one without)
        if record.organization is not None and record.organization.name == record.name and "organization" in plan.changed:
            plan.changed.remove("organization")
        blanks = {"services": not current_terms, "opening hours": not current_hours,
                  "organization": program.organization_id is None}
        _keep(plan, [key for key in list(plan.changed) if key not in IMPORT_FIELDS and not (
            blanks[key] if key in blanks else _empty(getattr(program, key)))])
        if "latitude" in plan.kept:
            _keep(plan, ["location_approximate"])
    elif plan.via == "match" and not program.import_snapshot:
        # The listing's own source keeps no record of what it wrote (locator rows, HSDS): what the listing
        # holds now is taken as that, so its next import changes only what it changed itself.
        plan.seed = {key: getattr(program, key) for key in SNAPSHOT_FIELDS} | {"terms": sorted(current_terms)}
    if not program.location_approximate and program.latitude is not None and record.values.get("location_approximate"):
        _keep(plan, LOCATION_FIELDS)  # better coordinates than a ZIP code's centre
    keep_changed_by_others(plan, current_terms, report, plan.identifier.snapshot if plan.identifier else {},
                            staff_since=program.import_snapshot if program.source else {})


def keep_changed_by_others(plan: Plan, current_terms: list[int], report: ImportReport, said_before: dict,
                            staff_since: dict | None = None) -> None:
    """Keep what was changed on the listing since the record's source last said it (`said_before`): by
    staff or by another source. Reported only when the source changed its value too, so there is
    something to decide. Without a say of the source yet, keep what staff changed since the listing's
    own source wrote it (`staff_since`)."""
    program, record = plan.program, plan.record
    staff_since = staff_since or {}
    others = {**plan.says, **({program.source: staff_since} if staff_since else {})}
    now = say(record)
    for key in (*SNAPSHOT_FIELDS, "services"):
        said_key = "terms" if key == "services" else key
        if key not in plan.changed:
            continue
        current = sorted(current_terms) if key == "services" else getattr(program, key)
        if said_key in said_before:
            if current == said_before[said_key]:
                continue  # still what this source wrote: its own to change
            _keep(plan, [key])
            if now.get(said_key) == said_before[said_key]:
                continue
        elif said_key in staff_since and current != staff_since[said_key]:
            _keep(plan, [key])
        else:
            continue
        if key in LOCATION_FIELDS:
            continue
        who = whose(current, said_key, others)
        if key == "services":
            text = f"services are kept ({who}); this file says other services."
        else:
            label = field_labels(Program, [key])[0].lower()
            text = f"{label} is kept ({current!r}, {who}); this file says {now.get(said_key)!r}."
        report.warnings.append(f"Row {record.row} «{record.name}»: {text}")


def describe_matches(plans: list[Plan], report: ImportReport) -> None:
    """One line of the report for each record matched to a listing from another source, by row number."""
    writes = not (report.dry_run or report.blocked)
    for plan in plans:
        if plan.match is None:
            continue
        labels = field_labels(Program, [key for key in shown_changes(plan.changed) if key not in IMPORT_FIELDS])
        if labels:
            outcome = f"updated it ({', '.join(labels)})" if writes else f"it will be updated ({', '.join(labels)})"
        else:
            outcome = "it keeps its values"
        kept = field_labels(Program, [key for key in plan.kept if key not in IMPORT_FIELDS])
        if kept:
            outcome += f"; kept what it had: {', '.join(kept)}"
        report.matches.append(Finding(
            plan.record.row, f"matched {listing(plan.match.program)} by {plan.match.how}; {outcome}",
            line=plan.record.line,
        ))
