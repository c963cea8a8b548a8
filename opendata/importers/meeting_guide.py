"""Import a Meeting Guide JSON feed of support-group meetings through the staff import page.

The checking and writing are the meetings app's own (`meetings.importers.decode_feed`, `parse_feed`
and `save_records`, as the `import_meeting_guide` command uses them); this module only reads the
file within the import size cap and turns the outcome into an `ImportReport` the page can show.
A dry run writes inside a transaction, counts, and rolls back.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from meetings import importers
from meetings.models import Fellowship, Meeting
from opendata.importers.base import (
    IMPORT_LOCK_KEY,
    Change,
    ImportFileError,
    ImportReport,
    Progress,
    Rejection,
    read_source,
)
from places import timezones

FORMAT_MEETING_GUIDE = "meeting-guide"
_PHASES = {"checked": "check", "saved": "write"}


def _source_name(source: Any, filename: str, source_name: str | None) -> str:
    if source_name:
        return source_name
    if filename:
        return importers.source_name(filename)
    if isinstance(source, (str, Path)):
        return importers.source_name(str(source))
    return "feed"


def import_meeting_guide(
    *,
    source: Any,
    filename: str = "",
    format: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    user=None,
    fellowship_slug: str = "aa",
    source_name: str | None = None,
) -> ImportReport:
    """Import a Meeting Guide feed (a path, bytes or an upload) as meetings of `fellowship_slug`.

    Meetings are matched by the source name (by default derived from the file name) and each row's
    slug, so importing the same feed again changes nothing. Nothing is written for a dry run, for a
    file that is not a JSON list, or when rows are rejected and `skip_invalid` is not set (the
    counts then say what importing would do).
    Each meeting created or changed gets an admin history entry in the name of `user`.
    """
    report = ImportReport(format=format or FORMAT_MEETING_GUIDE, filename=filename, dry_run=dry_run,
                          skip_invalid=skip_invalid)
    step = (lambda phase, done, total: progress(_PHASES.get(phase, phase), done, total)) if progress else None

    zone = settings.TIME_ZONE
    if not timezones.is_zone(zone):
        report.errors.append(f"The portal's time zone {zone!r} is not an IANA time zone name.")
        return report
    fellowship = Fellowship.objects.filter(
        Q(slug__iexact=fellowship_slug) | Q(abbreviation__iexact=fellowship_slug)
    ).first()
    if fellowship is None:
        report.errors.append(f"There is no fellowship {fellowship_slug!r} to import the meetings into.")
        return report
    name = _source_name(source, filename, source_name)

    try:
        rows = importers.decode_feed(read_source(source))
    except (ImportFileError, importers.FeedError) as error:
        report.errors.append(str(error))
        return report

    parsed = importers.parse_feed(rows, default_timezone=zone, progress=step)
    report.total = parsed.total_rows
    report.rejected = [Rejection(row=problem.row, reason=problem.message, label=problem.slug)
                       for problem in parsed.errors]
    report.warnings = [str(problem) for problem in parsed.warnings]
    report.warnings += [f"Skipped: {problem}" for problem in parsed.skipped]
    for code, numbers in sorted(parsed.unknown_types.items()):
        report.warnings.append(f"Type code {code!r} is not in the Meeting Guide list: kept with the meeting but "
                               f"not searchable (rows {', '.join(map(str, numbers))}).")
    if parsed.not_attendable_rows:
        report.warnings.append(
            "No street address and no conference link or phone: imported, but not listed on the finder "
            f"(rows {', '.join(map(str, parsed.not_attendable_rows))})."
        )
    write = not dry_run and not report.blocked
    with transaction.atomic():  # a dry run, or a blocked import, counts what it would do and rolls back
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        known = _known_slugs(name, [record.source_slug for record in parsed.records])
        counts = importers.save_records(parsed.records, source=name, fellowship=fellowship, progress=step, user=user)
        if write:
            report.applied = True
        else:
            transaction.set_rollback(True)
    report.created, report.updated, report.unchanged = counts["created"], counts["updated"], counts["unchanged"]
    report.changes = [Change("create", record.row, record.values["name"])
                      for record in parsed.records if record.source_slug not in known]
    if counts["missing_from_feed"]:
        report.warnings.append(
            f"{counts['missing_from_feed']} meetings imported earlier from {name!r} are not in this feed; "
            "they were left as they are (close them in the admin if they have ended)."
        )
    return report


def _known_slugs(source: str, slugs: list[str]) -> set[str]:

    return set(Meeting.objects.filter(source=source, source_slug__in=slugs).values_list("source_slug", flat=True))
