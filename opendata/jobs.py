"""Work that never runs inside a web request: building the data package and running staff imports.

The web process only records what is wanted (a row) and enqueues a task (`opendata/tasks.py`);
a worker (`manage.py db_worker`) does the work and records its progress and outcome in the
database, where every app server can read it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import logging
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from importing.formats import get_format
from importing.pipeline import Change, Finding, ImportReport
from opendata.hsds import namespace as hsds_namespace
from opendata.models import DataPackage, ImportJob

logger = logging.getLogger(__name__)

PACKAGE_FOLDER = "package"
# A package marked out of date this long ago without a finished build gets another build queued
# (the first one was lost: a worker's queue emptied by hand, a crash before it started).
REQUEUE_LOST_BUILD_AFTER = datetime.timedelta(minutes=30)
# The progress page shows this many created and updated rows; the stored report keeps no more.
REPORT_ROWS = 25
# Connection that writes job progress outside the job's own transaction (see settings.DATABASES).
PROGRESS_DB = "progress"
# The worker's tasks (opendata.tasks) call this module; it reaches them by name, so that the two do not
# import each other. These names are also the task_path stored with each queued task.
IMPORT_TASK = "opendata.tasks.run_import_job"
PACKAGE_TASK = "opendata.tasks.build_datapackage"


def task(path: str):
    """The background task named `path` (IMPORT_TASK or PACKAGE_TASK), looked up when it is queued."""
    return import_string(path)


# The data package --------------------------------------------------------------------------------


def package_storage():
    return storages["opendata"]


def current_package() -> DataPackage | None:
    return DataPackage.objects.filter(pk=1).first()


def request_package_build(*, delay: float | None = None) -> None:
    """Mark the data package out of date and queue one rebuild, once the current transaction commits.

    Changes made while a rebuild is already queued ride along with it, so a batch of edits (or an
    import) gives one build. `delay` defaults to settings.OPENDATA_PACKAGE_DELAY seconds.
    """
    seconds = settings.OPENDATA_PACKAGE_DELAY if delay is None else delay
    primary = transaction.get_connection(DEFAULT_DB_ALIAS)
    if primary.in_atomic_block:
        for _, callback, _ in primary.run_on_commit:
            if isinstance(callback, _PackageBuildRequest):  # this transaction already asks for one build
                callback.delay = min(callback.delay, seconds)
                return
    transaction.on_commit(_PackageBuildRequest(seconds), using=DEFAULT_DB_ALIAS)


class _PackageBuildRequest:
    """The on-commit callback of request_package_build (one per transaction, however many changes it holds)."""

    def __init__(self, delay: float):
        self.delay = delay

    def __call__(self) -> None:
        now = timezone.now()
        with contextlib.suppress(IntegrityError):  # created at the same moment by another process
            DataPackage.objects.get_or_create(pk=1)
        waiting = Q(stale_since__isnull=False) & Q(stale_since__gt=now - REQUEUE_LOST_BUILD_AFTER)
        if DataPackage.objects.filter(pk=1).exclude(waiting).update(stale_since=now):
            enqueue_package_build(delay=self.delay)


def enqueue_package_build(*, delay: float | None = None) -> None:
    seconds = settings.OPENDATA_PACKAGE_DELAY if delay is None else delay
    build = task(PACKAGE_TASK)
    if seconds > 0 and build.get_backend().supports_defer:
        build = build.using(run_after=timezone.now() + datetime.timedelta(seconds=seconds))
    build.enqueue()


def build_package() -> DataPackage:
    """Write the package from one consistent snapshot of the database and publish it in place of the old one."""
    from directory.models import Program
    from opendata.package import write_package

    storage = package_storage()
    with contextlib.suppress(IntegrityError):
        DataPackage.objects.get_or_create(pk=1)
    hsds_namespace()  # read (or make) the identifier namespace before the read-only snapshot below
    # Changes from now on mark the package stale again and queue the next build.
    DataPackage.objects.filter(pk=1).update(stale_since=None)
    started = timezone.now().replace(microsecond=0)
    with tempfile.TemporaryFile() as spool:
        snapshot = not connection.in_atomic_block
        with transaction.atomic():
            if snapshot:  # every table read at the same instant, even while an import commits
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            programs = Program.objects.public().count()
            write_package(spool)
        digest = hashlib.sha256()
        while chunk := spool.read(1024 * 1024):
            digest.update(chunk)
        size = spool.tell()
        spool.seek(0)
        name = f"{PACKAGE_FOLDER}/hsds-datapackage-{digest.hexdigest()[:24]}.zip"
        if not storage.exists(name):
            name = storage.save(name, File(spool, name=Path(name).name))
    previous = DataPackage.objects.get(pk=1).file_name
    DataPackage.objects.filter(pk=1).update(
        file_name=name, etag=f'"{digest.hexdigest()[:32]}"', size=size, programs=programs, built_at=started
    )
    if previous and previous != name:
        try:
            storage.delete(previous)
        except OSError:
            logger.warning("Could not delete the previous data package %s", previous)
    logger.info("Data package built: %s programs, %s bytes", programs, size)
    return DataPackage.objects.get(pk=1)


# Staff imports -----------------------------------------------------------------------------------


def upload_dir() -> Path:
    """Where uploads wait for their jobs: a folder the web servers and the workers share."""
    folder = Path(getattr(settings, "OPENDATA_UPLOAD_DIR", "") or settings.BASE_DIR / "var" / "uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def upload_path(token: str) -> Path:
    return upload_dir() / f"{token}.upload"


def run_importer(*, path: Path, format: str, filename: str, dry_run: bool, strict: bool = False, user=None,
                 progress=None, options: dict | None = None) -> ImportReport:
    """Run the import format named `format` (every usable row, or with `strict` all or nothing), with
    the options stored with its job.

    An unexpected failure becomes a report, not a crash.
    """
    try:
        chosen = get_format(format)
        return chosen.run(source=path, filename=filename, dry_run=dry_run, strict=strict,
                          user=user, progress=progress, **chosen.run_options(options or {}))
    except (OperationalError, InterfaceError):  # the database went away: the worker recovers the job
        raise
    except Exception:  # staff must get a page, whatever the file holds
        logger.exception("Import of %s (%s) failed", filename, format)
        report = ImportReport(format=format, filename=filename, dry_run=dry_run, strict=strict)
        report.errors.append(
            "The file could not be imported because of an unexpected error (it has been logged). "
            "Nothing was written. Check that the format chosen matches the file."
        )
        return report


def report_to_json(report: ImportReport) -> dict:
    data = dataclasses.asdict(report)
    shown = report.changes_by("create")[:REPORT_ROWS] + report.changes_by("update")[:REPORT_ROWS]
    data["changes"] = [dataclasses.asdict(change) for change in shown]
    return data


def report_from_json(data: dict) -> ImportReport:
    data = dict(data)
    if "skip_invalid" in data:  # a report stored before imports kept usable rows by default
        data["strict"] = not data.pop("skip_invalid")
    return ImportReport(**{
        **data,
        "rejected": [Finding(**finding) for finding in data.get("rejected", [])],
        "fixed": [Finding(**finding) for finding in data.get("fixed", [])],
        "matches": [Finding(**finding) for finding in data.get("matches", [])],
        "possible_duplicates": [Finding(**finding) for finding in data.get("possible_duplicates", [])],
        "changes": [Change(**{**change, "fields": tuple(change.get("fields", ()))}) for change in data.get("changes", [])],
    })


def queue_import(*, user, token: str, filename: str, format: str, step: str, strict: bool = False,
                 preview: ImportJob | None = None, options: dict | None = None) -> ImportJob:
    """Record an import step and queue it for a worker (after the current transaction commits)."""
    job = ImportJob.objects.create(
        user=user, step=step, filename=filename, format=format, upload_token=token, strict=strict,
        preview=preview, options=options or {},
    )
    transaction.on_commit(lambda: task(IMPORT_TASK).enqueue(str(job.pk)), using=DEFAULT_DB_ALIAS)
    return job


class ProgressRecorder:
    """The importer's progress callback: at most one database write a second, outside the import's transaction."""

    def __init__(self, job_id: uuid.UUID, *, every: float = 1.0):
        self.job_id = job_id
        self.every = every
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done != total:
            return
        self.last = now
        try:
            ImportJob.objects.using(PROGRESS_DB).filter(pk=self.job_id).update(
                phase=phase, done=done, total=total, updated_at=timezone.now()
            )
        except Exception:  # progress is a courtesy: never let it break the import
            logger.warning("Could not record the progress of import job %s", self.job_id, exc_info=True)


def run_import_job(job_id: str) -> str:
    """Run one queued import step and record its report. Returns the job's final status."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:  # already run (or never existed): running an import twice is never wanted
        return "skipped"
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    path = upload_path(job.upload_token)
    applying = job.step == ImportJob.Step.APPLY
    try:
        if path.is_file():
            report = run_importer(
                path=path, format=job.format, filename=job.filename, dry_run=not applying,
                strict=job.strict, user=job.user if applying else None, progress=ProgressRecorder(job.pk),
                options=job.options,
            )
        else:
            report = ImportReport(format=job.format, filename=job.filename, dry_run=not applying)
            report.errors.append("The uploaded file is no longer available (it expired or was removed). Upload it again.")
    except (OperationalError, InterfaceError):
        # The database went away: the job stays "running" with its upload, and the worker marks it
        # failed and runs it again once it reconnects (opendata/recovery.py).
        raise
    except BaseException:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
        path.unlink(missing_ok=True)
        raise
    if applying or report.errors:
        path.unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, report=report_to_json(report), finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return ImportJob.Status.DONE
