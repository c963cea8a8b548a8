"""`manage.py db_worker`: django-tasks' database worker, made to outlive a PostgreSQL restart.

django-tasks-db's worker stops with a traceback when a query fails because the database went away
(a restart, a failover, a network cut), and leaves the task it was running "running" for ever. This
one waits for the database to answer again, reconnects and carries on; the task it lost, and any
task whose worker died elsewhere, is marked failed and its import run again (opendata/recovery.py).
"""
from __future__ import annotations

import logging
import random
import time

from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from opendata.recovery import recover_lost_jobs

logger = logging.getLogger("django_tasks_db")

# What a lost database connection raises (psycopg's errors come wrapped in these by Django).
CONNECTION_ERRORS = (OperationalError, InterfaceError)
# The same, as the queue records the exception of a task that ended with one.
CONNECTION_ERROR_PATHS = {f"{error.__module__}.{error.__qualname__}" for error in CONNECTION_ERRORS}
# Seconds between looks for jobs whose worker died.
RECOVER_EVERY = 60.0
# Seconds between attempts to reach the database again: doubling from the first to the last.
RECONNECT_FIRST, RECONNECT_MOST = 0.5, 5.0


def close_every_connection() -> None:
    """Forget every connection (they are broken); the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None


def database_answers() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        close_every_connection()
        return False


class Worker(db_worker.Worker):
    """The database worker, with reconnection and recovery of lost jobs."""

    recover_soon = False

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED and (
            db_task_result.exception_class_path in CONNECTION_ERROR_PATHS
        ):  # the database went away and came back while the task ran: recover what it left at once
            self.recover_soon = True

    def wait_for_database(self, error: BaseException) -> None:
        logger.warning("The database cannot be reached (%s): waiting for it, then carrying on.", type(error).__name__)
        close_every_connection()
        pause = RECONNECT_FIRST
        while self.running and not database_answers():
            time.sleep(pause)
            pause = min(pause * 2, RECONNECT_MOST)
        if self.running:
            logger.warning("The database answers again: worker %s carries on.", self.worker_id)

    def recover(self) -> None:
        try:
            recover_lost_jobs(worker_id=self.worker_id)
        except CONNECTION_ERRORS:
            raise
        except DatabaseError:  # a look that failed is tried again at the next one
            logger.exception("Could not look for jobs whose worker stopped")

    def run_one(self) -> bool | None:
        """Claim and run one ready task: True when one ran, False when none was ready, None when the
        queue could not be read (a locked SQLite database)."""
        close_old_connections()  # drop dropped or expired connections right after waking up
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)  # so that no other worker runs it
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                return None
        if task_result is None:
            return False
        self.run_task(task_result)
        close_old_connections()
        return True

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 (spreads the start of many workers)
        next_recovery = 0.0
        while self.running:
            if self.recover_soon:
                next_recovery, self.recover_soon = 0.0, False
            try:
                if time.monotonic() >= next_recovery:
                    self.recover()
                    next_recovery = time.monotonic() + RECOVER_EVERY
                ran = self.run_one()
            except CONNECTION_ERRORS as error:
                if not self.running:
                    return
                self.wait_for_database(error)
                next_recovery = 0.0  # what was running when the database went away is recovered first
                continue
            if self.batch and ran is False:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Run maximum tasks (%d) on worker=%s - exiting gracefully.", self._run_tasks,
                            self.worker_id)
                return
            if self.running and not ran:
                time.sleep(self.interval)


class Command(db_worker.Command):
    help = ("Run the background worker: staff imports and the data package. It waits for the database when "
            "it goes away and carries on; jobs whose worker stopped are marked failed and imports run again once.")

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = Worker  # the parent's handle() builds its worker from the module's class
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
