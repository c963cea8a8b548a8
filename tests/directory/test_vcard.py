"""A program's contact card: a vCard a phone can keep, read back with the vobject library."""
import datetime

import pytest
import vobject
from django.urls import reverse

from directory.models import Program
from places.weekdays import Weekday
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def test_contact_card_carries_name_labelled_phones_address_website_and_hours(client):
    day = datetime.time
    program = make_program(
        name="Harbor Clinic", organization="Harbor Health", street1="10 Pratt St", street2="Suite 2",
        city="Baltimore", state="MD", zip_code="21201", phone="(410) 555-0123 ext. 4", intake_phone="410-555-0199",
        website="https://harbor.example.org/", hours_note="Walk-ins welcome Monday mornings.",
        hours=[(Weekday.MONDAY, day(8), day(17)), (Weekday.TUESDAY, day(8), day(17)), (Weekday.SATURDAY, day(9), day(12))],
    )
    response = client.get(reverse("directory:program-vcard", args=[program.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert 'filename="harbor-clinic-baltimore-md.vcf"' in response["Content-Disposition"]
    assert not response.cookies

    card = vobject.readOne(response.content.decode())
    assert card.fn.value == "Harbor Clinic"
    assert card.org.value == ["Harbor Health", "Harbor Clinic"]
    phones = {tel.group: tel.value for tel in card.contents["tel"]}
    labels = {label.group: label.value for label in card.contents["x-ablabel"]}
    assert {labels[group]: number for group, number in phones.items()} == {
        "Main line": "+14105550123 ext. 4", "Intake (to start treatment)": "+14105550199"}
    address = card.adr.value
    assert (address.street, address.city, address.region, address.code) == ("10 Pratt St, Suite 2", "Baltimore", "MD", "21201")
    assert card.url.value == "https://harbor.example.org/"
    note = card.note.value
    assert "Hours: Mon, Tue 8:00 AM–5:00 PM; Sat 9:00 AM–12:00 PM. Walk-ins welcome Monday mornings." in note
    assert f"http://testserver/programs/{program.slug}/" in note


def test_contact_card_of_a_program_with_little_information(client):
    program = make_program(name="Solo", street1="", phone="", website="")
    card = vobject.readOne(client.get(reverse("directory:program-vcard", args=[program.slug])).content.decode())
    assert card.fn.value == "Solo" and "tel" not in card.contents and "url" not in card.contents


def test_no_contact_card_for_a_closed_program(client):
    program = make_program(name="Gone", status=Program.Status.CLOSED)
    assert client.get(reverse("directory:program-vcard", args=[program.slug])).status_code == 404


def test_program_page_offers_the_card_save_and_share_with_only_its_address(client):
    program = make_program(name="Harbor Clinic")
    html = client.get(program.get_absolute_url() + "?back=near%3D21201").content.decode()
    assert f'href="/programs/{program.slug}/contact.vcf" download' in html
    assert "Save on this device" in html and "data-keep-save" in html and "hidden" in html
    assert "Saving needs JavaScript, which is off or blocked in this browser." in html
    address = f"http%3A%2F%2Ftestserver%2Fprograms%2F{program.slug}%2F"
    assert f'href="sms:?&amp;body={address}"' in html and f'href="mailto:?body={address}"' in html
