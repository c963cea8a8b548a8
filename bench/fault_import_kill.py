"""Kill an import with SIGKILL while it writes, and check that the database is exactly as before.

    .venv/bin/python bench/fault_import_kill.py [--rows 2000]

A SAMHSA locator file of --rows new programs is queued as a staff import job; a real worker
(`manage.py db_worker`) runs it. As soon as the job's progress (recorded through its own
connection) says it is writing programs, the worker is killed with SIGKILL. The script then
compares a fingerprint of every table an import touches with the one taken before, checks that
no lock is left behind, and runs the same import again to completion with a new worker.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import ROOT, bench_cluster, common_arguments, database_url, prepare_data, say, server_env

TABLES = ["directory_program", "directory_organization", "directory_openinghours", "directory_program_terms",
          "django_admin_log"]


def fingerprint(cursor) -> dict:
    found = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t")
        found[table] = cursor.fetchone()
    return found


def locator_rows(count: int) -> list[dict]:
    return [
        {"frid": f"bench-kill-{n}", "name1": f"Kill Test Recovery Clinic {n}", "street1": f"{n} Main St",
         "city": "Charlottesville", "state": "VA", "zip": "22902", "phone": f"434-555-01{n % 100:02d}",
         "latitude": "38.03", "longitude": "-78.48", "services": []}
        for n in range(count)
    ]


def start_worker(url: str, uploads: str) -> subprocess.Popen:
    env = server_env(url, OPENDATA_UPLOAD_DIR=uploads)
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay",
                             "--no-reload"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common_arguments(parser)
    parser.add_argument("--rows", type=int, default=2000, help="Programs in the imported file (default 2,000).")
    args = parser.parse_args()
    uploads = tempfile.mkdtemp(prefix="portal-bench-uploads-")
    os.environ["OPENDATA_UPLOAD_DIR"] = uploads

    with bench_cluster(args.cluster_dir) as cluster:
        prepare_data(cluster, args.programs)
        url = database_url(cluster)
        from django.db import connection

        from opendata.jobs import queue_import, upload_path

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM directory_program WHERE source_id LIKE 'bench-kill-%%'")  # an earlier run's
            cursor.execute("VACUUM ANALYZE")
            before = fingerprint(cursor)
        say(f"{before['directory_program'][0]:,} programs before; importing {args.rows:,} new ones in a worker")
        upload_path("killtest").write_text(json.dumps(locator_rows(args.rows)))

        job = queue_import(user=None, token="killtest", filename="kill-test.json", format="samhsa-json", step="apply")
        worker = start_worker(url, uploads)
        started = time.monotonic()
        killed_at_progress = None
        try:
            while time.monotonic() - started < 300:
                job.refresh_from_db()
                if job.phase == "write" and job.done > 0:
                    os.kill(worker.pid, signal.SIGKILL)
                    killed_at_progress = (job.done, job.total)
                    break
                if job.finished:
                    break
                time.sleep(0.05)
        finally:
            if worker.poll() is None and killed_at_progress is None:
                worker.kill()
            worker.wait()
        if killed_at_progress is None:
            say(f"RESULT: the import finished ({job.status}) before it could be killed mid-write: use more --rows")
            return
        say(f"worker killed with SIGKILL {time.monotonic() - started:.1f} s after queueing, "
            f"while writing: {killed_at_progress[0]:,} of {killed_at_progress[1]:,} programs written in its transaction")

        # PostgreSQL sees the client vanish and rolls the open transaction back.
        deadline = time.monotonic() + 30
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL")
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.2)
            after = fingerprint(cursor)
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            advisory = cursor.fetchone()[0]
        changed = [table for table in TABLES if before[table] != after[table]]
        say(f"tables changed by the killed import: {changed or 'none'} "
            f"({after['directory_program'][0]:,} programs, as before: {before['directory_program'][0]:,})")
        say(f"import locks left behind: {advisory}")
        job.refresh_from_db()
        say(f"the staff member's job page: status {job.get_status_display()!r}; it reports the worker as stopped "
            "after 10 minutes without progress")

        # The same import, run again to completion, works: nothing was left half-done.
        again = queue_import(user=None, token="killtest", filename="kill-test.json", format="samhsa-json", step="apply")
        worker = start_worker(url, uploads)
        try:
            while time.monotonic() - started < 600:
                again.refresh_from_db()
                if again.finished:
                    break
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM directory_program WHERE source_id LIKE 'bench-kill-%%'")
            imported = cursor.fetchone()[0]
            cursor.execute("DELETE FROM directory_program WHERE source_id LIKE 'bench-kill-%%'")
        say(f"re-run with a new worker: {again.get_status_display().lower()}, {imported:,} programs imported "
            f"(then removed again)")
        say(f"RESULT: database unchanged by the killed import: {'yes' if not changed and not advisory else 'NO'}")
    shutil.rmtree(uploads, ignore_errors=True)


if __name__ == "__main__":
    main()
