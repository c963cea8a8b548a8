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


def warn_skip_invalid(command: BaseCommand, options: dict) -> None:
    """Say that --skip-invalid (still accepted so old scripts run) is what an import does by default now."""
    if options.get("skip_invalid"):
        if options.get("strict"):
            raise CommandError("--skip-invalid and --strict contradict each other: choose one.")
        command.stderr.write("--skip-invalid is no longer needed: usable rows are imported by default "
                             "(use --strict for all or nothing).")


def write_report(command: BaseCommand, report: ImportReport, verbosity: int, *, hint: str = "") -> None:
    """Print the report; raise CommandError when the file was refused, rejected rows blocked the import,
    or every row was rejected (then `hint`, one line naming the option that would help, follows)."""
    fixes = [str(finding) for finding in report.fixed]
    shown = set(fixes)
    others = [warning for warning in report.warnings if warning not in shown]
    for kind, lines in (("Fixed", fixes), ("Warning", others)):
        for line in lines[: None if verbosity >= 2 else LISTED]:
            command.stdout.write(command.style.WARNING(f"{kind}: {line}"))
        if verbosity < 2 and len(lines) > LISTED:
            command.stdout.write(command.style.WARNING(
                f"... and {len(lines) - LISTED} more {'fixes' if kind == 'Fixed' else 'warnings'} (use -v 2 to list them)."))
    for rejection in report.rejected:
        command.stdout.write(command.style.ERROR(f"Rejected: {rejection}"))
    for match in report.matches:
        command.stdout.write(f"Matched: {match}")
    for doubt in report.possible_duplicates:
        command.stdout.write(command.style.WARNING(f"Possible duplicate: {doubt}"))
    if verbosity >= 2:
        for change in report.changes:
            if change.action != "unchanged":
                fields = f" ({', '.join(change.fields)})" if change.fields else ""
                command.stdout.write(f"  {change.action}: row {change.row} {change.name}{fields}")
    if report.errors:
        raise CommandError(" ".join(report.errors))
    if report.blocked:
        raise CommandError(
            f"{len(report.rejected)} of {report.total} {report.noun} were rejected, so nothing was imported "
            "(--strict). Fix them, or run again without --strict to import the others."
        )
    if report.total and len(report.rejected) >= report.total:
        raise CommandError(
            f"All {report.total} {report.noun} were rejected, so nothing was imported." + (f" {hint}" if hint else "")
        )
    style = command.style.SUCCESS if report.applied else command.style.NOTICE
    command.stdout.write(style(report.summary()))
    if report.fixed:
        command.stdout.write(f"Fixed and kept: {report.fixed_rows} {report.noun} (listed above).")
    if report.organizations_created:
        verb = "created" if report.applied else "to create"
        command.stdout.write(f"Organizations {verb}: {report.organizations_created}.")
