"""A real `manage.py db_worker` process runs a staff import and then publishes the data package."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from directory.models import Program
from opendata.models import ImportJob

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]

ROOT = Path(__file__).resolve().parents[2]
ROWS = 300


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, settings):
    """A worker process on the test database, sharing the upload and package folders with this process."""
    settings.OPENDATA_UPLOAD_DIR = str(tmp_path / "uploads")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PORTAL_ALLOW_INSECURE_KEY": "1",
        "OPENDATA_UPLOAD_DIR": settings.OPENDATA_UPLOAD_DIR,
        "OPENDATA_PACKAGE_DIR": settings.STORAGES["opendata"]["OPTIONS"]["location"],
        "PORTAL_ENV_FILE": "/nonexistent",
    }
    log = (tmp_path / "worker.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    process.log = log
    yield process
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def wait_for(check, what: str, worker, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if worker.poll() is not None:
            worker.log.seek(0)
            pytest.fail(f"the worker stopped while waiting for {what}:\n{worker.log.read()}")
        time.sleep(0.2)
    from django_tasks_db.models import DBTaskResult

    tasks = list(DBTaskResult.objects.values_list("task_path", "status", "exception_class_path", "traceback"))
    worker.log.seek(0)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; tasks: {tasks}; worker log:\n{worker.log.read()}")


def test_import_and_package_through_a_worker_process(admin_client, client, worker):
    rows = [
        {"frid": f"w-{n}", "name1": f"Worker Test Clinic {n}", "street1": f"{n} Main St", "city": "Charlottesville",
         "state": "VA", "zip": "22902", "phone": "434-555-0100", "latitude": "38.03", "longitude": "-78.48",
         "services": []}
        for n in range(ROWS)
    ]
    response = admin_client.post("/admin/opendata/import/", {
        "file": SimpleUploadedFile("rows.json", json.dumps(rows).encode()), "format": "samhsa-json",
    })
    assert response.status_code == 302
    job_page = response.url

    page = wait_for(lambda: (text := admin_client.get(job_page).content.decode()) and "Import: create" in text and text,
                    "the preview", worker)
    assert f"{ROWS} records: {ROWS} to create" in page and not Program.objects.exists()
    preview = ImportJob.objects.get()
    assert (preview.status, preview.phase, preview.done, preview.total) == ("done", "check", ROWS, ROWS)

    response = admin_client.post("/admin/opendata/import/apply/", {"job": str(preview.pk), "apply": "1"})
    page = wait_for(lambda: (text := admin_client.get(response.url).content.decode()) and "Import finished" in text
                    and text, "the import", worker)
    assert f"{ROWS} created" in page and Program.objects.count() == ROWS
    assert ImportJob.objects.get(step="apply").phase == "write"  # progress was recorded while it ran

    # The import queued a build of the data package; the download serves it once built.
    download = wait_for(lambda: (answer := client.get("/api/datapackage.zip")).status_code == 200 and answer,
                        "the data package", worker)
    assert download["ETag"] and download["Content-Type"] == "application/zip"
