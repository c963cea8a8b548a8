"""On a phone (390×844), a search shows its first program on the first screen, with the form folded away."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations
from tests.factories import CVILLE, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_HEIGHT = 844


@pytest.fixture
def programs(transactional_db, settings):
    settings.PORTAL_DEMO = True  # the banner takes room on the first screen too
    for n in range(6):
        make_program(name=f"Clinic {n}", latitude=CVILLE[0] + n / 100, longitude=CVILLE[1],
                     terms=["BU", "MD", "OP", "SP"], accepting_new_patients=True,
                     description="Walk-in assessments every weekday. " * 10)


def first_result_top(page) -> float:
    return page.get_by_role("article").first.bounding_box()["y"]


def test_after_a_search_the_first_program_is_on_the_first_screen(page, programs):
    page.goto("/programs/")
    panel = page.get_by_text("Change search")
    expect(page.get_by_label("ZIP code or city")).to_be_visible()  # a first visit shows the whole form
    assert axe_violations(page) == []

    page.get_by_label("ZIP code or city").fill("22902")
    page.get_by_text("More filters").click()
    page.get_by_label("Buprenorphine (Suboxone and others)").check()
    page.get_by_label("Medicaid").check()
    page.get_by_label("Accepting new patients").check()
    page.get_by_role("button", name="Update results").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("within 25 miles of 22902")
    assert first_result_top(page) < SCREEN_HEIGHT
    # The folded form says which filters are in use, and opens without JavaScript.
    expect(panel).to_be_visible()
    expect(page.get_by_text("Filters (3): Accepting new patients, Buprenorphine (Suboxone and others), Medicaid")).to_be_visible()
    expect(page.get_by_label("ZIP code or city")).to_be_hidden()
    assert axe_violations(page) == []

    page.keyboard.press("Tab")  # the skip link first, then the page in reading order
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_text("Change search").click()
    expect(page.get_by_label("ZIP code or city")).to_have_value("22902")
    expect(page.get_by_text(re.compile(r"More filters \(2 in use: Buprenorphine \(Suboxone and others\), Medicaid\)"))).to_be_visible()
    assert axe_violations(page) == []
    assert page.recorder.foreign_requests() == []
    assert page.context.cookies() == []


def test_the_home_page_search_lands_with_the_first_program_in_view(page, programs):
    page.goto("/")
    page.get_by_label("ZIP code or city").fill("22902")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("programs found"))).to_be_visible()
    assert first_result_top(page) < SCREEN_HEIGHT
    expect(page.get_by_text("Filters (0)")).to_be_visible()


@pytest.mark.parametrize("address", [
    # Typed needs become five removable chips, in the longer Spanish words.
    "/es/programs/?q=buprenorfina+medicaid+en+espa%C3%B1ol+ambulatorio&near=22902",
    "/programs/?q=suboxone+medicaid+spanish+speaking+walk+in+accepting+new+patients&near=22902",
])
def test_many_chips_still_leave_the_first_program_on_the_first_screen(page, programs, address):
    page.goto(address)
    expect(page.locator(".chip").first).to_be_visible()
    assert page.locator(".chip").count() >= 4
    assert first_result_top(page) < SCREEN_HEIGHT
    assert axe_violations(page) == []


def test_a_place_not_understood_keeps_the_form_open(page, programs):
    page.goto("/programs/?near=Charlotesville%2C+VA")
    expect(page.get_by_label("ZIP code or city")).to_be_visible()
    expect(page.get_by_text("We could not find Charlotesville, VA")).to_be_visible()
