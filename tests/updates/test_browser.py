"""A program corrects its listing on a phone and staff approve it, in a real browser."""
import datetime
import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.conftest import axe_violations
from tests.factories import make_program
from updates import links
from updates.models import UpdateLink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listing(transactional_db):
    program = make_program(name="Harbor Recovery", phone="(434) 555-0100", terms=["OTP", "BU", "MD"],
                           contact_email="intake@harbor.example", hours=[(1, datetime.time(6), datetime.time(11))])
    return program, links.issue(program, kind=UpdateLink.Kind.SENT)[1]


@pytest.fixture
def staff(browser, live_server):
    User.objects.create_superuser("rosa", "rosa@example.org", "a long test passphrase", first_name="Rosa",
                                  last_name="Diaz")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill("a long test passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    yield page
    context.close()


def test_program_proposes_public_page_waits_staff_approve_public_page_changes(page, listing, staff):
    program, token = listing
    page.goto(f"/update/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Update your listing")
    expect(page.get_by_label("Main phone")).to_have_value("(434) 555-0100")
    assert axe_violations(page) == []
    page.get_by_label("Main phone").fill("(434) 555-0199")
    page.get_by_role("group", name="Medication for opioid use disorder").get_by_label("Methadone").check()
    page.get_by_label("Opens (Friday, 1)").fill("07:30")
    page.get_by_label("Closes (Friday, 1)").fill("12:00")
    page.get_by_label("Note to the portal's staff").fill("We added methadone in November.")
    page.get_by_role("button", name="Send changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("Waiting for staff:")).to_contain_text("Main phone")
    assert axe_violations(page) == []
    assert page.context.cookies() == [] and page.recorder.foreign_requests() == []

    page.goto(program.get_absolute_url())
    expect(page.get_by_role("link", name="Call (434) 555-0100")).to_be_visible()

    staff.goto("/admin/updates/proposal/")
    staff.get_by_role("link", name="Harbor Recovery").click()
    row = staff.get_by_role("row", name=re.compile("Main phone"))
    expect(row).to_contain_text("(434) 555-0100")
    expect(row).to_contain_text("(434) 555-0199")
    expect(staff.get_by_text("We added methadone in November.")).to_be_visible()
    staff.get_by_role("button", name="Approve all").click()
    expect(staff.get_by_text("the listing of Harbor Recovery is updated")).to_be_visible()

    page.goto(program.get_absolute_url())
    expect(page.get_by_role("link", name="Call (434) 555-0199")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Methadone")
    expect(page.get_by_role("row", name=re.compile("Friday"))).to_contain_text("7:30")

    staff.goto(f"/admin/directory/program/{program.pk}/history/")
    expect(staff.get_by_role("main")).to_contain_text("Proposed by the program through its link on")
    expect(staff.get_by_role("main")).to_contain_text("approved by Rosa Diaz")


def test_spanish_page_confirms_the_listing(page, listing):
    program, token = listing
    page.goto(f"/es/update/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actualice su anuncio")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Nada ha cambiado").click()
    expect(page.get_by_text("confirmó hoy")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"/es/programs/{program.slug}/")
    expect(page.get_by_role("main")).to_contain_text("Confirmado por el programa el")
    assert page.context.cookies() == []


@pytest.mark.parametrize("prefix, heading", [("", "This link cannot be used"), ("/es", "Este enlace no se puede usar")])
def test_a_used_up_link_explains_in_both_languages(page, listing, prefix, heading):
    program, token = listing
    links.issue(program, kind=UpdateLink.Kind.PRINTED)  # a newer link supersedes it
    page.goto(f"{prefix}/update/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("button")).to_have_count(0)
    assert axe_violations(page) == []


def test_errors_are_announced_and_nothing_is_sent(page, listing):
    _, token = listing
    page.goto(f"/update/{token}/")
    page.get_by_label("Main phone").fill("not a number")
    page.get_by_role("button", name="Send changes").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("Enter a US phone number")).to_be_visible()
    assert axe_violations(page) == []
    assert not UpdateLink.objects.get().proposals.exists()
