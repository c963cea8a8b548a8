"""The public finder and meeting pages, as a visitor sees them."""
import datetime
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from meetings.models import Meeting

from .conftest import at
from .factories import PHOENIX, make_meeting, make_online_meeting

pytestmark = pytest.mark.django_db

T = datetime.time


def names(response) -> list[str]:
    """Meeting names in the order the results list shows them."""
    html = response.content.decode()
    results = html[html.index('id="results-heading"'):]
    return re.findall(r'<h[34] id="meeting-[^"]+"><a href="[^"]+">([^<]+)</a>', results)


def day_headings(response) -> list[str]:
    return re.findall(r'<h3 class="day-heading">([^<]+)</h3>', response.content.decode())


class TestFinder:
    def test_grouped_by_day_from_today_and_sorted_by_time(self, client, fixed_now):
        fixed_now(at("2026-03-04 09:00", "America/New_York"))  # a Wednesday
        make_meeting(name="Mon-Wed evening", days=[1, 3], start_time=T(19))
        make_meeting(name="Wed morning", days=[3], start_time=T(7))
        make_meeting(name="Tue noon", days=[2], start_time=T(12))
        response = client.get("/meetings/?day=")  # "Any day"
        assert response.status_code == 200
        assert day_headings(response) == ["Wednesday (today)", "Monday", "Tuesday"]
        # Today's 7 AM meeting is over by 9 AM: it comes after the ones still to come today.
        assert names(response) == ["Mon-Wed evening", "Wed morning", "Mon-Wed evening", "Tue noon"]
        assert "4 meetings this week, by day" in response.content.decode()

    def test_first_visit_shows_todays_meetings(self, client, fixed_now):
        fixed_now(at("2026-03-04 09:00", "America/New_York"))  # a Wednesday
        make_meeting(name="Wednesday", days=[3])
        make_meeting(name="Thursday", days=[4])
        response = client.get("/meetings/")
        assert names(response) == ["Wednesday"]
        assert '<option value="today" selected>Today (Wednesday)</option>' in response.content.decode()

    def test_any_day_pages_run_across_days(self, client, settings, fixed_now):
        fixed_now(at("2026-03-04 07:00", "America/New_York"))  # a Wednesday, before its first meeting
        settings.PORTAL_PAGE_SIZE = 2
        for n, day in enumerate([3, 3, 3, 4, 5]):
            make_meeting(name=f"M{n}", days=[day], start_time=T(8 + n))
        page2 = client.get("/meetings/?day=&page=2")
        assert names(page2) == ["M2", "M3"]
        assert day_headings(page2) == ["Wednesday (today)", "Thursday"]
        assert names(client.get("/meetings/?day=&page=3")) == ["M4"]
        assert "There are only 3 pages" in client.get("/meetings/?day=&page=9").content.decode()

    def test_near_a_zip_sorted_by_distance_with_in_person_only(self, client):
        make_meeting(name="Farther", latitude=39.40, longitude=-76.60)
        make_meeting(name="Nearest", latitude=39.2950, longitude=-76.6250)
        make_online_meeting(name="Online")
        make_meeting(name="Phoenix", latitude=PHOENIX[0], longitude=PHOENIX[1])
        response = client.get("/meetings/?near=21201&radius=25")
        assert names(response) == ["Nearest", "Farther"]
        html = response.content.decode()
        assert "Support group meetings within 25 miles of 21201 (Baltimore, MD)" in html
        assert "Show online meetings instead" in html

    def test_online_meetings_ignore_distance(self, client):
        make_online_meeting(name="Online anywhere")
        make_meeting(name="In person")
        response = client.get("/meetings/?near=85004&attendance=online")
        assert names(response) == ["Online anywhere"]
        assert "not limited by distance" in response.content.decode()

    def test_today_is_the_searchers_today(self, client, fixed_now):
        fixed_now(at("2026-03-08 05:30"))  # Sunday 12:30 AM in New York, Saturday 10:30 PM in Phoenix
        make_meeting(name="Saturday Phoenix", days=[6], timezone="America/Phoenix",
                     latitude=PHOENIX[0], longitude=PHOENIX[1])
        make_meeting(name="Sunday Phoenix", days=[0], timezone="America/Phoenix",
                     latitude=PHOENIX[0], longitude=PHOENIX[1])
        response = client.get("/meetings/?near=85004&day=today")
        assert names(response) == ["Saturday Phoenix"]
        assert "Today (Saturday)" in response.content.decode()
        response = client.get("/meetings/?day=today")  # no place: the portal's zone, where it is Sunday
        assert names(response) == ["Sunday Phoenix"]

    def test_starting_soon_and_in_progress(self, client, fixed_now):
        fixed_now(at("2026-03-02 18:40", "America/New_York"))  # Monday
        make_meeting(name="At seven", days=[1], start_time=T(19))
        make_meeting(name="Under way", days=[1], start_time=T(18, 30))
        make_meeting(name="Later", days=[1], start_time=T(21))
        soon = client.get("/meetings/?when=soon")
        assert names(soon) == ["At seven"]
        assert "Starts in 20 minutes" in soon.content.decode()
        now = client.get("/meetings/?when=now")
        assert names(now) == ["Under way"]
        assert "In progress: started 10 minutes ago" in now.content.decode()

    def test_times_show_the_meetings_own_zone(self, client):
        make_meeting(name="Phoenix", timezone="America/Phoenix", start_time=T(19), end_time=T(20, 15))
        html = client.get("/meetings/?day=1").content.decode()
        assert '<strong>7:00 PM to 8:15 PM</strong> <span class="zone">Arizona time (America/Phoenix)</span>' in html

    def test_filters_by_fellowship_type_attendance_time_and_keywords(self, client):
        make_meeting(name="SMART evening", fellowship="smart-recovery", start_time=T(18), types=["O"])
        make_meeting(name="NA women", fellowship="na", start_time=T(18), types=["W", "C"])
        make_meeting(name="NA morning", fellowship="na", start_time=T(7), types=["O"])
        make_meeting(name="Nar-Anon hybrid", fellowship="nar-anon", start_time=T(12),
                     conference_url="https://meet.example.org/f")
        assert names(client.get("/meetings/?fellowship=smart-recovery&fellowship=na&time=evening")) == [
            "NA women", "SMART evening",
        ]
        assert names(client.get("/meetings/?type=W&type=C")) == ["NA women"]
        assert names(client.get("/meetings/?attendance=hybrid")) == ["Nar-Anon hybrid"]
        assert names(client.get("/meetings/?attendance=online")) == ["Nar-Anon hybrid"]
        assert names(client.get("/meetings/?q=morning", follow=True)) == ["NA morning"]  # read as time=morning
        assert names(client.get("/meetings/?type=ONL")) == ["Nar-Anon hybrid"]  # the older online code

    def test_pagination_keeps_the_filters(self, client, settings, fixed_now):
        fixed_now(at("2026-03-02 08:00", "America/New_York"))  # a Monday morning: none has started yet
        settings.PORTAL_PAGE_SIZE = 2
        for n in range(5):
            make_meeting(name=f"Meeting {n}", start_time=T(10 + n))
        response = client.get("/meetings/?day=1&page=2")
        html = response.content.decode()
        assert names(response) == ["Meeting 2", "Meeting 3"]
        assert 'aria-label="Pagination"' in html and "?day=1&amp;page=3" in html
        assert "page 2 of 3" in html
        last = client.get("/meetings/?day=1&page=7").content.decode()
        assert "There are only 3 pages of results; this is the last one." in last and "Meeting 4" in last
        assert "Page numbers start at 1" in client.get("/meetings/?day=1&page=-2").content.decode()

    def test_bad_values_are_ignored_with_an_explanation(self, client):
        make_meeting(name="Still listed")
        response = client.get("/meetings/?day=9&time=dawn&fellowship=nope&type=ZZZ&page=abc&colour=blue&radius=3")
        assert response.status_code == 200
        html = response.content.decode()
        assert names(response) == ["Still listed"]
        assert "Day: we did not recognise that choice" in html
        assert "Time of day: we did not recognise that choice" in html
        assert "Fellowship: we ignored 1 option we do not recognise." in html
        assert "Meeting type: we ignored 1 option we do not recognise." in html
        assert "We ignored parameters this search does not use: colour." in html

    def test_unknown_place_suggests_others(self, client):
        response = client.get("/meetings/?near=21299")
        html = response.content.decode()
        assert response.status_code == 200
        assert "We could not find the ZIP code 21299" in html and 'aria-invalid="true"' in html

    def test_no_cookies_no_third_party_and_no_inline_code(self, client):
        make_meeting()
        for url in ("/meetings/", "/meetings/?near=21201&day=today&time=evening", "/meetings/test-meeting-x/"):
            response = client.get(url)
            assert not response.cookies
        html = client.get("/meetings/?near=21201").content.decode()
        assert "style=" not in html and "<script>" not in html
        assert not re.findall(r'(?:src|href)="https?://(?!testserver)[^"]*\.(?:js|css|woff2?)', html)
        assert len(html.encode()) < 60_000

    def test_nav_marks_meetings_current(self, client):
        html = client.get("/meetings/").content.decode()
        assert '<a href="/meetings/" aria-current="page">Find a meeting</a>' in html


class TestMeetingPage:
    def test_in_person_meeting(self, client, fixed_now):
        fixed_now(at("2026-03-02 12:00", "America/New_York"))
        meeting = make_meeting(name="Lantern", days=[1, 4], start_time=T(19), end_time=T(20, 30), types=["O", "X"],
                               location_notes="Side door.")
        html = client.get(meeting.get_absolute_url()).content.decode()
        assert "Mondays and Thursdays, 7:00 PM to 8:30 PM</strong> Eastern time (America/New_York)" in html
        assert "Next meeting: <time datetime=\"2026-03-02T19:00:00-05:00\">Monday, March 2 at 7:00 PM</time> (today)" in html
        assert "openstreetmap.org/directions?to=39.29460%2C-76.62520" in html
        assert f'href="{meeting.get_calendar_url()}"' in html and "Add to calendar" in html
        assert "Wheelchair Access" in html and "Side door." in html
        assert "Join online" not in html
        assert "Staff last verified this listing on" in html

    def test_online_meeting_join_details(self, client):
        meeting = make_online_meeting(
            conference_url="https://meet.example.org/lantern", conference_url_notes="Passcode: hope",
            conference_phone="+14105550123,,5550100#", conference_phone_notes="Press # to join.",
        )
        html = client.get(meeting.get_absolute_url()).content.decode()
        assert 'href="https://meet.example.org/lantern" rel="noopener noreferrer nofollow"' in html
        assert 'href="tel:+14105550123,,5550100%23"' in html and "Join by phone: (410) 555-0123<" in html
        assert "Passcode: hope" in html and "No address is needed" in html
        assert "<address>" not in html and "Get directions" not in html

    def test_temporarily_closed_meeting_says_so(self, client):
        meeting = make_meeting(status=Meeting.Status.TEMPORARILY_CLOSED)
        html = client.get(meeting.get_absolute_url()).content.decode()
        assert "This meeting is temporarily closed." in html

    def test_unknown_meeting_is_404(self, client):
        assert client.get("/meetings/no-such-meeting/").status_code == 404
        assert client.get("/meetings/no-such-meeting/calendar.ics").status_code == 404


QUERY_KEYS = st.sampled_from([
    "near", "radius", "day", "time", "when", "attendance", "fellowship", "type", "q", "page", "sort", "near[]", "",
])
QUERY_VALUES = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["today", "21201", "Denver, CO", "39.3,-76.6", "soon", "now", "online", "hybrid", "night",
                     "na", "O", "ONL", "-1", "0", "99999999999999999999", "1e9", "NaN", "'; DROP TABLE x;--",
                     "<script>alert(1)</script>", "\x00", "%00", "../../etc/passwd", "a" * 5000, "🙂" * 50]),
)


@given(params=st.lists(st.tuples(QUERY_KEYS, QUERY_VALUES), max_size=8))
def test_hostile_query_strings_never_fail(params):
    client = Client(raise_request_exception=False)
    for path in ("/meetings/", "/meetings/feed.json", "/es/meetings/"):
        response = client.get(f"{path}?{urlencode(params)}")
        assert response.status_code < 500, (path, params)


def test_a_place_not_found_lists_no_meetings_from_elsewhere_and_offers_places(client):
    make_meeting(name="Somewhere else")
    response = client.get("/meetings/", {"near": "Baltimor", "fellowship": "na", "day": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == []
    assert "Which place do you mean?" in html
    assert html.index("Which place do you mean?") < html.index('<search class="search-box')  # first
    assert '<a href="/meetings/?near=Baltimore%2C+MD&amp;fellowship=na&amp;day=">Baltimore, MD</a>' in html
    assert "Meetings are listed once we know where to look." in html
    assert html.count(">Baltimore, MD</a>") == 1  # offered once, not again beside the field
