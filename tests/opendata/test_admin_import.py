"""The staff import page: upload, dry-run preview, apply, and what a malformed upload does."""
import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from directory.models import Program
from opendata.admin_views import SESSION_KEY, upload_dir
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


def test_preview_then_apply(admin_client, realdata):
    response = upload(admin_client, SAMHSA_ROWS.read_bytes())
    page = response.content.decode()

    assert response.status_code == 200
    assert "41 records: 41 to create, 0 to update, 0 unchanged, 0 rejected" in page
    assert "Region Ten Community Services Board – Mohr Center" in page
    assert "Import: create 41, update 0" in page
    assert not Program.objects.exists()
    token = admin_client.session[SESSION_KEY]["token"]

    response = admin_client.post(APPLY_URL, {"token": token, "apply": "1"})

    assert response.status_code == 200
    assert "41 created, 0 updated, 0 unchanged, 0 rejected" in response.content.decode()
    assert Program.objects.count() == 41
    assert SESSION_KEY not in admin_client.session
    assert not list(upload_dir().iterdir())  # the stored upload is gone

    # Applying the same token again does nothing.
    response = admin_client.post(APPLY_URL, {"token": token, "apply": "1"}, follow=True)
    assert "no longer available" in response.content.decode()
    assert Program.objects.count() == 41


def test_preview_of_a_reimport_lists_updates(admin_client):
    upload(admin_client, json.dumps(rows({})).encode())
    admin_client.post(APPLY_URL, {"token": admin_client.session[SESSION_KEY]["token"], "apply": "1"})

    page = upload(admin_client, json.dumps(rows({"phone": "434-555-0199"})).encode()).content.decode()

    assert "0 to create, 1 to update" in page and "<td>phone</td>" in page


def test_rejected_rows_are_listed_and_skipping_them_is_explicit(admin_client):
    content = json.dumps(rows({}, {"frid": "f-2", "latitude": "123"}, {"frid": "f-3", "name1": "Third"})).encode()
    page = upload(admin_client, content).content.decode()

    assert "latitude 123 is out of range" in page
    assert "Import the valid records, skipping 1 rejected row" in page
    assert "Import: create" not in page
    token = admin_client.session[SESSION_KEY]["token"]

    # Without the explicit choice, nothing is written.
    admin_client.post(APPLY_URL, {"token": token, "apply": "1"})
    assert not Program.objects.exists()

    upload(admin_client, content)
    token = admin_client.session[SESSION_KEY]["token"]
    page = admin_client.post(APPLY_URL, {"token": token, "skip_invalid": "1"}).content.decode()
    assert "2 created" in page
    assert set(Program.objects.values_list("source_id", flat=True)) == {"f-1", "f-3"}


def test_cancel_forgets_the_upload(admin_client):
    upload(admin_client, json.dumps(rows({})).encode())
    token = admin_client.session[SESSION_KEY]["token"]
    response = admin_client.post(APPLY_URL, {"token": token, "cancel": "1"}, follow=True)
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
def test_malformed_uploads_give_a_report_not_an_error(admin_client, content, format, name, message):
    response = upload(admin_client, content, format=format, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Program.objects.exists()


def test_oversized_upload_is_refused(admin_client, settings):
    settings.OPENDATA_MAX_IMPORT_BYTES = 100
    response = upload(admin_client, json.dumps(rows({}, {"frid": "f-2"})).encode())
    assert response.status_code == 200
    assert "the largest file an import accepts is 100 bytes" in response.content.decode()
    assert not list(upload_dir().iterdir())


def test_apply_needs_the_sessions_own_token(admin_client, client):
    upload(admin_client, json.dumps(rows({})).encode())
    token = admin_client.session[SESSION_KEY]["token"]
    response = admin_client.post(APPLY_URL, {"token": "../../etc/passwd", "apply": "1"}, follow=True)
    assert "no longer available" in response.content.decode()
    # Another staff member cannot apply someone else's upload with its token.
    other = User.objects.create_user("other", password="x", is_staff=True, is_superuser=True)
    client.force_login(other)
    client.post(APPLY_URL, {"token": token, "apply": "1"})
    assert not Program.objects.exists()


def test_page_is_for_staff_with_program_permissions(client):
    assert client.get(IMPORT_URL).status_code == 302  # to the admin login
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(APPLY_URL, {"token": "x"}).status_code == 403


def test_get_on_apply_is_not_allowed(admin_client):
    assert admin_client.get(APPLY_URL).status_code == 405
