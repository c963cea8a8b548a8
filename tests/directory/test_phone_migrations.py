"""The data migrations that normalise phone numbers saved before phones were validated (migration executor)."""
import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from directory.models import Program
from meetings.models import Meeting

pytestmark = pytest.mark.django_db(transaction=True)

PROGRAMS_BEFORE = ("directory", "0010_weekday_sunday_first")
MEETINGS_BEFORE = ("meetings", "0005_merge_20261201_2334")


def migrate_to(targets):
    """Migrate to `targets` (a list of nodes, or None for every app's latest) and return the historical apps there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def back_one_step():
    """Migrate an app back one step for the test; everything is migrated forward again afterwards."""
    yield lambda node: migrate_to([node])
    migrate_to(None)


def test_stored_program_phones_are_normalised_and_bad_ones_emptied(back_one_step):
    old = back_one_step(PROGRAMS_BEFORE)
    OldProgram = old.get_model("directory", "Program")
    place = {"city": "Baltimore", "state": "MD", "zip_code": "21201", "latitude": 39.29, "longitude": -76.62}
    raw = {  # saved straight into the table, as they were before phones were checked
        "dots": ("410.555.0123 x12", "1-800-662-HELP"),
        "words": ("call us", "410-555-01"),
        "clean": ("(410) 555-0142", ""),
        "foreign": ("+44 20 7946 0958", "4105550199"),
    }
    for slug, (phone, intake) in raw.items():
        OldProgram.objects.create(name=f"Clinic {slug}", slug=slug, phone=phone, intake_phone=intake, **place)

    migrate_to(None)

    stored = {p.slug: (p.phone, p.intake_phone) for p in Program.objects.all()}
    assert stored == {
        "dots": ("(410) 555-0123 ext. 12", "(800) 662-4357"),
        "words": ("", ""),
        "clean": ("(410) 555-0142", ""),
        "foreign": ("", "(410) 555-0199"),
    }
    history = {entry.object_repr: entry.change_message for entry in LogEntry.objects.filter(content_type__model="program")}
    assert set(history) == {"Clinic dots", "Clinic words", "Clinic foreign"}  # the clean one did not change
    assert "Main phone: “call us” is not a phone number that can be dialled and was removed" in history["Clinic words"]
    assert "Intake phone: “1-800-662-HELP” became “(800) 662-4357”" in history["Clinic dots"]
    assert {entry.user.username for entry in LogEntry.objects.all()} == {"data-import"}


def test_stored_conference_phones_are_normalised_and_bad_ones_emptied(back_one_step):
    old = back_one_step(MEETINGS_BEFORE)
    OldMeeting = old.get_model("meetings", "Meeting")
    fellowship, _ = old.get_model("meetings", "Fellowship").objects.get_or_create(
        slug="na", defaults={"name": "Narcotics Anonymous"})
    online = {"fellowship": fellowship, "days": [1], "start_time": datetime.time(19), "timezone": "America/New_York"}
    OldMeeting.objects.create(name="One Tap", slug="one-tap", conference_phone="+1 410 555 0123,,123456#",
                              attendance="online", **online)
    OldMeeting.objects.create(name="Phone Only", slug="phone-only", conference_phone="dial the zoom number",
                              attendance="online", **online)
    OldMeeting.objects.create(name="Link Too", slug="link-too", conference_phone="zoom",
                              conference_url="https://zoom.us/j/123456789", attendance="online", **online)
    OldMeeting.objects.create(name="Hybrid", slug="hybrid", conference_phone="call the office", address="1 Main St",
                              city="Baltimore", state="MD", postal_code="21201", attendance="hybrid", **online)

    migrate_to(None)

    stored = {m.slug: (m.conference_phone, m.attendance) for m in Meeting.objects.all()}
    assert stored == {
        "one-tap": ("+14105550123,,123456#", "online"),
        "phone-only": ("", "inactive"),  # nothing left to join it by
        "link-too": ("", "online"),
        "hybrid": ("", "in_person"),
    }
    entry = LogEntry.objects.get(object_repr="Phone Only")
    assert "Conference phone: “dial the zoom number” is not a phone number that can be dialled and was removed" in (
        entry.change_message)
