"""On a phone (390×844), the meeting finder shows its first meeting on the first screen after a search."""
import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations

from .factories import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_HEIGHT = 844


@pytest.fixture
def listed(transactional_db, settings):
    settings.PORTAL_DEMO = True
    for n in range(5):
        make_meeting(name=f"Harbor Group {n}", days=list(range(7)), start_time=datetime.time(6 + n * 3),
                     types=["O", "X"])


def test_after_a_search_the_first_meeting_is_on_the_first_screen(page, listed):
    page.goto("/meetings/")
    expect(page.get_by_label("ZIP code or city")).to_be_visible()  # open on a first visit
    page.get_by_label("ZIP code or city").fill("21201")
    page.get_by_label("Day", exact=True).select_option(label="Any day")
    page.get_by_label("In person", exact=True).check()
    page.get_by_role("button", name="Find meetings").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("within 25 miles of 21201")
    assert page.get_by_role("article").first.bounding_box()["y"] < SCREEN_HEIGHT
    expect(page.get_by_text("Filters (1): In person")).to_be_visible()
    expect(page.get_by_label("ZIP code or city")).to_be_hidden()
    assert axe_violations(page) == []

    page.get_by_text("Change search").click()
    expect(page.get_by_label("ZIP code or city")).to_have_value("21201")
    assert axe_violations(page) == []
    assert page.recorder.foreign_requests() == []
    assert page.context.cookies() == []


def test_typed_words_and_a_place_not_found_on_a_phone(page, listed):
    # Words become the finder's choices; a place it cannot find lists nothing and offers places first.
    page.goto("/meetings/?q=open+meetings&near=Baltimor")
    expect(page.get_by_role("heading", name="Which place do you mean?")).to_be_visible()
    assert page.get_by_role("article").count() == 0
    suggestion = page.get_by_role("link", name="Baltimore, MD")
    assert suggestion.bounding_box()["y"] < SCREEN_HEIGHT
    assert axe_violations(page) == []
    suggestion.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baltimore, MD")
    assert "type=O" in page.url
    assert page.get_by_role("article").first.bounding_box()["y"] < SCREEN_HEIGHT
    assert axe_violations(page) == []
