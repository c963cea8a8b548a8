"""A program's own page: everything about it, in a form a person can act on and print."""
import datetime
import json
import re

import pytest
from django.utils import timezone

from directory.models import Program, Term
from places.weekdays import Weekday
from tests.factories import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db):
    return make_program(
        name="Blue Heron Clinic <b>",
        organization="Heron Health",
        phone="(434) 555-0142",
        intake_phone="(434) 555-0143",
        website="https://heron.example.org/",
        street1="12 River Rd",
        terms=["METH", "BU", "MD", "SS", "OTP", "SP"],
        hours=[(Weekday.MONDAY, "06:00", "14:00"), (Weekday.SATURDAY, "07:00", "10:00")],
        hours_note="Dosing from 6 am.",
        accepting_new_patients=True,
        last_verified=timezone.localdate() - datetime.timedelta(days=3),
    )


def test_page_shows_contact_services_hours_and_verification(client, program):
    response = client.get(program.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Blue Heron Clinic &lt;b&gt;" in html  # names are escaped
    assert 'href="tel:+14345550142"' in html and 'href="tel:+14345550143"' in html
    assert "intake" in html
    assert "12 River Rd" in html and "Charlottesville, VA 22902" in html
    assert "openstreetmap.org/directions?to=38.02930%2C-78.47670" in html
    # Services grouped by category.
    assert re.search(r"<dt>Medication for opioid use disorder</dt>\s*<dd><ul><li>Methadone</li><li>Buprenorphine", html)
    assert re.search(r"<dt>Payment and insurance</dt>\s*<dd><ul><li>Medicaid</li><li>Sliding fee", html)
    assert "<th scope=\"row\">Monday</th><td>6:00 AM to 2:00 PM</td>" in html
    assert "Dosing from 6 am." in html
    assert "Staff last verified this listing on" in html
    assert "Accepting new patients" in html


def test_page_carries_schema_org_data_that_cannot_break_out(client, program):
    html = client.get(program.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<b>" not in block
    data = json.loads(block)
    assert data["@type"] == "MedicalClinic"
    assert data["name"] == "Blue Heron Clinic <b>"
    assert data["telephone"] == "(434) 555-0142"
    assert data["address"]["postalCode"] == "22902"
    assert data["openingHoursSpecification"][0]["dayOfWeek"] == "https://schema.org/Monday"


def test_stale_or_unverified_listing_warns_the_reader(client):
    old = make_program(last_verified=timezone.localdate() - datetime.timedelta(days=400))
    never = make_program(last_verified=None)
    assert "That was a while ago" in client.get(old.get_absolute_url()).content.decode()
    assert "Staff have not verified this listing yet" in client.get(never.get_absolute_url()).content.decode()


def test_temporarily_closed_program_says_so_and_closed_is_gone(client):
    paused = make_program(status=Program.Status.TEMPORARILY_CLOSED)
    closed = make_program(status=Program.Status.CLOSED)
    assert "This program is temporarily closed" in client.get(paused.get_absolute_url()).content.decode()
    assert client.get(closed.get_absolute_url()).status_code == 404


def test_website_link_does_not_leak_the_visit(client, program):
    html = client.get(program.get_absolute_url()).content.decode()
    assert 'href="https://heron.example.org/" rel="noopener noreferrer nofollow"' in html


def test_coordinates_come_from_the_zip_when_left_empty(db):
    program = Program.objects.create(name="No coords", city="Columbus", state="OH", zip_code="43215")
    assert program.latitude == pytest.approx(39.96, abs=0.1)
    assert program.longitude == pytest.approx(-83.0, abs=0.1)
    assert program.slug == "no-coords-columbus-oh"


def test_keyword_search_text_follows_service_changes(client, program):
    program.terms.clear()
    assert not Program.objects.search("methadone").exists()
    program.terms.add(*Term.objects.filter(code="METH"))
    assert Program.objects.search("methadone").get() == program
