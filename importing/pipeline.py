"""The one import pipeline: read the whole file, check every row, plan, then apply in one transaction.

1. A *parser* (one per source format) turns the file into records and per-row findings without
   writing anything: `Finding`s that were fixed on the way (a warning with the row number) and rows
   that are rejected (no usable record). A file that is not of the format at all raises
   `ImportFileError` and nothing else happens.
2. A *planner* compares each record with what the database holds (matched by source and source
   identifier) and fills the report's counts and changes.
3. A *writer* applies the plan. `run_pipeline` calls it inside one `transaction.atomic()` under a
   PostgreSQL advisory lock (two imports never write at once), then records an admin history entry
   for every listing created or changed.

Without `strict`, every usable row is applied and the rejected ones are reported by number; with
`strict`, one rejected row stops the whole import. A dry run plans and reports, and writes nothing.
Everything is keyword-only so that a command, the staff page and a background job run it alike.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from portal.admin_tools import history_user, record_history  # noqa: F401 (history_user: for callers)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
PROGRESS_EVERY = 500
# Key of the PostgreSQL advisory lock that keeps two imports from writing at once.
IMPORT_LOCK_KEY = 0x6F70656E

# progress(phase, done, total): phase is "read", "check" or "write".
Progress = Callable[[str, int, int], None]


def max_import_bytes() -> int:
    """The largest file an import accepts (settings.OPENDATA_MAX_IMPORT_BYTES, 50 MB by default)."""
    return int(getattr(settings, "OPENDATA_MAX_IMPORT_BYTES", DEFAULT_MAX_BYTES))


def describe_size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


class ImportFileError(Exception):
    """The file as a whole cannot be used: too big, not UTF-8, broken JSON, wrong columns, not a list."""


@dataclass(frozen=True)
class Finding:
    """Something about one row of the file: why it is rejected, or what was fixed to keep it."""

    row: int
    reason: str
    label: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f" (line {self.line})" if self.line else "")
        if self.label:
            where += f" «{self.label}»"
        return f"{where}: {self.reason}"


Rejection = Finding  # a rejected row is a Finding listed in ImportReport.rejected


@dataclass(frozen=True)
class Change:
    """What applying the file does to one listing."""

    action: str  # "create", "update", "unchanged" or "matched" (already listed under another source)
    row: int
    name: str
    fields: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """The outcome of an import or of its dry run."""

    format: str
    filename: str = ""
    dry_run: bool = False
    strict: bool = False  # True: one rejected row stops the whole import
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    matched: int = 0
    organizations_created: int = 0
    rejected: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    # Records matched to a listing from another source (the same facility), and records listed
    # separately that may be one already listed: each a row number and a sentence for staff.
    matches: list[Finding] = field(default_factory=list)
    possible_duplicates: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    applied: bool = False
    noun: str = "records"

    @property
    def blocked(self) -> bool:
        """Nothing may be written: the file is unusable, or rows were rejected in a strict import."""
        return bool(self.errors) or (bool(self.rejected) and self.strict)

    @property
    def fixed_rows(self) -> int:
        return len({finding.row for finding in self.fixed})

    def summary(self) -> str:
        if self.errors:
            return "The file was rejected; nothing was imported."
        counts = (
            f"{self.total} {self.noun}: {self.created} to create, {self.updated} to update, "
            f"{self.unchanged} unchanged"
            + (f", {self.matched} already listed" if self.matched else "")
            + f", {len(self.rejected)} rejected"
            + (f"; {len(self.matches)} matched a listing from another source" if self.matches else "")
            + (f"; {len(self.possible_duplicates)} possible duplicates" if self.possible_duplicates else "")
        )
        if self.applied:
            return counts.replace(" to create", " created").replace(" to update", " updated") + "."
        if self.blocked:
            return f"{counts}. Nothing was imported: a strict import stops at any rejected row."
        return f"{counts}. Dry run: nothing was written."

    def changes_by(self, action: str) -> list[Change]:
        return [change for change in self.changes if change.action == action]


@dataclass
class ParsedFile:
    """Everything a parser read from a file, before any comparison with the database."""

    records: list = field(default_factory=list)
    rejected: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total: int = 0


# What a writer returns for the history: (listing, ADDITION or CHANGE, message).
HistoryEntry = tuple[Any, int, str]


# Reading files ---------------------------------------------------------------------------------


def read_source(source: Any, *, max_bytes: int | None = None) -> bytes:
    """Read a path, bytes or a file object (such as a Django upload), refusing files over the size cap."""
    limit = max_import_bytes() if max_bytes is None else max_bytes
    too_big = (
        "The file is {size}; the largest file an import accepts is {limit}. "
        "Split it into smaller files and import them one after the other."
    )
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as error:
            raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from None
        if size > limit:
            raise ImportFileError(too_big.format(size=describe_size(size), limit=describe_size(limit)))
        data = path.read_bytes()
    else:
        size = getattr(source, "size", None)
        if size is not None and size > limit:
            raise ImportFileError(too_big.format(size=describe_size(size), limit=describe_size(limit)))
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(too_big.format(size=f"over {describe_size(limit)}", limit=describe_size(limit)))
    return data


def decode_text(data: bytes, *, name: str = "The file") -> str:
    """Decode UTF-8 (with or without a byte-order mark), naming the lines that are not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            bad.append(f"line {number} (byte 0x{line[error.start]:02x})")
        if len(bad) >= 5:
            break
    raise ImportFileError(
        f"{name} is not UTF-8 text: {', '.join(bad)}. Save it as UTF-8 (in a spreadsheet: "
        "'CSV UTF-8') and upload it again."
    )


def report_progress(progress: Progress | None, done: int, total: int, phase: str = "read") -> None:
    if progress and (done % PROGRESS_EVERY == 0 or done == total):
        progress(phase, done, total)


# Running an import -----------------------------------------------------------------------------


def run_pipeline(
    *,
    report: ImportReport,
    parse: Callable[[], ParsedFile],
    plan: Callable[[list, ImportReport, Progress | None], Any],
    write: Callable[[Any, ImportReport, Progress | None], Sequence[HistoryEntry]],
    progress: Progress | None = None,
    user=None,
) -> ImportReport:
    """Parse the whole file, plan it, then apply the plan in one transaction (unless blocked or a dry run).

    `plan(records, report, progress)` compares the records with the database and fills in the
    report; `write(plans, report, progress)` applies them and returns the history entries, written
    in the name of `user` (the staff member who uploaded the file) or of the inactive "data-import"
    account.
    """
    try:
        parsed = parse()
    except ImportFileError as error:
        report.errors.append(str(error))
        return report
    report.total = parsed.total
    report.rejected = list(parsed.rejected)
    report.fixed = list(parsed.fixed)
    report.warnings = list(parsed.warnings) + [str(finding) for finding in parsed.fixed]
    if report.dry_run or report.blocked:
        plan(parsed.records, report, progress)
        return report
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        plans = plan(parsed.records, report, progress)
        history = write(plans, report, progress)
        record_history(history, user=user)
        report.applied = True
    return report
