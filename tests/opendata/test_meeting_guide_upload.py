"""Uploading a Meeting Guide JSON feed on the staff import page: preview, apply, re-import, bad rows, bad JSON."""
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.importers import FORMAT_MEETING_GUIDE, import_meeting_guide
from meetings.models import Attendance, Fellowship, Meeting
from opendata.jobs import upload_dir
from opendata.models import ImportJob
from tests.meetings.conftest import reference_data  # noqa: F401 (the fellowships and meeting types)

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/opendata/import/"
APPLY_URL = "/admin/opendata/import/apply/"

FEED = [
    {
        "slug": "sunrise-group", "name": "Sunrise Group", "day": 1, "time": "07:00", "end_time": "08:00",
        "timezone": "America/New_York", "location": "First Church", "address": "100 Main St",
        "city": "Charlottesville", "state": "VA", "postal_code": "22902", "country": "US",
        "latitude": 38.03, "longitude": -78.48, "types": ["O", "D"], "updated": "2024-05-01 12:00:00",
    },
    {
        "slug": "online-nooners", "name": "Online Nooners", "day": [1, 3, 5], "time": "12:00",
        "timezone": "America/Chicago", "conference_url": "https://zoom.us/j/123456789", "types": ["C"],
        "updated": "2024-05-02 09:30:00",
    },
    {
        "slug": "friday-night-speakers", "name": "Friday Night Speakers", "day": 5, "time": "19:30",
        "timezone": "America/New_York", "location": "Community Hall", "address": "5 Park Ave",
        "city": "Richmond", "state": "VA", "postal_code": "23219", "country": "US",
        "latitude": 37.54, "longitude": -77.43, "types": ["SP"], "updated": "2024-05-03 18:00:00",
    },
]


@pytest.fixture(autouse=True)
def private_upload_dir(settings, tmp_path):
    settings.OPENDATA_UPLOAD_DIR = str(tmp_path / "uploads")


@pytest.fixture
def upload(admin_client, run_jobs):
    """Upload a feed, let the worker preview it, and return the preview's page (or the form, if it refused)."""
    def run(content: bytes, name="meetings.json", fellowship="aa"):
        chosen = Fellowship.objects.get(slug=fellowship).pk if fellowship else ""
        response = admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content),
                                                  "format": FORMAT_MEETING_GUIDE, "fellowship": chosen})
        if response.status_code == 200:
            return response
        run_jobs()
        return admin_client.get(response.url)
    return run


@pytest.fixture
def apply(admin_client, run_jobs):
    """Confirm the latest preview, let the worker import it, and return the result page."""
    def run(**extra):
        preview = ImportJob.objects.filter(step=ImportJob.Step.PREVIEW).first()
        response = admin_client.post(APPLY_URL, {"job": str(preview.pk), "apply": "1", **extra})
        run_jobs()
        return admin_client.get(response.url, follow=True)
    return run


def test_the_format_is_offered(admin_client):
    assert "Meeting Guide meeting feed (JSON)" in admin_client.get(IMPORT_URL).content.decode()


def test_preview_apply_and_reimport(upload, apply):
    response = upload(json.dumps(FEED).encode())
    page = response.content.decode()

    assert response.status_code == 200
    assert "3 rows: 3 to create, 0 to update, 0 unchanged, 0 rejected" in page
    assert "Sunrise Group" in page and "Import: create 3, update 0" in page
    assert not Meeting.objects.exists()

    response = apply()
    page = response.content.decode()

    assert response.status_code == 200
    assert "3 created, 0 updated, 0 unchanged, 0 rejected" in page
    assert 'href="/admin/meetings/meeting/"' in page
    assert Meeting.objects.filter(source="meetings").count() == 3
    sunrise = Meeting.objects.get(source_slug="sunrise-group")
    assert sunrise.fellowship.slug == "aa"
    assert (sunrise.days, sunrise.timezone, sunrise.city) == ([1], "America/New_York", "Charlottesville")
    assert (sunrise.latitude, sunrise.longitude) == pytest.approx((38.03, -78.48))
    assert set(sunrise.types.values_list("code", flat=True)) == {"O", "D"}
    online = Meeting.objects.get(source_slug="online-nooners")
    assert online.attendance == Attendance.ONLINE and online.days == [1, 3, 5]
    assert not list(upload_dir().iterdir())

    page = upload(json.dumps(FEED).encode()).content.decode()

    assert "3 rows: 0 to create, 0 to update, 3 unchanged, 0 rejected" in page
    assert "Importing this file would change nothing." in page
    assert Meeting.objects.count() == 3


def test_reimport_counts_an_update(upload, apply):
    upload(json.dumps(FEED).encode())
    apply()
    changed = [{**FEED[0], "time": "07:30"}, *FEED[1:]]

    page = upload(json.dumps(changed).encode()).content.decode()

    assert "0 to create, 1 to update, 2 unchanged" in page
    assert str(Meeting.objects.get(source_slug="sunrise-group").start_time) == "07:00:00"  # preview wrote nothing
    apply()
    assert str(Meeting.objects.get(source_slug="sunrise-group").start_time) == "07:30:00"


def test_a_bad_row_is_reported_by_number_and_left_out_of_the_import(upload, apply):
    bad = [FEED[0], {**FEED[1], "day": 9}, FEED[2]]

    response = upload(json.dumps(bad).encode())
    page = response.content.decode()

    assert response.status_code == 200
    assert "3 rows: 2 to create, 0 to update, 0 unchanged, 1 rejected" in page
    assert "<td>2</td><td>online-nooners</td>" in page and "day" in page
    assert "Import the usable records: create 2, update 0, leave out 1 rejected row" in page
    assert not Meeting.objects.exists()

    # Importing leaves the bad row out and writes the other two.
    apply()
    assert set(Meeting.objects.values_list("source_slug", flat=True)) == {"sunrise-group", "friday-night-speakers"}


@pytest.mark.parametrize("content, message", [
    (b'[{"slug": "a", ', "not valid JSON"),
    (b'{"slug": "a"}', "JSON list of meetings"),
    (b"\xff\xfe not text", "not UTF-8"),
])
def test_a_broken_file_shows_an_error_page(upload, apply, content, message):
    response = upload(content)
    page = response.content.decode()

    assert response.status_code == 200
    assert message in page and "nothing was imported" in page
    assert not Meeting.objects.exists()


def test_the_importer_function_with_bytes(admin_user):
    report = import_meeting_guide(source=json.dumps(FEED).encode(), source_name="test-feed", dry_run=True,
                                  fellowship="aa")
    assert (report.total, report.created, report.applied) == (3, 3, False)
    assert not Meeting.objects.exists()

    report = import_meeting_guide(source=json.dumps(FEED).encode(), source_name="test-feed", user=admin_user,
                                  fellowship="aa")
    assert (report.created, report.applied) == (3, True)
    assert Meeting.objects.filter(source="test-feed").count() == 3
    entries = LogEntry.objects.filter(change_message="Imported from test-feed.")
    assert entries.count() == 3 and {entry.user for entry in entries} == {admin_user}

    changed = json.loads(json.dumps(FEED))
    changed[0]["time"] = "06:15"
    import_meeting_guide(source=json.dumps(changed).encode(), source_name="test-feed", user=admin_user,
                         fellowship="aa")
    update = LogEntry.objects.get(change_message__startswith="Import from test-feed changed:")
    assert "Start time" in update.change_message and "start_time" not in update.change_message

    report = import_meeting_guide(source=b"[]", fellowship="no-such-fellowship")
    assert report.errors and "no-such-fellowship" in report.errors[0]


def test_the_fellowship_must_be_chosen(upload, apply):
    page = upload(json.dumps(FEED).encode(), fellowship="").content.decode()
    assert "Choose the fellowship whose meetings the feed lists." in page
    upload(json.dumps(FEED).encode(), fellowship="na")
    apply()
    assert set(Meeting.objects.values_list("fellowship__slug", flat=True)) == {"na"}


def test_fixes_are_shown_in_the_preview_and_meetings_already_listed_are_not_added_again(upload, apply):
    upload(json.dumps(FEED).encode(), name="first.json")
    apply()
    messy = [{**FEED[0], "time": "7:00 AM", "slug": "sunrise"}, {**FEED[2], "longitude": None}]

    page = upload(json.dumps(messy).encode(), name="second.json").content.decode()

    assert "Fixed rows (2)" in page
    assert "<td>1</td><td>sunrise</td><td>time &quot;7:00 AM&quot; was converted to the 24-hour time 07:00.</td>" in page
    assert "only the latitude was given, so the coordinates were dropped" in page
    assert "Already listed (not added again)</th><td>2</td>" in page
    assert "Importing this file would change nothing." in page
    assert Meeting.objects.count() == 3


def test_a_feed_of_a_fellowship_not_listed_yet_creates_it(admin_client, run_jobs, apply):
    response = admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile("eda.json", json.dumps(FEED).encode()),
                                              "format": FORMAT_MEETING_GUIDE, "fellowship": "",
                                              "new_fellowship": "Eating Disorders Anonymous"})
    assert response.status_code == 302
    run_jobs()
    preview = admin_client.get(response.url).content.decode()
    assert "Fellowship «Eating Disorders Anonymous» is not listed yet: importing creates it" in preview
    assert not Fellowship.objects.filter(name="Eating Disorders Anonymous").exists()
    apply()
    eda = Fellowship.objects.get(name="Eating Disorders Anonymous")
    assert Meeting.objects.filter(fellowship=eda).count() == len(FEED)


def test_a_slug_is_not_taken_for_a_new_fellowship(admin_client):
    response = admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile("x.json", json.dumps(FEED).encode()),
                                              "format": FORMAT_MEETING_GUIDE, "fellowship": "", "new_fellowship": "edaa"})
    assert response.status_code == 200
    assert "Give the fellowship&#x27;s full name" in response.content.decode()
