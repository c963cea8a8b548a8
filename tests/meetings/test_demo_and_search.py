"""Demo meetings (fictional, deterministic, loaded once) and meetings beside the treatment search."""
import datetime
import json
import re
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.template.loader import render_to_string

from directory.demo import METROS
from meetings.demo import DEMO_FILE, MeetingDemoFactory
from meetings.models import Attendance, Meeting
from meetings.search import nearby_meetings
from places import geo

from .conftest import at
from .factories import make_meeting, make_online_meeting

pytestmark = pytest.mark.django_db


def demo_rows() -> list[dict]:
    return json.loads(DEMO_FILE.read_text())["meetings"]


class TestDemoData:
    def test_fixture_is_what_the_generator_makes(self):
        assert MeetingDemoFactory(seed=2026).meetings() == demo_rows()

    def test_fixture_is_fictional_and_spread_over_the_metros(self):
        rows = demo_rows()
        in_person = [row for row in rows if row.get("address")]
        online_only = [row for row in rows if not row.get("address")]
        assert len(in_person) >= 300 and 35 <= len(online_only) <= 45
        states = {row["state"] for row in in_person}
        assert {label.split(", ")[1] for label, _, _ in METROS} <= states
        text = DEMO_FILE.read_text()
        for number in re.findall(r"\+1\d{10}", text):
            assert number[5:9] == "5550" and number[9] == "1", number  # 555-01xx only
        for url in re.findall(r"https?://[^\"\s]+", text):
            # example.org, or Zoom's all-zero meeting number (a provider apps recognise, a meeting that does not exist)
            assert re.match(r"https://([a-z.]*example\.org/|zoom\.us/j/0000000000\?demo=)", url), url
        starts = Counter(int(row["time"][:2]) for row in rows)
        assert starts[7] and starts[12] and starts[19] and any(starts[h] for h in (21, 22, 23))
        assert any(row["day"] in (0, 6) for row in rows if isinstance(row["day"], int))

    def test_load_demo_loads_meetings_once(self):
        out = StringIO()
        call_command("load_demo", stdout=out)
        assert f"{len(demo_rows())} meetings" in out.getvalue()
        assert Meeting.objects.filter(source="demo").count() == len(demo_rows())
        assert apps.get_app_config("meetings").load_demo_content() == f"0 meetings ({len(demo_rows())} already present)"
        assert Meeting.objects.filter(source="demo").count() == len(demo_rows())
        assert Counter(Meeting.objects.values_list("attendance", flat=True))[Attendance.ONLINE] >= 40


class TestNearbyMeetings:
    def test_next_meetings_near_a_place_first(self):
        now = at("2026-03-02 18:00", "America/New_York")  # Monday
        make_meeting(name="Tonight", days=[1], start_time=datetime.time(19))
        make_meeting(name="Tomorrow", days=[2], start_time=datetime.time(7))
        make_meeting(name="Started", days=[1], start_time=datetime.time(17, 30))
        make_online_meeting(name="Online", days=[1], start_time=datetime.time(18, 30))
        make_meeting(name="Closed", days=[1], start_time=datetime.time(18, 15), status=Meeting.Status.TEMPORARILY_CLOSED)
        nearby = nearby_meetings(geo.resolve("21201"), 25, limit=2, now=now)
        assert [m.name for m in nearby] == ["Tonight", "Tomorrow"]
        assert [m.when_label for m in nearby] == ["Today at 7:00 PM", "Tomorrow at 7:00 AM"]
        assert nearby.finder_url == "/meetings/?near=21201&radius=25"

    def test_partial_renders_a_section(self):
        make_meeting(name="Lantern Group")
        nearby = nearby_meetings(geo.resolve("Baltimore, MD"), 10)
        html = render_to_string("meetings/includes/nearby_meetings.html", {"nearby": nearby})
        assert '<section class="nearby-meetings" aria-labelledby="nearby-meetings-heading">' in html
        assert "Support group meetings near Baltimore, MD</h2>" in html
        assert "Lantern Group" in html
        assert 'href="/meetings/?near=Baltimore%2C+MD&amp;radius=10"' in html

    def test_partial_heading_level(self):
        nearby = nearby_meetings(geo.resolve("21201"), 10)
        html = render_to_string("meetings/includes/nearby_meetings.html", {"nearby": nearby, "heading_level": 3})
        assert '<h3 id="nearby-meetings-heading">Support group meetings near 21201 (Baltimore, MD)</h3>' in html

    def test_partial_without_meetings_offers_online_ones(self):
        nearby = nearby_meetings(geo.resolve("85004"), 5)
        html = render_to_string("meetings/includes/nearby_meetings.html", {"nearby": nearby})
        assert "No in-person meetings are listed within 5 miles" in html
        assert "/meetings/?attendance=online&amp;day=today" in html

