"""Phones are phone numbers: checked with libphonenumber in the admin and in imports, shown in national
format, dialled through tel: links in E.164."""
import json

import pytest
from django.urls import reverse

from directory.models import Program
from meetings.models import Meeting
from opendata.importers.samhsa import import_samhsa
from phones import numbers
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def add_program(admin_client, phone: str):
    return admin_client.post(reverse("admin:directory_program_add"), {
        "name": "Phone Clinic", "slug": "phone-clinic", "status": "active", "accepting_new_patients": "unknown",
        "phone": phone, "intake_phone": "", "street1": "1 High St", "city": "Columbus", "state": "OH",
        "zip_code": "43215", "latitude": "", "longitude": "",
        "hours-TOTAL_FORMS": "0", "hours-INITIAL_FORMS": "0", "hours-MIN_NUM_FORMS": "0", "hours-MAX_NUM_FORMS": "1000",
    })


@pytest.mark.parametrize("phone", ["call us", "410-555-01", "+44 20 7946 0958"])
def test_the_admin_refuses_what_is_not_a_dialable_us_number(admin_client, phone):
    response = add_program(admin_client, phone)
    assert response.status_code == 200
    assert "is not a phone number that can be dialled in the United States" in response.content.decode()
    assert not Program.objects.filter(slug="phone-clinic").exists()


def test_the_admin_saves_a_number_in_national_format_with_its_extension(admin_client, client):
    response = add_program(admin_client, "614.555.0100 x 12")
    assert response.status_code == 302
    program = Program.objects.get(slug="phone-clinic")
    assert program.phone == "(614) 555-0100 ext. 12"
    page = client.get(program.get_absolute_url()).content.decode()
    assert 'href="tel:+16145550100;ext=12">Call (614) 555-0100 ext. 12</a>' in page


def test_imports_drop_a_bad_phone_with_a_warning_by_row(tmp_path):
    rows = [{"name1": "Words Clinic", "street1": "1 Main St", "city": "Charlottesville", "state": "VA", "zip": "22902",
             "phone": "call us", "intake1": "434 555 0199", "latitude": 38.03, "longitude": -78.48,
             "services": [], "frid": "w1"}]
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows))
    report = import_samhsa(source=path, strict=True)
    assert report.applied, report.rejected
    program = Program.objects.get(name="Words Clinic")
    assert (program.phone, program.intake_phone) == ("", "(434) 555-0199")
    assert any("Row 1" in w and "phone 'call us' is not a phone number" in w for w in report.warnings), report.warnings


def test_meeting_conference_phone_keeps_one_tap_codes(client):
    from tests.meetings.factories import make_meeting

    meeting = make_meeting(conference_phone="(410) 555-0123,,987654#", conference_url="https://zoom.us/j/1")
    assert meeting.conference_phone == "+14105550123,,987654#"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'href="tel:+14105550123,,987654%23"' in page and "Join by phone: (410) 555-0123" in page
    assert isinstance(Meeting.objects.get(pk=meeting.pk).conference_phone, str)


def test_program_cards_dial_in_e164(client):
    program = make_program(phone="(434) 555-0142")
    assert numbers.tel_href(program.phone) == "tel:+14345550142"
    assert numbers.tel_href("call us") == ""
