"""The background worker outlives its database: PostgreSQL restarts, the worker reconnects and carries on.

A job whose worker died (killed, or its database restarted under it) is marked failed in the queue
and its import run again once; an import that dies again fails with the reason and its upload is
deleted. The restart runs against a PostgreSQL server of the test's own (tests/portal/pg_cluster.py),
never the machine's shared server.
"""
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.utils import timezone

from directory.models import Program
from opendata import tasks
from opendata.models import ImportJob
from tests.opendata.test_worker_process import wait_for
from tests.portal.pg_cluster import ClusterError, start_cluster

pytestmark = pytest.mark.real_clock  # it starts other processes, which the suite clock does not move

ROOT = Path(__file__).resolve().parents[2]


def samhsa_rows(count: int, prefix: str) -> bytes:
    return json.dumps([
        {"frid": f"{prefix}-{n}", "name1": f"{prefix.title()} Clinic {n}", "street1": f"{n} Main St",
         "city": "Charlottesville", "state": "VA", "zip": "22902", "phone": "434-555-0100",
         "latitude": "38.03", "longitude": "-78.48", "services": []}
        for n in range(count)
    ]).encode()


def worker_env(database_url: str, tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PORTAL_ALLOW_INSECURE_KEY": "1",
        "OPENDATA_UPLOAD_DIR": str(tmp_path / "uploads"),
        "OPENDATA_PACKAGE_DIR": str(tmp_path / "package"),
        "OPENDATA_PACKAGE_DELAY": "0",
        "PORTAL_ENV_FILE": "/nonexistent",
        "PYTHONWARNINGS": "ignore",
    }


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w+")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    process.log = log
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.close()


# A job whose worker died: found when the next worker starts ---------------------------------------


def a_running_job(*, step: str, silent_for: datetime.timedelta, upload: bytes | None, worker: str,
                  options: dict | None = None, upload_dir: Path) -> ImportJob:
    """An import step a worker claimed and started, with its last sign of life `silent_for` ago."""
    token = f"t{int(time.monotonic() * 1e6)}"
    if upload is not None:
        upload_dir.mkdir(parents=True, exist_ok=True)
        (upload_dir / f"{token}.upload").write_bytes(upload)
    last_seen = timezone.now() - silent_for
    job = ImportJob.objects.create(
        step=step, status=ImportJob.Status.RUNNING, filename="rows.json", format="samhsa-json", upload_token=token,
        options=options or {}, phase="write", done=1, total=3, started_at=last_seen, updated_at=last_seen,
    )
    task = tasks.run_import_job.enqueue(str(job.pk))
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task.id).update(status="RUNNING", started_at=last_seen, worker_ids=[worker])
    job.task_id = task.id
    return job


@pytest.mark.django_db(transaction=True)
def test_jobs_whose_worker_died_are_failed_and_run_again_when_a_worker_starts(request, tmp_path, settings):
    from django_tasks_db.models import DBTaskResult

    upload_dir = tmp_path / "uploads"
    settings.OPENDATA_UPLOAD_DIR = str(upload_dir)
    # Killed ten minutes ago in the middle of an import: run again.
    killed = a_running_job(step="apply", silent_for=datetime.timedelta(minutes=11), upload=samhsa_rows(3, "revived"),
                           worker="killed-worker", upload_dir=upload_dir)
    # Died once already, and again: failed for good, its upload deleted.
    twice = a_running_job(step="preview", silent_for=datetime.timedelta(minutes=30), upload=samhsa_rows(2, "twice"),
                          worker="killed-worker", options={"attempts": 1}, upload_dir=upload_dir)
    # Another worker's import that reported progress a minute ago: alive, left alone.
    alive = a_running_job(step="apply", silent_for=datetime.timedelta(minutes=1), upload=samhsa_rows(2, "alive"),
                          worker="busy-worker", upload_dir=upload_dir)

    from tests.opendata.test_worker_process import database_url

    worker = start_worker({**worker_env(database_url(), tmp_path), "OPENDATA_PACKAGE_DIR": settings.STORAGES[
        "opendata"]["OPTIONS"]["location"]}, tmp_path / "worker.log")
    request.addfinalizer(lambda: stop_worker(worker))

    wait_for(lambda: ImportJob.objects.get(pk=killed.pk).status == "done", "the killed import to run again", worker)
    assert Program.objects.filter(name__startswith="Revived Clinic").count() == 3
    assert ImportJob.objects.get(pk=killed.pk).options["attempts"] == 1

    failed = ImportJob.objects.get(pk=twice.pk)
    assert failed.status == "failed"
    assert "stopped" in failed.report["errors"][0] and "Nothing was written" in failed.report["errors"][0]
    assert not (upload_dir / f"{twice.upload_token}.upload").exists()

    lost = DBTaskResult.objects.filter(pk__in=[killed.task_id, twice.task_id])
    assert set(lost.values_list("status", flat=True)) == {"FAILED"}
    assert set(lost.values_list("exception_class_path", flat=True)) == {"opendata.recovery.WorkerLost"}

    assert ImportJob.objects.get(pk=alive.pk).status == "running"
    assert DBTaskResult.objects.get(pk=alive.task_id).status == "RUNNING"
    assert worker.poll() is None


# A PostgreSQL restart under a running worker -------------------------------------------------------


@pytest.fixture(scope="module")
def private_server():
    """A PostgreSQL server of this module's own, with the portal migrated into its `portal` database."""
    try:
        cluster = start_cluster(replicas=0, prefix="portal-worker-pg-")
    except ClusterError as error:
        pytest.fail(f"cannot start a throwaway PostgreSQL server: {error}")
    try:
        with psycopg.connect(cluster.primary.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal")
        env = worker_env(cluster.primary.url("portal"), Path(cluster.root))
        result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        yield cluster
    finally:
        cluster.destroy()


QUEUE_IMPORT = """
import os, sys, uuid
import django
django.setup()
from django.db import transaction
from opendata import jobs
token = uuid.uuid4().hex
jobs.upload_path(token).write_bytes(sys.stdin.buffer.read())
with transaction.atomic():
    job = jobs.queue_import(user=None, token=token, filename="rows.json", format="samhsa-json", step="apply")
print(job.pk)
"""


def queue_import(env: dict, rows: bytes) -> str:
    result = subprocess.run([sys.executable, "-c", QUEUE_IMPORT], cwd=ROOT, env=env, input=rows,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    return result.stdout.decode().strip().splitlines()[-1]


def query(cluster, sql: str, params=()) -> list[tuple]:
    try:
        with psycopg.connect(cluster.primary.url("portal"), autocommit=True, connect_timeout=2) as conn:
            return conn.execute(sql, params).fetchall()
    except psycopg.OperationalError:
        return []


def restart(cluster) -> None:
    cluster.stop(cluster.primary, mode="fast")  # every connection is cut, as in a real restart
    time.sleep(1)
    cluster.start(cluster.primary)


def test_the_worker_reconnects_after_a_postgresql_restart_and_runs_the_lost_import_again(private_server, tmp_path):
    cluster = private_server
    env = worker_env(cluster.primary.url("portal"), tmp_path)
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        rows = 6000
        job_id = queue_import(env, samhsa_rows(rows, "restart"))

        def writing():
            found = query(cluster, "SELECT phase, done FROM opendata_importjob WHERE id = %s", [job_id])
            return found and found[0][0] == "write" and found[0][1] > 0

        wait_for(writing, "the import to start writing", worker, timeout=240)
        restart(cluster)  # PostgreSQL restarts in the middle of the import

        def status():
            found = query(cluster, "SELECT status FROM opendata_importjob WHERE id = %s", [job_id])
            return found[0][0] if found else None

        wait_for(lambda: status() == "done", "the import to run again after the restart", worker, timeout=300)
        assert query(cluster, "SELECT count(*) FROM directory_program")[0][0] == rows
        tasks_seen = query(cluster, "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
                                    "WHERE task_path = 'opendata.tasks.run_import_job' ORDER BY enqueued_at")
        # The lost run is failed: by the worker as it lost the database, or by the recovery when it could not say.
        assert [status for status, _ in tasks_seen] == ["FAILED", "SUCCESSFUL"]
        assert tasks_seen[0][1] in {"opendata.recovery.WorkerLost", "django.db.utils.OperationalError",
                                    "django.db.utils.InterfaceError"}
        assert query(cluster, "SELECT options->>'attempts' FROM opendata_importjob WHERE id = %s", [job_id]) == [("1",)]

        # Restarted again while idle: the same worker takes the next job.
        restart(cluster)
        second = queue_import(env, samhsa_rows(3, "after"))
        wait_for(lambda: query(cluster, "SELECT status FROM opendata_importjob WHERE id = %s", [second]) == [("done",)],
                 "the next import after a second restart", worker, timeout=120)
        assert worker.poll() is None, "the worker stopped"
        worker.log.seek(0)
        log = worker.log.read()
        assert "The database cannot be reached" in log and "The database answers again" in log
        assert not list((tmp_path / "uploads").glob("*.upload"))  # imported uploads are deleted
    finally:
        stop_worker(worker)
