"""Online meetings in a real browser: their time in the visitor's own time zone (worked out by the
browser, never sent to the server) beside the meeting's own; saving a meeting on the device."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations

from .factories import make_online_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_online_meeting_shows_its_time_in_the_visitors_own_zone(browser, live_server, fixed_now):
    # A Wednesday in winter: 7 PM in Phoenix is 9 PM in Ohio (Eastern time).
    fixed = datetime.datetime(2026, 1, 14, 12, 0, tzinfo=datetime.UTC)
    fixed_now(fixed)
    meeting = make_online_meeting(name="Desert Online", days=[3], start_time=datetime.time(19), timezone="America/Phoenix")
    context = browser.new_context(base_url=live_server.url, timezone_id="America/New_York")
    page = context.new_page()
    page.clock.set_fixed_time(fixed)  # the browser's clock too: the card's time is worked out for "today"
    page.goto(meeting.get_absolute_url())
    expect(page.get_by_text(re.compile(r"^Your time: Wednesday,? 9:00\sPM Eastern Standard Time$"))).to_be_visible()
    page.goto("/meetings/?attendance=online&day=3")
    expect(page.get_by_text(re.compile(r"^Your time: 9:00\sPM Eastern Standard Time$")).first).to_be_visible()
    assert axe_violations(page) == []
    context.close()
    same = browser.new_context(base_url=live_server.url, timezone_id="America/Phoenix")
    page = same.new_page()
    page.clock.set_fixed_time(fixed)
    page.goto(meeting.get_absolute_url())
    expect(page.get_by_text("Your time:")).to_be_hidden()
    same.close()


def test_saving_a_meeting_on_the_device(page, fixed_now):
    fixed_now(datetime.datetime(2026, 1, 14, 12, 0, tzinfo=datetime.UTC))
    meeting = make_online_meeting(name="Desert Online", days=[3], start_time=datetime.time(19), timezone="America/Phoenix")
    page.goto(meeting.get_absolute_url())
    page.get_by_role("button", name="Save on this device").click()
    page.get_by_role("link", name="Saved", exact=True).click()
    saved = page.get_by_role("list", name="Your saved list")
    expect(saved.get_by_role("heading")).to_have_text(["Desert Online"])
    expect(saved).to_contain_text("Meeting")
    expect(saved).to_contain_text("Wednesdays, 7:00 PM Arizona time")
    assert axe_violations(page) == []
