"""Result cards that tell the truth at a glance: open now or when it opens, in the program's own time
zone (across midnight and daylight-saving changes), stale listings flagged, and the way back to the results."""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.hours import open_status
from places.weekdays import Weekday
from tests.factories import make_program

T = datetime.time
MON, TUE, WED, THU, FRI, SAT, SUN = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY,
                                     Weekday.FRIDAY, Weekday.SATURDAY, Weekday.SUNDAY)
WEEKDAYS_9_TO_5 = [(day, T(9), T(17)) for day in (MON, TUE, WED, THU, FRI)]
ROUND_THE_CLOCK = [(day, T(0), T(23, 59)) for day in range(7)]


def at(text: str, zone: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def status(periods, zone, moment) -> str:
    return str(open_status(periods, zone, moment))


@pytest.mark.parametrize(("moment", "expected"), [
    ("2026-03-03 10:00", "Open now, closes 5 PM"),  # a Tuesday
    ("2026-03-03 08:15", "Closed, opens 9 AM"),
    ("2026-03-03 17:00", "Closed, opens Wed 9 AM"),  # closing time is closed
    ("2026-03-06 18:30", "Closed, opens Mon 9 AM"),  # Friday evening
    ("2026-03-07 23:59", "Closed, opens Mon 9 AM"),
])
def test_weekday_hours(moment, expected):
    assert status(WEEKDAYS_9_TO_5, "America/New_York", at(moment, "America/New_York")) == expected


def test_the_programs_own_zone_decides_not_the_visitors():
    # 9:30 in Baltimore is 7:30 in Phoenix: a Phoenix clinic opening at 8 has not opened yet.
    moment = at("2026-03-03 09:30", "America/New_York")
    assert status(WEEKDAYS_9_TO_5, "America/Phoenix", moment) == "Closed, opens 9 AM"
    assert status([(TUE, T(8), T(12))], "America/Phoenix", moment) == "Closed, opens 8 AM"
    assert status([(TUE, T(8), T(12))], "America/New_York", moment) == "Open now, closes 12 PM"


def test_across_midnight():
    # Open late into the night: Monday 6 PM to midnight, Tuesday midnight to 2 AM.
    late = [(MON, T(18), T(23, 59)), (TUE, T(0), T(2)), (TUE, T(18), T(23, 59)), (WED, T(0), T(2))]
    zone = "America/Chicago"
    assert status(late, zone, at("2026-03-02 23:30", zone)) == "Open now, closes Tue 2 AM"
    assert status(late, zone, at("2026-03-03 01:00", zone)) == "Open now, closes 2 AM"
    assert status(late, zone, at("2026-03-03 02:00", zone)) == "Closed, opens 6 PM"
    assert status([(MON, T(18), T(23, 59))], zone, at("2026-03-02 20:00", zone)) == "Open now, closes midnight"
    # Just before midnight on Sunday, the next opening is Monday's.
    assert status(WEEKDAYS_9_TO_5, zone, at("2026-03-08 23:58", zone)) == "Closed, opens Mon 9 AM"


def test_round_the_clock():
    assert status(ROUND_THE_CLOCK, "America/Denver", at("2026-03-04 03:00", "America/Denver")) == "Open 24 hours"


def test_across_daylight_saving_changes():
    zone = "America/New_York"
    # Spring forward: 2 AM on Sunday March 8, 2026 becomes 3 AM. At 1:59 EST an opening at 3 AM is one minute away.
    early = [(SUN, T(3), T(11))]
    assert status(early, zone, at("2026-03-08 01:59", zone)) == "Closed, opens 3 AM"
    assert status(early, zone, at("2026-03-08 07:00", "UTC")) == "Open now, closes 11 AM"  # 3:00 EDT
    # Fall back: 2 AM on Sunday November 1, 2026 is 1 AM again. Open midnight to 1:30 AM: at 5:45 UTC
    # the clock shows 1:45 EDT... and again at 6:45 UTC 1:45 EST; closed both times.
    night = [(SUN, T(0), T(1, 30))]
    assert status(night, zone, at("2026-11-01 05:15", "UTC")) == "Open now, closes 1:30 AM"  # 1:15 EDT
    assert status(night, zone, at("2026-11-01 05:45", "UTC")) == "Closed, opens Sun 12 AM"
    assert status(night, zone, at("2026-11-01 06:45", "UTC")) == "Closed, opens Sun 12 AM"
    # An evening after the change reads the new offset: 5 PM EST is 22:00 UTC.
    assert status(WEEKDAYS_9_TO_5, zone, at("2026-11-02 21:59", "UTC")) == "Open now, closes 5 PM"
    assert status(WEEKDAYS_9_TO_5, zone, at("2026-11-02 22:00", "UTC")) == "Closed, opens Tue 9 AM"


def test_no_weekly_hours_says_nothing():
    assert open_status([], "America/New_York", at("2026-03-03 10:00", "UTC")) is None


@pytest.fixture
def fixed_clock(monkeypatch):
    def freeze(moment):
        monkeypatch.setattr("directory.views.current_time", lambda: moment)
        return moment
    return freeze


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="program-card">(.*?)</li>', html, re.S)


@pytest.mark.django_db
def test_cards_say_open_or_when_they_open_in_the_programs_zone(client, fixed_clock):
    fixed_clock(at("2026-03-03 16:30", "America/New_York"))  # Tuesday 4:30 PM in Virginia
    make_program(name="Early Clinic", hours=[(TUE, "08:00", "16:00"), (WED, "08:00", "16:00")])
    make_program(name="Late Clinic", hours=[(TUE, "09:00", "17:00")])
    make_program(name="Hours Unknown")
    html = client.get("/programs/?near=22902").content.decode()
    by_name = {re.search(r">([^<]+)</a></h3>", card).group(1): card for card in cards(html)}
    assert "<strong>Closed</strong>, opens Wed 8 AM" in by_name["Early Clinic"]
    assert "<strong>Open now</strong>, closes 5 PM" in by_name["Late Clinic"]
    assert "open-status" not in by_name["Hours Unknown"]


@pytest.mark.django_db
def test_hours_are_read_in_one_query_for_the_whole_page(client):
    make_program(hours=[(MON, "09:00", "17:00")])
    client.get("/programs/?near=22902")  # the taxonomy is read once per process, not per search
    with CaptureQueriesContext(connection) as few:
        client.get("/programs/?near=22902")
    for _ in range(6):
        make_program(hours=[(MON, "09:00", "17:00"), (TUE, "09:00", "17:00")])
    client.get("/programs/?near=22902")  # the facet counts are counted afresh once after a change
    with CaptureQueriesContext(connection) as many:
        html = client.get("/programs/?near=22902").content.decode()
    assert html.count("open-status") == 7
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_stale_listings_ask_to_call_first(client, settings):
    settings.PORTAL_STALE_AFTER_DAYS = 180
    today = datetime.date.today()
    make_program(name="Old Listing", last_verified=today - datetime.timedelta(days=340))
    make_program(name="Fresh Listing", last_verified=today - datetime.timedelta(days=20))
    make_program(name="Never Checked", last_verified=None)
    html = client.get("/programs/?near=22902").content.decode()
    by_name = {re.search(r">([^<]+)</a></h3>", card).group(1): card for card in cards(html)}
    assert "Last verified 11\xa0months ago: call to confirm" in by_name["Old Listing"]
    assert "call to confirm" not in by_name["Fresh Listing"]
    assert "Not yet verified: call to confirm" in by_name["Never Checked"]
    settings.PORTAL_STALE_AFTER_DAYS = 365
    html = client.get("/programs/?near=22902").content.decode()
    assert "Last verified" not in html


@pytest.mark.django_db
def test_a_program_page_links_back_to_its_results_and_only_there(client):
    program = make_program(name="Back Link Clinic", website="https://clinic.example.org/start")
    results = client.get("/programs/?near=22902&radius=10&page=1&evil=x").content.decode()
    link = re.search(r'<h3 id="program-\d+"><a href="([^"]+)">Back Link Clinic', results).group(1)
    assert link.startswith(f"/programs/{program.slug}/?back=")
    assert "evil" not in link
    page = client.get(link.replace("&amp;", "&")).content.decode()
    back = re.search(r'<a href="([^"]+)">Back to your search results</a>', page).group(1)
    assert back.replace("&amp;", "&") == "/programs/?near=22902&radius=10&page=1"
    # Whatever is put in `back`, the link stays on this site's search page.
    for hostile in ("https://evil.example/", "//evil.example", "near=1&next=https://evil.example", "x" * 5000):
        page = client.get(f"/programs/{program.slug}/", {"back": hostile}).content.decode()
        found = re.search(r'<a href="([^"]+)">Back to your search results</a>', page)
        assert found is None or found.group(1).startswith("/programs/?")
        assert "evil.example" not in (found.group(1) if found else "")
    # Without a search to go back to, there is no link.
    assert "Back to your search results" not in client.get(f"/programs/{program.slug}/").content.decode()
    # Printed, the page shows the website's address.
    assert '<span class="print-only">https://clinic.example.org/start</span>' in page


@pytest.mark.django_db
def test_a_program_page_survives_any_back_value(client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    program = make_program()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(back=st.one_of(st.text(max_size=300), st.sampled_from(["near=%ff%fe", "q=%00&page=-1", "near=" + "9" * 999])))
    def check(back):
        response = client.get(f"/programs/{program.slug}/", {"back": back})
        assert response.status_code == 200
        found = re.search(r'<a href="([^"]+)">Back to your search results</a>', response.content.decode())
        assert found is None or found.group(1).startswith("/programs/?")

    check()
