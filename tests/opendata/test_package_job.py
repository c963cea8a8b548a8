"""The data package is built by a background worker after changes, and the download only serves the file."""
import io
import zipfile

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from directory.models import Program
from opendata import package
from tests.factories import make_program

pytestmark = pytest.mark.django_db

URL = "/api/datapackage.zip"


def services_csv(response, table="services.csv") -> str:
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as bundle:
        return bundle.read(table).decode()


def queued_builds() -> int:
    return DBTaskResult.objects.filter(task_path="opendata.tasks.build_datapackage", status="READY").count()


def test_before_the_first_build_the_download_says_to_come_back(client, run_jobs, monkeypatch):
    built_in_request = []
    monkeypatch.setattr(package, "write_package", lambda *a, **k: built_in_request.append(1))

    response = client.get(URL)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["message"] == "The data package is being prepared. Try again in a minute."
    assert not built_in_request  # never built inside the request
    assert not response.cookies


def test_a_worker_builds_it_and_the_download_serves_the_file(client, run_jobs):
    make_program(name="Hilltop Recovery Clinic")
    client.get(URL)
    assert run_jobs() >= 1

    response = client.get(URL)

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    assert "Hilltop Recovery Clinic" in services_csv(response)
    assert 'filename="hsds-datapackage.zip"' in response["Content-Disposition"]


def test_unchanged_package_answers_304(client, run_jobs):
    make_program(name="Hilltop Recovery Clinic")
    run_jobs()
    first = client.get(URL)

    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(URL, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert client.head(URL).status_code == 200


def test_edits_are_published_by_one_rebuild_per_batch(client, run_jobs):
    program = make_program(name="Hilltop Recovery Clinic")
    run_jobs()
    old_etag = client.get(URL)["ETag"]

    for phone in ("434-555-0101", "434-555-0102", "434-555-0103"):
        program.phone = phone
        program.save()
    program.name = "Hilltop Recovery Center"
    program.save()
    run_jobs.commit_callbacks()

    assert queued_builds() == 1  # four edits, one build
    # Until the worker has run, the old file is still served whole.
    stale = client.get(URL)
    assert stale["ETag"] == old_etag and "Hilltop Recovery Clinic" in services_csv(stale)

    run_jobs()

    fresh = client.get(URL, HTTP_IF_NONE_MATCH=old_etag)
    assert fresh.status_code == 200 and fresh["ETag"] != old_etag
    assert "Hilltop Recovery Center" in services_csv(fresh) and "(434) 555-0103" in services_csv(client.get(URL), "phones.csv")


def test_admin_bulk_actions_rebuild_it(admin_client, client, run_jobs):
    program = make_program(name="Hilltop Recovery Clinic")
    run_jobs()
    assert "Hilltop Recovery Clinic" in services_csv(client.get(URL))

    admin_client.post("/admin/directory/program/", {"action": "mark_closed", "_selected_action": [program.pk]})
    run_jobs()

    assert Program.objects.get(pk=program.pk).status == Program.Status.CLOSED
    assert "Hilltop Recovery Clinic" not in services_csv(client.get(URL))


def test_build_command_publishes_without_a_worker(client):
    make_program(name="Hilltop Recovery Clinic")
    out = io.StringIO()
    call_command("build_hsds_package", stdout=out)
    assert "Published" in out.getvalue() and "1 programs" in out.getvalue()
    assert "Hilltop Recovery Clinic" in services_csv(client.get(URL))


def test_build_command_can_queue_instead(run_jobs):
    call_command("build_hsds_package", "--queue", stdout=io.StringIO())
    assert queued_builds() == 1
    assert run_jobs() == 1 and queued_builds() == 0
