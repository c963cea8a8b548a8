"""The finder in a real browser: find a meeting near a ZIP code by visible labels, open it, check it with axe."""
import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations

from .factories import make_meeting, make_online_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listed(transactional_db):
    make_meeting(name="Lanternfield Hope Group", days=list(range(7)), start_time=datetime.time(19),
                 types=["O", "X", "BE"], conference_url="https://meet.example.org/lantern",
                 conference_phone="+14105550123")
    make_meeting(name="Bellwether Morning Group", days=[1, 3, 5], start_time=datetime.time(7),
                 fellowship="smart-recovery", latitude=39.33, longitude=-76.60)
    make_online_meeting(name="Quillbrook Online Circle", days=list(range(7)), start_time=datetime.time(12))


def test_find_a_meeting_near_a_zip_and_open_it(page, listed):
    page.goto("/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a support group meeting")
    assert axe_violations(page) == []

    page.get_by_label("ZIP code or city").fill("21201")
    page.get_by_label("Day", exact=True).select_option(label="Any day")
    page.get_by_role("button", name="Find meetings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("within 25 miles of 21201 (Baltimore, MD)")
    results = page.get_by_role("region", name="2 meetings within 25 miles")
    expect(results.get_by_role("link", name="Lanternfield Hope Group")).to_be_visible()
    expect(results.get_by_role("link", name="Quillbrook Online Circle")).to_have_count(0)
    assert "near=21201" in page.url  # a shareable address
    assert axe_violations(page) == []

    page.get_by_role("link", name="Lanternfield Hope Group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lanternfield Hope Group")
    expect(page.get_by_role("link", name="Join the video meeting")).to_have_attribute(
        "href", "https://meet.example.org/lantern")
    expect(page.get_by_role("link", name="Join by phone: (410) 555-0123")).to_have_attribute(
        "href", "tel:+14105550123")
    expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()
    expect(page.get_by_text("Eastern time (America/New_York)")).to_be_visible()
    assert axe_violations(page) == []

    assert page.recorder.foreign_requests() == []
    assert page.context.cookies() == []


def test_online_meetings_by_visible_labels(page, listed):
    page.goto("/meetings/")
    expect(page.get_by_label("Day", exact=True)).to_have_value("today")  # a first visit shows today
    page.get_by_label("Day", exact=True).select_option(label="Any day")
    page.get_by_label("Online", exact=True).check()
    page.get_by_role("button", name="Find meetings").click()
    results = page.get_by_role("region", name="meetings this week, by day")
    expect(results.get_by_role("link", name="Quillbrook Online Circle").first).to_be_visible()
    expect(results.get_by_role("link", name="Lanternfield Hope Group").first).to_be_visible()  # hybrid
    expect(results.get_by_role("link", name="Bellwether Morning Group")).to_have_count(0)
    results_url = page.url
    page.get_by_role("link", name="Quillbrook Online Circle").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quillbrook Online Circle")
    expect(page.get_by_text("No address is needed for online meetings.")).to_be_visible()
    assert axe_violations(page) == []
    # (Not Back: with JavaScript the portal's pages replace each other in the history, for Quick exit.)
    page.goto(results_url)
    page.get_by_text("Change search").click()
    page.get_by_text("Fellowship, meeting type and keywords").click()
    page.get_by_label("SMART Recovery").check()
    page.get_by_role("button", name="Find meetings").click()
    expect(page.get_by_role("heading", name="No meetings match this search")).to_be_visible()
    assert "attendance=online" in page.url and "fellowship=smart-recovery" in page.url
    assert axe_violations(page) == []
    assert page.recorder.foreign_requests() == []
    assert page.context.cookies() == []
