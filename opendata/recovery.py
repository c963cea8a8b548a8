"""Jobs whose worker died: found, marked failed, and run again once (or given up, their upload deleted).

A task is "running" in the queue from the moment a worker claims it until the worker records how it
ended. A worker that is killed, loses its machine, or loses its database connection in the middle
(PostgreSQL restarted) never records it, and the task would stay "running" for ever. Every worker
looks for such tasks when it starts, after it reconnects, and every minute: a task claimed by the
looking worker itself (which is running nothing at that moment), or one with no sign of life for
SILENT_JOB_AFTER (an import reports progress every second; other tasks take seconds), is dead.

A dead task is marked failed in the queue. A dead import step (which wrote nothing: it runs in one
transaction) is queued again once; if it dies again, it is marked failed with the reason and its
upload deleted. A dead build of the data package is queued again.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from importing.pipeline import ImportReport
from opendata import jobs
from opendata.models import SILENT_JOB_AFTER, DataPackage, ImportJob

logger = logging.getLogger(__name__)

# An import step is run again this many times after its worker died, then it fails.
IMPORT_RETRIES = 1
IMPORT_TASK = jobs.IMPORT_TASK
PACKAGE_TASK = jobs.PACKAGE_TASK
WORKER_LOST = ("The background worker running this job stopped (it was stopped, or lost its database) "
               "before it finished.")


class WorkerLost(Exception):
    """Recorded as the exception of a task whose worker died."""


@dataclass
class Recovered:
    failed_tasks: list[str] = field(default_factory=list)
    retried_imports: list[str] = field(default_factory=list)
    failed_imports: list[str] = field(default_factory=list)
    package_rebuilt: bool = False

    def __bool__(self) -> bool:
        return bool(self.failed_tasks or self.retried_imports or self.failed_imports or self.package_rebuilt)


def _import_job_id(task: DBTaskResult) -> str | None:
    args = (task.args_kwargs or {}).get("args") or []
    return str(args[0]) if task.task_path == IMPORT_TASK and args else None


def _task_is_dead(task: DBTaskResult, *, worker_id: str | None, silent_since: datetime.datetime,
                  import_jobs: dict[str, ImportJob]) -> bool:
    if worker_id and task.worker_ids and task.worker_ids[-1] == worker_id:
        return True  # claimed by the worker that is looking, which is running nothing now
    job = import_jobs.get(_import_job_id(task) or "")
    if job is not None and job.status == ImportJob.Status.RUNNING:
        return job.updated_at < silent_since  # imports report progress every second
    return task.started_at is None or task.started_at < silent_since


def recover_lost_jobs(*, worker_id: str | None = None, now: datetime.datetime | None = None) -> Recovered:
    """Find the jobs whose worker died; mark them failed; run import steps again once, rebuild the package."""
    now = now or timezone.now()
    silent_since = now - SILENT_JOB_AFTER
    recovered = Recovered()
    with transaction.atomic():
        running = list(DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING))
        job_ids = [job_id for task in running if (job_id := _import_job_id(task))]
        import_jobs = {str(job.pk): job for job in ImportJob.objects.filter(pk__in=job_ids)}
        dead = [task for task in running
                if _task_is_dead(task, worker_id=worker_id, silent_since=silent_since, import_jobs=import_jobs)]
        for task in dead:
            task.set_failed(WorkerLost(WORKER_LOST))
            recovered.failed_tasks.append(str(task.pk))
        # Tasks another worker is looking at right now (locked, so skipped above) are alive for this look.
        dead_ids = {task.pk for task in dead}
        still_running = {
            job_id for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path=IMPORT_TASK)
            if task.pk not in dead_ids and (job_id := _import_job_id(task))
        }
        # An import step still "running" with no live task is dead too: its task was recorded as
        # ended (or lost) while the step could not record its own end.
        lost_jobs = ImportJob.objects.select_for_update(skip_locked=True).filter(status=ImportJob.Status.RUNNING)
        for job in lost_jobs:
            if str(job.pk) in still_running:
                continue
            _retry_or_fail(job, now=now, recovered=recovered)
        if any(task.task_path == PACKAGE_TASK for task in dead):
            DataPackage.objects.filter(pk=1).update(stale_since=now)
            jobs.enqueue_package_build(delay=0)
            recovered.package_rebuilt = True
    if recovered:
        logger.warning(
            "Recovered jobs whose worker stopped: %s task(s) marked failed, %s import step(s) queued again, "
            "%s import step(s) failed%s.", len(recovered.failed_tasks), len(recovered.retried_imports),
            len(recovered.failed_imports), ", data package queued for a rebuild" if recovered.package_rebuilt else "",
        )
    return recovered


def _retry_or_fail(job: ImportJob, *, now: datetime.datetime, recovered: Recovered) -> None:
    attempts = int(job.options.get("attempts", 0))
    upload = jobs.upload_path(job.upload_token)
    if attempts < IMPORT_RETRIES and upload.is_file():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.QUEUED, phase="", done=0, total=0, started_at=None, updated_at=now,
            options={**job.options, "attempts": attempts + 1},
        )
        job_id = str(job.pk)
        transaction.on_commit(lambda: jobs.task(IMPORT_TASK).enqueue(job_id))
        recovered.retried_imports.append(job_id)
        return
    report = ImportReport(format=job.format, filename=job.filename, dry_run=job.step != ImportJob.Step.APPLY,
                               strict=job.strict)
    report.errors.append(f"{WORKER_LOST} Nothing was written. Upload the file again.")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, report=jobs.report_to_json(report), finished_at=now, updated_at=now,
    )
    upload.unlink(missing_ok=True)
    recovered.failed_imports.append(str(job.pk))
