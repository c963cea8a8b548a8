"""Importing real Meeting Guide feeds written by other projects (../shared/realdata/meeting-guide-feeds)."""
import datetime
import functools
import http.server
import json
import threading
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings import importers
from meetings.models import Attendance, Fellowship, Meeting

pytestmark = pytest.mark.django_db

FEEDS = Path("/work/shared/realdata/meeting-guide-feeds")
T = datetime.time


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_meeting_guide", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def eda_fellowship():
    return Fellowship.objects.create(name="Eating Disorders Anonymous", slug="eda", abbreviation="EDA")


def snapshot() -> dict:
    return {m.slug: (m.updated, m.attendance, m.name, m.days) for m in Meeting.objects.defer("search_vector")}


class TestSussexFeed:
    def test_imports_all_meetings_with_exact_records(self):
        out, err = run(FEEDS / "sussexaa.json")
        assert "Done: created 123, updated 0, left 0 unchanged." in out
        assert err == ""
        assert Meeting.objects.filter(source="sussexaa").count() == 123
        last_call = Meeting.objects.get(slug="last-call")
        assert last_call.name == "Last Call"
        assert last_call.fellowship.slug == "aa"
        assert (last_call.days, last_call.start_time, last_call.end_time) == ([0], T(23), T(0))
        assert last_call.crosses_midnight
        assert last_call.timezone == "America/New_York"
        assert last_call.location == "Epworth United Methodist Church"
        assert (last_call.address, last_call.city, last_call.state, last_call.postal_code, last_call.country) == (
            "19285 Holland Glade Rd", "Rehoboth Beach", "DE", "19971", "US",
        )
        assert (last_call.latitude, last_call.longitude) == pytest.approx((38.7190227, -75.1070121))
        assert set(last_call.types.values_list("code", flat=True)) == {"B", "O"}
        assert "Baker Lounge" in last_call.notes
        assert last_call.attendance == Attendance.IN_PERSON
        assert last_call.updated == datetime.datetime(2022, 6, 27, 0, 52, 4, tzinfo=datetime.UTC)
        speaker = Meeting.objects.get(slug="rehoboth-beach-speaker")
        assert speaker.group_name == "Rehoboth Beach Sunday Group"
        assert speaker.location_notes.startswith("Parking is NOT PERMITTED")
        assert speaker.source_url == "https://sussexaa.org/meetings/rehoboth-beach-speaker/"

    def test_attendance_matches_what_the_feed_itself_says(self):
        """tsml's own attendance_option, for every row, agrees with ours worked out from the spec's fields."""
        run(FEEDS / "sussexaa.json")
        rows = json.loads((FEEDS / "sussexaa.json").read_text())
        ours = dict(Meeting.objects.values_list("source_slug", "attendance"))
        assert {row["slug"]: row["attendance_option"] for row in rows} == ours
        assert Counter(ours.values()) == {"in_person": 94, "online": 28, "hybrid": 1}

    def test_reimport_changes_nothing(self):
        run(FEEDS / "sussexaa.json")
        before = snapshot()
        out, _ = run(FEEDS / "sussexaa.json")
        assert "Done: created 0, updated 0, left 123 unchanged." in out
        assert snapshot() == before

    def test_changed_row_is_updated_by_slug(self, tmp_path):
        run(FEEDS / "sussexaa.json")
        rows = json.loads((FEEDS / "sussexaa.json").read_text())
        rows[1]["time"] = "22:30"
        rows[1]["types"] = ["O"]
        changed = tmp_path / "sussexaa.json"
        changed.write_text(json.dumps(rows))
        out, _ = run(changed)
        assert "Done: created 0, updated 1, left 122 unchanged." in out
        meeting = Meeting.objects.get(slug="last-call")
        assert meeting.start_time == T(22, 30)
        assert list(meeting.types.values_list("code", flat=True)) == ["O"]

    def test_dry_run_writes_nothing(self):
        out, _ = run(FEEDS / "sussexaa.json", "--dry-run")
        assert "Would have created 123" in out and "Nothing was saved" in out
        assert not Meeting.objects.exists()

    def test_legacy_online_code_is_reported(self):
        out, _ = run(FEEDS / "sussexaa.json")
        assert "'ONL'" in out and "29 rows" in out

    def test_import_from_an_http_url(self):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(FEEDS))
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/sussexaa.json"
            out, _ = run(url, "--source-name", "sussex")
            assert "created 123" in out
            with pytest.raises(CommandError, match="larger than the 1,000 bytes"):
                run(url, "--max-bytes", "1000")
        finally:
            server.shutdown()
        assert Meeting.objects.filter(source="sussex").count() == 123

    def test_file_larger_than_the_cap_is_refused(self):
        with pytest.raises(CommandError, match="more than the 1,000 allowed"):
            run(FEEDS / "sussexaa.json", "--max-bytes", "1000")
        assert not Meeting.objects.exists()


class TestOtherFeeds:
    def test_eating_disorders_anonymous_mostly_online(self, eda_fellowship):
        out, _ = run(FEEDS / "eda.json", "--fellowship", "eda")
        assert "created 185" in out
        meetings = Meeting.objects.filter(fellowship=eda_fellowship)
        assert meetings.count() == 185
        london = meetings.get(slug="london-monday-to-friday-daily-readings-starts-march-1st-online-monday")
        assert london.attendance == Attendance.ONLINE
        assert london.address == "" and london.city == "London" and london.country == "UK"
        assert london.conference_url == "https://us02web.zoom.us/j/0000000000"
        assert london.notes == "Meeting ID: 6394799909\nPassword: 123456"
        assert (london.days, london.start_time, london.end_time) == ([1], T(2), T(2, 45))
        rows = json.loads((FEEDS / "eda.json").read_text())
        ours = dict(meetings.values_list("source_slug", "attendance"))
        assert {row["slug"]: row["attendance_option"] for row in rows} == ours

    def test_row_time_zones_are_kept(self):
        run(FEEDS / "timezones.test.json")
        sf, pa = Meeting.objects.get(slug="sf-meeting"), Meeting.objects.get(slug="pa-meeting")
        assert (sf.timezone, sf.start_time, sf.days, sf.city) == ("America/Los_Angeles", T(9), [6], "San Francisco")
        assert (pa.timezone, pa.start_time) == ("America/New_York", T(11, 45))
        # A city alone is neither an address to go to nor a way to join: kept, but not listed.
        assert sf.attendance == Attendance.INACTIVE
        assert not Meeting.objects.active().exists()

    def test_default_time_zone_option(self):
        run(FEEDS / "atlanta.json", "--timezone", "America/Chicago")
        assert set(Meeting.objects.values_list("timezone", flat=True)) == {"America/Chicago"}

    def test_two_feeds_with_the_same_slug_keep_both_meetings(self, tmp_path):
        row = {"name": "Same", "slug": "same", "day": 1, "time": "19:00", "conference_url": "https://example.org/a"}
        for name in ("one", "two"):
            (tmp_path / f"{name}.json").write_text(json.dumps([row]))
            run(tmp_path / f"{name}.json")
        assert sorted(Meeting.objects.values_list("source", "slug")) == [("one", "same"), ("two", "same-2")]

    def test_large_southeastern_pennsylvania_feed(self):
        out, err = run(FEEDS / "aasepia.json")
        assert "Checked 500 of 2038 rows" in out and "Saved 2000 of 2038 rows" in out
        assert "Done: created 2038, updated 0, left 0 unchanged." in out
        assert "Type code 'ASBI' is not in the Meeting Guide list" in out and "26 rows" in out
        assert "'ONL'" in out and "586 rows" in out
        assert "137 meetings have no street address" in out
        assert Meeting.objects.count() == 2038
        woodlyn = Meeting.objects.get(slug="meeting-1937-macdade-boulevard-woodlyn-pa-19094-usa-0-000000")
        assert (woodlyn.address, woodlyn.city, woodlyn.state, woodlyn.postal_code) == (
            "1937 West MacDade Boulevard", "Woodlyn", "PA", "19094",
        )
        assert woodlyn.latitude == pytest.approx(39.8712402)
        assert (woodlyn.start_time, woodlyn.end_time, woodlyn.days) == (T(0), T(1), [0])
        assert woodlyn.notes == "Opposite Woodlyn Shopping Center"
        assert Meeting.objects.filter(other_type_codes__contains=["ASBI"]).count() == 26
        online = Meeting.objects.get(slug="shoulder-shoulder-group-Sun12am")
        assert online.address == "" and online.attendance == Attendance.ONLINE
        out, _ = run(FEEDS / "aasepia.json")
        assert "Done: created 0, updated 0, left 2038 unchanged." in out


class TestInvalidFeeds:
    def test_malformed_json_is_rejected_whole(self):
        with pytest.raises(CommandError) as error:
            run(FEEDS / "invalid.json")
        assert "not valid JSON" in str(error.value) and "line 80" in str(error.value)
        assert not Meeting.objects.exists()

    @pytest.fixture
    def invalid_rows(self, tmp_path):
        """The rows of invalid.json without its trailing junk: two have day "7", one is by appointment."""
        text = (FEEDS / "invalid.json").read_text()
        path = tmp_path / "invalid-rows.json"
        path.write_text(text[: text.rindex("]") + 1])
        return path

    def test_every_bad_row_is_reported_and_nothing_written(self, invalid_rows):
        err = StringIO()
        with pytest.raises(CommandError, match="2 of 8 rows are invalid"):
            call_command("import_meeting_guide", str(invalid_rows), stdout=StringIO(), stderr=err)
        assert not Meeting.objects.exists()
        report = err.getvalue()
        assert 'Row 7 (sunday-8pm): day "7" is not a Meeting Guide day' in report
        assert 'Row 8 (sunday-8am): day "7" is not a Meeting Guide day' in report

    def test_dry_run_of_an_invalid_feed_is_still_rejected(self, invalid_rows):
        with pytest.raises(CommandError, match="2 of 8 rows are invalid"):
            run(invalid_rows, "--dry-run")

    def test_skip_invalid_imports_the_rest(self, invalid_rows):
        out, err = run(invalid_rows, "--skip-invalid")
        assert "Row 5 (appointment): no day and time" in out
        assert "created 5" in out and "skipped 2 invalid rows" in out
        assert Meeting.objects.count() == 5
        assert Meeting.objects.get(slug="saturday-8pm").other_type_codes == []  # SM is a spec type
        assert set(Meeting.objects.get(slug="saturday-8pm").types.values_list("code", flat=True)) == {"O", "SM"}

    @pytest.mark.parametrize("row,message", [
        ({"slug": "a", "day": 1, "time": "19:00"}, "name is missing"),
        ({"name": "A", "day": 1, "time": "19:00"}, "slug is missing"),
        ({"name": "A", "slug": "a", "day": 1, "time": "7pm"}, 'time "7pm" is not a 24-hour time'),
        ({"name": "A", "slug": "a", "day": 1, "time": "25:00"}, "is not a 24-hour time"),
        ({"name": "A", "slug": "a", "day": 1}, "time is missing"),
        ({"name": "A", "slug": "a", "day": "Monday", "time": "19:00"}, "is not a number from 0 (Sunday)"),
        ({"name": "A", "slug": "a", "day": [1, 9], "time": "19:00"}, "day 9 is not a Meeting Guide day"),
        ({"name": "A", "slug": "a", "day": 1, "time": "19:00", "timezone": "Mars/Base"}, "not an IANA time zone"),
        ({"name": "A", "slug": "a", "day": 1, "time": "19:00", "conference_url": "javascript:alert(1)"},
         "is not an http(s) address"),
        ({"name": "A", "slug": "a", "day": 1, "time": "19:00", "latitude": "north", "longitude": 1}, "not a number"),
        ({"name": "A", "slug": "a", "day": 1, "time": "19:00", "latitude": 91, "longitude": 1}, "not on the map"),
        ({"name": "A", "slug": "a", "day": 1, "time": "19:00", "types": "O", "name2": 1, "notes": ["x"]},
         "notes must be text"),
        ("just text", "must be a JSON object"),
    ])
    def test_row_problems(self, row, message):
        parsed = importers.parse_feed([row], default_timezone="America/New_York", known_types={"O": "O"})
        assert parsed.records == []
        assert any(message in str(problem) for problem in parsed.errors), parsed.errors

    def test_duplicate_slugs(self):
        row = {"name": "A", "slug": "a", "day": 1, "time": "19:00"}
        parsed = importers.parse_feed([row, row], default_timezone="America/New_York", known_types={})
        assert [str(p) for p in parsed.errors] == ["Row 2 (a): the slug is already used by row 1; slugs must be unique."]

    def test_not_a_list(self, tmp_path):
        path = tmp_path / "object.json"
        path.write_text('{"meetings": []}')
        with pytest.raises(CommandError, match="JSON list of meetings"):
            run(path)

    def test_unknown_fellowship(self):
        with pytest.raises(CommandError, match="No fellowship 'xyz'"):
            run(FEEDS / "atlanta.json", "--fellowship", "xyz")

    def test_other_schemes_are_refused(self):
        with pytest.raises(CommandError, match="Only files and http"):
            run("file:///etc/passwd")


def test_formatted_address_parts():
    split = importers.split_formatted_address
    assert split("4953 W Addison St, Chicago, IL 60641, USA") == {
        "address": "4953 W Addison St", "city": "Chicago", "state": "IL", "postal_code": "60641", "country": "US",
    }
    assert split("Philadelphia, PA, USA")["address"] == ""
    assert split("London, UK") == {"address": "", "city": "London", "state": "", "postal_code": "", "country": "UK"}
