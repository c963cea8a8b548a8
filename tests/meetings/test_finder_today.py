"""In the evening, "today" tells the meetings still to come from the ones already over; paging keeps every choice."""
import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from meetings.filters import MeetingFilterSet
from meetings.models import Meeting

from .conftest import at
from .factories import make_meeting, make_online_meeting
from .test_views import day_headings, names

pytestmark = pytest.mark.django_db

T = datetime.time
WEDNESDAY_EVENING = "2026-03-04 20:30"  # Eastern


def badges(response) -> dict[str, str]:
    html = response.content.decode()
    found = {}
    for card in re.findall(r'<li class="meeting-card[^"]*">(.*?)</li>', html, re.S):
        name = re.search(r'<a href="[^"]+">([^<]+)</a>', card).group(1)
        badge = re.search(r'<p class="badge [^"]*">([^<]+)</p>', card)
        found[name] = badge.group(1) if badge else ""
    return found


@pytest.fixture
def wednesday(fixed_now):
    fixed_now(at(WEDNESDAY_EVENING, "America/New_York"))
    make_meeting(name="Breakfast Group", days=[3], start_time=T(7), end_time=T(8))
    make_meeting(name="Supper Group", days=[3], start_time=T(19))  # 7 to 8 PM: over at 8:30
    make_meeting(name="Still Going", days=[3], start_time=T(20))  # 8 to 9 PM: under way
    make_meeting(name="Night Owls", days=[3], start_time=T(21))
    make_meeting(name="Past Midnight", days=[3], start_time=T(23), end_time=T(0, 30))


def test_todays_ended_meetings_are_marked_and_listed_after_the_rest(client, wednesday):
    response = client.get("/meetings/?day=today")
    assert names(response) == ["Still Going", "Night Owls", "Past Midnight", "Breakfast Group", "Supper Group"]
    marked = badges(response)
    assert marked["Breakfast Group"] == "Ended earlier today, at 8:00 AM"
    assert marked["Supper Group"] == "Ended earlier today, at 8:00 PM"
    assert marked["Still Going"] == marked["Night Owls"] == ""


def test_near_a_place_the_ended_ones_go_after_the_nearer_ones_too(client, wednesday):
    make_meeting(name="Far But Later", days=[3], start_time=T(22), latitude=39.40, longitude=-76.60)
    response = client.get("/meetings/?near=21201&day=today")
    listed = names(response)
    assert listed.index("Far But Later") < listed.index("Breakfast Group")
    assert listed[-2:] == ["Breakfast Group", "Supper Group"]


def test_the_week_listing_puts_todays_ended_meetings_at_the_end_of_today(client, wednesday):
    make_meeting(name="Thursday Group", days=[4], start_time=T(7))
    response = client.get("/meetings/?day=")
    assert day_headings(response) == ["Wednesday (today)", "Thursday"]
    assert names(response) == [
        "Still Going", "Night Owls", "Past Midnight", "Breakfast Group", "Supper Group", "Thursday Group"
    ]


def test_another_day_marks_nothing(client, wednesday):
    response = client.get("/meetings/?day=3")  # Wednesday chosen by name: still today
    assert names(response)[-1] == "Supper Group"
    tuesday = client.get("/meetings/?day=2")
    assert "Ended earlier today" not in tuesday.content.decode()


def test_each_meeting_is_judged_by_its_own_clock(fixed_now):
    # 10:30 PM on Tuesday in Phoenix is 12:30 AM on Wednesday in Baltimore. For someone in Phoenix,
    # Tuesday's Eastern meetings are over, except the one that runs past midnight.
    now = fixed_now(at("2026-03-03 22:30", "America/Phoenix"))
    make_online_meeting(name="Eastern Evening", days=[2], start_time=T(19))
    make_online_meeting(name="Eastern Late", days=[2], start_time=T(23, 30), end_time=T(1))
    make_online_meeting(name="Phoenix Evening", days=[2], start_time=T(19), timezone="America/Phoenix")
    make_online_meeting(name="Phoenix Late", days=[2], start_time=T(23), timezone="America/Phoenix")
    make_online_meeting(name="Pacific Late", days=[2], start_time=T(21), timezone="America/Los_Angeles")
    ended = dict(Meeting.objects.with_ended_today(now, 2).values_list("name", "ended_today"))
    assert ended == {
        "Eastern Evening": True, "Eastern Late": False,
        "Phoenix Evening": True, "Phoenix Late": False,
        "Pacific Late": False,  # 9:30 PM in Los Angeles: under way
    }
    # And Wednesday's meetings have not started anywhere that is still Tuesday.
    make_online_meeting(name="Pacific Wednesday", days=[3], start_time=T(0), timezone="America/Los_Angeles")
    assert not Meeting.objects.with_ended_today(now, 3).get(name="Pacific Wednesday").ended_today


def links(response, name: str) -> list[dict]:
    html = response.content.decode()
    nav = html[html.index('aria-label="Pagination"'):]
    return [parse_qs(urlsplit(unescape(href)).query, keep_blank_values=True)
            for href in re.findall(r'<a href="([^"]+)"[^>]*>' + name, nav)]


def test_next_page_keeps_every_choice_the_first_visits_today_included(client, settings, fixed_now):
    fixed_now(at("2026-03-04 06:00", "America/New_York"))
    settings.PORTAL_PAGE_SIZE = 2
    for n in range(5):
        make_meeting(name=f"Wednesday {n}", days=[3], start_time=T(7 + n), types=["O", "W"], fellowship="na")
    make_meeting(name="Thursday", days=[4], start_time=T(7))
    first = client.get("/meetings/")
    (following,) = links(first, "Next")
    assert following == {"day": ["today"], "page": ["2"]}
    assert names(client.get("/meetings/?day=today&page=2")) == ["Wednesday 2", "Wednesday 3"]

    search = "/meetings/?near=21201&radius=10&day=today&time=morning&attendance=in_person&fellowship=na&type=O&type=W&q=church"
    response = client.get(search)
    assert len(names(response)) == 2
    (following,) = links(response, "Next")
    assert following == {
        "near": ["21201"], "radius": ["10"], "day": ["today"], "time": ["morning"], "attendance": ["in_person"],
        "fellowship": ["na"], "type": ["O", "W"], "q": ["church"], "page": ["2"],
    }
    page_links = links(client.get(search + "&page=2"), r"<span class=\"visually-hidden\">Page </span>\d")
    assert page_links and all(link["type"] == ["O", "W"] and link["day"] == ["today"] for link in page_links)


def test_the_form_settles_contradicting_choices(fixed_now):
    now = at("2026-03-04 18:30", "America/New_York")  # Wednesday
    soon_on_friday = MeetingFilterSet({"day": "5", "when": "soon"}, queryset=Meeting.objects.all(), now=now)
    assert soon_on_friday.day_number is None and soon_on_friday.mode == "soon"
    assert soon_on_friday.conflicts == [
        "Starting within the next hour means today, so we did not limit the meetings to Friday."
    ]
    today_and_soon = MeetingFilterSet({"day": "today", "when": "soon"}, queryset=Meeting.objects.all(), now=now)
    assert today_and_soon.day_number == 3 and today_and_soon.conflicts == []
    legacy = MeetingFilterSet({"type": ["ONL", "W"]}, queryset=Meeting.objects.all(), now=now)
    assert legacy.attendance_mode == "online" and legacy.form.cleaned_data["type"] == ["W"]
    online_near = MeetingFilterSet({"near": "21201", "attendance": "online"}, queryset=Meeting.objects.all(), now=now)
    assert not online_near.distance_applies and online_near.mode == "day"
    in_person_near = MeetingFilterSet({"near": "21201"}, queryset=Meeting.objects.all(), now=now)
    assert in_person_near.distance_applies and in_person_near.mode == "distance"


def test_a_conflict_is_explained_on_the_page(client, fixed_now):
    fixed_now(at("2026-03-04 18:30", "America/New_York"))
    make_meeting(name="Soon", days=[3], start_time=T(19))
    response = client.get("/meetings/?day=5&when=soon")
    assert names(response) == ["Soon"]
    assert "means today, so we did not limit the meetings to Friday." in response.content.decode()


def test_a_very_long_day_keeps_time_order_and_still_marks_the_ended_ones(client, wednesday, monkeypatch):
    from meetings.filters import DayListing

    monkeypatch.setattr(DayListing, "MAX_REORDERED", 3)  # a whole country's day is tens of thousands
    response = client.get("/meetings/?day=today")
    assert names(response) == ["Breakfast Group", "Supper Group", "Still Going", "Night Owls", "Past Midnight"]
    assert badges(response)["Supper Group"] == "Ended earlier today, at 8:00 PM"
