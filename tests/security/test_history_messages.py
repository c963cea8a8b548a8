"""A listing's History says what a person changed, in words, never an internal token or field."""
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from directory.models import Term
from meetings.models import Fellowship, MeetingType
from meetings.seed import load_reference_data
from tests.factories import make_program
from tests.meetings.factories import make_meeting
from tests.security.test_stale_forms import open_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    client = Client()
    client.force_login(User.objects.create_superuser("ana", "ana@example.org", "a long test passphrase"))
    return client


def history_page(client, obj) -> str:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])
    return client.get(url).content.decode()


def test_a_phone_edit_shows_the_phone_and_nothing_internal(editor):
    program = make_program(name="Harbor Recovery", phone="(434) 555-0100")
    url = reverse("admin:directory_program_change", args=[program.pk])
    assert editor.post(url, {**open_form(editor, url), "phone": "(434) 555-0199"}).status_code == 302

    message = LogEntry.objects.filter(object_id=str(program.pk)).latest("action_time").get_change_message()
    assert message == "Changed Main phone: (434) 555-0100 → (434) 555-0199."
    page = history_page(editor, program)
    assert "Main phone: (434) 555-0100 → (434) 555-0199" in page
    assert "opened_version" not in page and "Opened version" not in page and ".eJ" not in page


@pytest.mark.parametrize("kind", ["meeting", "term"])
def test_other_protected_forms_name_only_the_changed_field(editor, kind):
    load_reference_data(fellowship_model=Fellowship, type_model=MeetingType)
    obj = make_meeting(name="Tuesday Hope Group") if kind == "meeting" else Term.objects.get(code="BU")
    field = "notes" if kind == "meeting" else "description"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    assert editor.post(url, {**open_form(editor, url), field: "Use the side door."}).status_code == 302

    message = LogEntry.objects.filter(object_id=str(obj.pk)).latest("action_time").get_change_message()
    assert message.startswith("Changed ") and field.capitalize() in message
    assert "pened version" not in message and "opened_version" not in message
    assert "pened version" not in history_page(editor, obj)
