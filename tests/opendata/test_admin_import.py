"""The staff import page: upload, a background preview job, apply as another job, and malformed uploads."""
import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from directory.models import Program
from opendata.jobs import upload_dir
from opendata.models import ImportJob
from tests.opendata.conftest import SAMHSA_ROWS

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/opendata/import/"
APPLY_URL = "/admin/opendata/import/apply/"


def rows(*overrides):
    base = {"frid": "f-1", "name1": "Upload Clinic", "street1": "1 Main St", "city": "Charlottesville", "state": "VA",
            "zip": "22902", "phone": "434-555-0100", "latitude": "38.03", "longitude": "-78.48", "services": []}
    return [{**base, **override} for override in overrides]


def upload(client, content: bytes, format="samhsa-json", name="rows.json"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content), "format": format})


@pytest.fixture
def preview(admin_client, run_jobs):
    """Upload a file, let the worker preview it, and return (the job's page address, its text)."""
    def run(content: bytes, **kwargs):
        response = upload(admin_client, content, **kwargs)
        if response.status_code == 200:  # the form itself refused the file
            return None, response.content.decode()
        assert response.status_code == 302 and "/admin/opendata/import/jobs/" in response.url
        run_jobs()
        return response.url, admin_client.get(response.url).content.decode()
    return run


def job_id(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def apply(admin_client, run_jobs):
    """Confirm the import on a preview's page, let the worker run it, and return the result page's text."""
    def run(url: str, **choice):
        response = admin_client.post(APPLY_URL, {"job": job_id(url), **(choice or {"apply": "1"})})
        assert response.status_code == 302
        run_jobs()
        return admin_client.get(response.url, follow=True).content.decode()
    return run


@pytest.fixture(autouse=True)
def private_upload_dir(settings, tmp_path):
    settings.OPENDATA_UPLOAD_DIR = str(tmp_path / "uploads")


def test_program_changelist_links_to_the_import_page(admin_client):
    page = admin_client.get("/admin/directory/program/").content.decode()
    assert f'href="{IMPORT_URL}"' in page and 'href="/api/datapackage.zip"' in page


def test_upload_form(admin_client):
    response = admin_client.get(IMPORT_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Import listings" in page and 'enctype="multipart/form-data"' in page
    assert "Open Referral HSDS 3.x tabular data package (.zip)" in page
    assert 'id="site-name"' in page  # inside the admin's own layout


def test_preview_then_apply(admin_client, preview, apply, realdata):
    url, page = preview(SAMHSA_ROWS.read_bytes())

    assert "41 records: 41 to create, 0 to update, 0 unchanged, 0 rejected" in page
    assert "Region Ten Community Services Board – Mohr Center" in page
    assert "Import: create 41, update 0" in page
    assert not Program.objects.exists()

    page = apply(url)

    assert "41 created, 0 updated, 0 unchanged, 0 rejected" in page
    assert Program.objects.count() == 41
    assert not list(upload_dir().iterdir())  # the stored upload is gone

    # Applying the same preview again does nothing.
    response = admin_client.post(APPLY_URL, {"job": job_id(url), "apply": "1"}, follow=True)
    assert "no longer available" in response.content.decode()
    assert Program.objects.count() == 41


def test_the_upload_answers_at_once_and_the_page_follows_the_job(admin_client, run_jobs):
    response = upload(admin_client, json.dumps(rows({})).encode())
    page = admin_client.get(response.url).content.decode()

    assert "Waiting for a background worker" in page and "manage.py db_worker" in page
    assert '<meta http-equiv="refresh" content="3">' in page  # the page reloads itself, no script needed
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, phase="check", done=300, total=1200)
    page = admin_client.get(response.url).content.decode()
    assert "Comparing with the listings already here: 300 of 1200 records" in page
    assert '<progress max="1200" value="300">25%</progress>' in page

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    run_jobs()
    page = admin_client.get(response.url).content.decode()
    assert "http-equiv" not in page and "1 records: 1 to create" in page
    assert "rows.json" in admin_client.get(IMPORT_URL).content.decode()  # listed under recent imports


def test_a_job_whose_worker_died_says_so(admin_client):
    response = upload(admin_client, json.dumps(rows({})).encode())
    ImportJob.objects.update(status=ImportJob.Status.RUNNING, updated_at="2020-01-01T00:00:00Z")
    page = admin_client.get(response.url).content.decode()
    assert "the worker running this job has probably stopped" in page and "writes nothing" in page


def test_preview_of_a_reimport_lists_updates(preview, apply):
    url, _ = preview(json.dumps(rows({})).encode())
    apply(url)

    _, page = preview(json.dumps(rows({"phone": "434-555-0199"})).encode())

    assert "0 to create, 1 to update" in page and "<td>phone</td>" in page


def test_the_preview_lists_fixed_and_rejected_rows_and_importing_keeps_the_usable_ones(preview, apply):
    content = json.dumps(rows(
        {}, {"frid": "f-2", "name1": ""}, {"frid": "f-3", "name1": "Bad Phone Clinic", "phone": "410-555-01"},
        {"frid": "f-4", "name1": "Half Pair Clinic", "longitude": ""},
    )).encode()
    url, page = preview(content)

    assert "4 records: 3 to create, 0 to update, 0 unchanged, 1 rejected" in page
    assert "Rejected rows (1)" in page and "<td>2</td><td></td><td>name1 (the facility&#x27;s name) is missing</td>" in page
    assert "Fixed rows (2)" in page
    assert "<td>3</td><td>Bad Phone Clinic</td><td>phone &#x27;410-555-01&#x27; is not a phone number" in page
    assert "<td>4</td><td>Half Pair Clinic</td><td>only the latitude was given, so the coordinates were dropped" in page
    assert "Import the usable records: create 3, update 0, leave out 1 rejected row" in page
    assert "Cancel: import nothing" in page
    assert not Program.objects.exists()  # the preview wrote nothing

    page = apply(url)

    assert "3 created, 0 updated, 0 unchanged, 1 rejected" in page
    assert sorted(Program.objects.values_list("source_id", flat=True)) == ["f-1", "f-3", "f-4"]
    assert Program.objects.get(source_id="f-3").phone == ""


def test_cancel_forgets_the_upload(admin_client, preview):
    url, _ = preview(json.dumps(rows({})).encode())
    response = admin_client.post(APPLY_URL, {"job": job_id(url), "cancel": "1"}, follow=True)
    assert "Cancelled: nothing was imported" in response.content.decode()
    assert not Program.objects.exists() and not list(upload_dir().iterdir())


@pytest.mark.parametrize(
    "content, format, name, message",
    [
        (b"{not json", "samhsa-json", "rows.json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "samhsa-csv", "rows.csv", "not UTF-8 text"),
        (b"a,b,c\n1,2,3\n", "samhsa-csv", "rows.csv", "Missing columns"),
        (b"PK\x03\x04broken", "hsds-package", "package.zip", "not a readable zip archive"),
        (b"[1, 2, 3]", "hsds-json", "hsds.json", "is not a JSON object"),
        (b"", "samhsa-json", "empty.json", "The submitted file is empty"),
        ("[{\"name1\": \"Cafe\u0301\"}]".encode("utf-16"), "samhsa-json", "rows.json", "not UTF-8 text"),
        (b"\x00" * 1000, "hsds-json", "zeros.json", "not valid JSON"),
        (json.dumps(rows({})).encode(), "hsds-package", "rows.zip", "not a readable zip archive"),
        (json.dumps(rows({})).encode(), "samhsa-csv", "rows.csv", "Missing columns"),
    ],
)
def test_malformed_uploads_give_a_report_not_an_error(preview, content, format, name, message):
    _, page = preview(content, format=format, name=name)
    assert message in page
    assert not Program.objects.exists()


def test_oversized_upload_is_refused(admin_client, settings):
    settings.OPENDATA_MAX_IMPORT_BYTES = 100
    response = upload(admin_client, json.dumps(rows({}, {"frid": "f-2"})).encode())
    assert response.status_code == 200
    assert "the largest file an import accepts is 100 bytes" in response.content.decode()
    assert not list(upload_dir().iterdir())


def test_jobs_belong_to_the_staff_member_who_uploaded(admin_client, client, preview):
    url, _ = preview(json.dumps(rows({})).encode())
    response = admin_client.post(APPLY_URL, {"job": "../../etc/passwd", "apply": "1"}, follow=True)
    assert "no longer available" in response.content.decode()
    # Another staff member can neither see nor apply someone else's upload.
    other = User.objects.create_user("other", password="x", is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.post(APPLY_URL, {"job": job_id(url), "apply": "1"})
    assert not ImportJob.objects.filter(step=ImportJob.Step.APPLY).exists()


def test_page_is_for_staff_with_program_permissions(client):
    assert client.get(IMPORT_URL).status_code == 302  # to the admin login
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(APPLY_URL, {"job": "x"}).status_code == 403


def test_get_on_apply_is_not_allowed(admin_client):
    assert admin_client.get(APPLY_URL).status_code == 405


def test_a_report_stored_before_imports_kept_usable_rows_still_shows(admin_client, admin_user):
    old = {"format": "samhsa-json", "filename": "old.json", "dry_run": True, "skip_invalid": False, "total": 2,
           "created": 1, "rejected": [{"row": 2, "reason": "state 'ZZ' is not a US state", "label": "Old", "line": None}],
           "changes": [{"action": "create", "row": 1, "name": "Kept", "fields": []}]}
    job = ImportJob.objects.create(user=admin_user, step=ImportJob.Step.PREVIEW, status=ImportJob.Status.DONE,
                                   filename="old.json", format="samhsa-json", upload_token="gone", report=old)

    page = admin_client.get(f"/admin/opendata/import/jobs/{job.pk}/").content.decode()

    assert "<td>2</td><td>Old</td><td>state &#x27;ZZ&#x27; is not a US state</td>" in page
    assert "a strict import stops at any rejected row" in page
