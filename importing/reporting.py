"""Output shared by the import commands: progress while working, then the report."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from importing.pipeline import ImportReport

PHASES = {"read": "Checked", "check": "Compared", "write": "Wrote"}
LISTED = 10


def progress_printer(command: BaseCommand):
    """A progress callback writing 'Checked 500/2000 records' lines (only for files over 500 records)."""
    def progress(phase: str, done: int, total: int) -> None:
        if total >= 500:
            command.stdout.write(f"  {PHASES.get(phase, phase)} {done}/{total} records")
    return progress


def write_report(command: BaseCommand, report: ImportReport, verbosity: int, *, strict_option: str = "") -> None:
    """Print the report; raise CommandError when the file was refused or rejected rows blocked the import."""
    for warning in report.warnings[: None if verbosity >= 2 else LISTED]:
        command.stdout.write(command.style.WARNING(f"Warning: {warning}"))
    if verbosity < 2 and len(report.warnings) > LISTED:
        command.stdout.write(command.style.WARNING(
            f"... and {len(report.warnings) - LISTED} more warnings (use -v 2 to list them)."))
    for rejection in report.rejected:
        command.stdout.write(command.style.ERROR(f"Rejected: {rejection}"))
    if verbosity >= 2:
        for change in report.changes:
            if change.action != "unchanged":
                fields = f" ({', '.join(change.fields)})" if change.fields else ""
                command.stdout.write(f"  {change.action}: row {change.row} {change.name}{fields}")
    if report.errors:
        raise CommandError(" ".join(report.errors))
    if report.blocked:
        hint = (f"Fix them, or run again without {strict_option} to import the others." if strict_option
                else "Fix them, or run again with --skip-invalid to import the others.")
        raise CommandError(
            f"{len(report.rejected)} of {report.total} {report.noun} were rejected, so nothing was imported. {hint}"
        )
    style = command.style.SUCCESS if report.applied else command.style.NOTICE
    command.stdout.write(style(report.summary()))
    if report.fixed:
        command.stdout.write(f"Fixed and kept: {report.fixed_rows} {report.noun} (warnings above).")
    if report.organizations_created:
        verb = "created" if report.applied else "to create"
        command.stdout.write(f"Organizations {verb}: {report.organizations_created}.")
