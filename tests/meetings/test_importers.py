"""Importing real Meeting Guide feeds written by other projects (../shared/realdata/meeting-guide-feeds),
and a messy feed of our own that exercises every fix and every rejection."""
import datetime
import functools
import http.server
import json
import threading
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command

from meetings import importers
from meetings.models import Attendance, Fellowship, Meeting
from tests.realdata import realdata_file

from .factories import make_meeting

pytestmark = pytest.mark.django_db

T = datetime.time


def run(*args, fellowship="aa") -> str:
    out = StringIO()
    options = ["--fellowship", fellowship] if fellowship else []
    call_command("import_meeting_guide", *map(str, args), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


def real_feed(name: str) -> Path:
    """A real Meeting Guide feed from the shared real data."""
    return realdata_file("meeting-guide-feeds", name)


def get_feed(client) -> list[dict]:
    response = client.get("/meetings/feed.json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def eda_fellowship():
    return Fellowship.objects.create(name="Eating Disorders Anonymous", slug="eda", abbreviation="EDA")


def snapshot() -> dict:
    return {m.slug: (m.updated, m.attendance, m.name, m.days, m.address, m.approximate, m.conference_phone)
            for m in Meeting.objects.defer("search_vector")}


def listed_by_consumers(row: dict) -> bool:
    """Whether a row is an active meeting as tsml-ui decides it (online: a link, or a phone that can be
    dialled; in person: an exact address whose location is not temporarily closed), never our own code."""
    import phonenumbers

    if row.get("attendance_option") == "inactive" or row.get("day") in (None, ""):
        return False
    phone = str(row.get("conference_phone") or "").split(",")[0]
    try:
        dialable = bool(phone) and phonenumbers.is_valid_number(phonenumbers.parse(phone, "US"))
    except phonenumbers.NumberParseException:
        dialable = False
    online = bool(row.get("conference_url")) or dialable
    in_person = not approximate_place(row) and "TC" not in (row.get("types") or [])
    return online or in_person


def approximate_place(row: dict) -> bool:
    approximate = row.get("approximate")
    if approximate in ("yes", "no"):
        return approximate == "yes"
    # tsml-ui guesses from the number of parts; a street number says more ("3800 Vaux St, Philadelphia, PA 19129")
    parts = (row.get("formatted_address") or "").split(",")
    return len(parts) < 4 and not any(ch.isdigit() for ch in parts[0])


def kept(row: dict) -> bool:
    """Whether the import keeps a row: listed now, or at a street address whose location is temporarily
    closed (listed again when it reopens). A row no one could ever attend is rejected."""
    if row.get("day") in (None, ""):
        return False
    return listed_by_consumers(row) or ("TC" in (row.get("types") or []) and not approximate_place(row))


REAL_FEEDS = ["aasepia", "sussexaa", "eda", "atlanta", "al-anon", "oc"]


@pytest.mark.parametrize("name", REAL_FEEDS)
def test_real_feed_imports_with_no_option_and_again_changes_nothing(name, client):
    """Every usable row is imported, every meeting a consumer would list reaches our own feed, and a second
    import changes nothing."""
    rows = json.loads((real_feed(f"{name}.json")).read_text())
    out = run(real_feed(f"{name}.json"))
    expected = sum(1 for row in rows if listed_by_consumers(row))
    feed = get_feed(client)
    assert len(feed) == expected
    assert {" ".join(row["name"].split()) for row in feed} == {
        " ".join(row["name"].split()) for row in rows if listed_by_consumers(row)}
    assert Meeting.objects.count() == sum(1 for row in rows if kept(row))
    before = snapshot()
    history = LogEntry.objects.count()
    again = run(real_feed(f"{name}.json"))
    assert f"{Meeting.objects.count()} unchanged" in again and " 0 created, 0 updated" in again, again
    assert snapshot() == before
    assert LogEntry.objects.count() == history
    assert "rows" in out


def test_a_feed_no_one_could_attend_is_refused_whole():
    """timezones.test.json: both rows give a city and no address, link or phone, so nothing is imported and
    the command fails (a scheduled import must not load nothing, silently, for ever)."""
    with pytest.raises(CommandError, match="All 2 rows were rejected"):
        run(real_feed("timezones.test.json"))
    assert Meeting.objects.count() == 0


def test_the_counts_the_real_data_readme_promises(client):
    """al-anon.json: 360 rows, 31 marked inactive; oc.json: 1,967 rows, 2 inactive and 1 without a day."""
    run(real_feed("al-anon.json"))
    assert len(get_feed(client)) == 329
    out = run(real_feed("oc.json"))
    assert "Rejected: Row 259 «women»: no usable weekday" in out
    assert len(get_feed(client)) == 329 + 1964


class TestSussexFeed:
    def test_imports_all_meetings_with_exact_records(self):
        out = run(real_feed("sussexaa.json"))
        assert "123 rows: 123 created, 0 updated, 0 unchanged, 0 rejected." in out
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
        assert not last_call.approximate
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
        run(real_feed("sussexaa.json"))
        rows = json.loads((real_feed("sussexaa.json")).read_text())
        ours = dict(Meeting.objects.values_list("source_slug", "attendance"))
        assert {row["slug"]: row["attendance_option"] for row in rows} == ours
        assert Counter(ours.values()) == {"in_person": 94, "online": 28, "hybrid": 1}

    def test_placeholder_phones_are_dropped_with_a_warning_by_row(self):
        out = run(real_feed("sussexaa.json"), "-v", "2")
        assert 'Row 29 «steps-to-freedom-big-book»: conference_phone "+15555550100" is not a phone number' in out
        assert not Meeting.objects.exclude(conference_phone="").exists()

    def test_changed_row_is_updated_by_slug(self, tmp_path):
        run(real_feed("sussexaa.json"))
        rows = json.loads((real_feed("sussexaa.json")).read_text())
        rows[1]["time"] = "22:30"
        rows[1]["types"] = ["O"]
        changed = tmp_path / "sussexaa.json"
        changed.write_text(json.dumps(rows))
        out = run(changed, "-v", "2")
        assert "123 rows: 0 created, 1 updated, 122 unchanged" in out
        assert "update: row 2 Last Call (start_time, types)" in out
        meeting = Meeting.objects.get(slug="last-call")
        assert meeting.start_time == T(22, 30)
        assert list(meeting.types.values_list("code", flat=True)) == ["O"]
        entry = LogEntry.objects.get(object_id=str(meeting.pk), change_message__startswith="Import from")
        assert entry.change_message == "Import from sussexaa changed: Start time, Types."

    def test_dry_run_writes_nothing(self):
        out = run(real_feed("sussexaa.json"), "--dry-run")
        assert "123 to create" in out and "Dry run: nothing was written." in out
        assert not Meeting.objects.exists()

    def test_legacy_online_code_is_reported(self):
        out = run(real_feed("sussexaa.json"))
        assert "'ONL'" in out and "29 rows" in out

    def test_import_from_an_http_url(self):
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(realdata_file("meeting-guide-feeds")))
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/sussexaa.json"
            out = run(url, "--source-name", "sussex")
            assert "123 created" in out
            with pytest.raises(CommandError, match="larger than the 1,000 bytes"):
                run(url, "--max-bytes", "1000")
        finally:
            server.shutdown()
        assert Meeting.objects.filter(source="sussex").count() == 123

    def test_file_larger_than_the_cap_is_refused(self):
        with pytest.raises(CommandError, match="the largest file an import accepts is 1000 bytes"):
            run(real_feed("sussexaa.json"), "--max-bytes", "1000")
        assert not Meeting.objects.exists()


class TestOtherFeeds:
    def test_eating_disorders_anonymous_mostly_online(self, eda_fellowship):
        out = run(real_feed("eda.json"), fellowship="eda")
        assert "184 created" in out and "1 rejected" in out
        # The one row no one can attend (an approximate place, marked inactive, no link) is rejected.
        again = importers.import_meeting_guide(source=str(real_feed("eda.json")), fellowship="eda", dry_run=True)
        assert [finding.label for finding in again.rejected] == ["switzerland-2"]
        assert "no way to attend it" in str(again.rejected[0]) and "no conference link or phone" in str(again.rejected[0])
        meetings = Meeting.objects.filter(fellowship=eda_fellowship)
        assert meetings.count() == 184
        london = meetings.get(slug="london-monday-to-friday-daily-readings-starts-march-1st-online-monday")
        assert london.attendance == Attendance.ONLINE
        assert london.address == "" and london.city == "London" and london.country == "UK" and london.approximate
        assert london.conference_url == "https://us02web.zoom.us/j/0000000000"
        assert london.notes == "Meeting ID: 6394799909\nPassword: 123456"
        assert (london.days, london.start_time, london.end_time) == ([1], T(2), T(2, 45))
        rows = json.loads((real_feed("eda.json")).read_text())
        ours = dict(meetings.values_list("source_slug", "attendance"))
        assert {row["slug"]: row["attendance_option"] for row in rows if row["slug"] != "switzerland-2"} == ours

    def test_row_time_zones_are_kept(self, tmp_path):
        # A city alone is neither an address to go to nor a way to join: never publishable, so rejected,
        # and a feed of nothing else is refused whole (test_a_feed_no_one_could_attend_is_refused_whole).
        out = StringIO()
        with pytest.raises(CommandError, match="All 2 rows were rejected"):
            call_command("import_meeting_guide", str(real_feed("timezones.test.json")), "--fellowship", "aa",
                         stdout=out, stderr=StringIO())
        assert out.getvalue().count("no way to attend it") == 2
        assert not Meeting.objects.exists()
        # With a way to join, the rows' own time zones are kept.
        rows = json.loads((real_feed("timezones.test.json")).read_text())
        for number, row in enumerate(rows):
            row["conference_url"] = f"https://zoom.us/j/55501{number:02d}"
        (tmp_path / "timezones.json").write_text(json.dumps(rows))
        run(tmp_path / "timezones.json")
        sf, pa = Meeting.objects.get(slug="sf-meeting"), Meeting.objects.get(slug="pa-meeting")
        assert (sf.timezone, sf.start_time, sf.days, sf.city) == ("America/Los_Angeles", T(9), [6], "San Francisco")
        assert (pa.timezone, pa.start_time) == ("America/New_York", T(11, 45))
        assert sf.attendance == Attendance.ONLINE

    def test_default_time_zone_option(self):
        run(real_feed("atlanta.json"), "--timezone", "America/Chicago")
        assert set(Meeting.objects.values_list("timezone", flat=True)) == {"America/Chicago"}

    def test_two_feeds_with_the_same_slug_keep_both_meetings(self, tmp_path):
        rows = {
            "one": {"name": "Same", "slug": "same", "day": 1, "time": "19:00", "conference_url": "https://zoom.us/j/1"},
            "two": {"name": "Other", "slug": "same", "day": 1, "time": "19:00", "conference_url": "https://zoom.us/j/2"},
        }
        for name, row in rows.items():
            (tmp_path / f"{name}.json").write_text(json.dumps([row]))
            run(tmp_path / f"{name}.json")
        assert sorted(Meeting.objects.values_list("source", "slug")) == [("one", "same"), ("two", "same-2")]

    def test_approximate_addresses_and_unknown_types_are_kept_and_published_again(self, client):
        run(real_feed("aasepia.json"))
        assert Meeting.objects.filter(other_type_codes__contains=["ASBI"]).count() == 26
        feed = get_feed(client)
        assert sum("ASBI" in row.get("types", []) for row in feed) == Meeting.objects.active().filter(
            other_type_codes__contains=["ASBI"]).count() > 0
        online = Meeting.objects.get(slug="shoulder-shoulder-group-Sun12am")
        assert online.address == "" and online.approximate and online.attendance == Attendance.ONLINE
        row = next(row for row in feed if row["slug"] == "shoulder-shoulder-group-Sun12am")
        assert row["approximate"] == "yes" and row["formatted_address"] == "Philadelphia, PA, US"


class TestMessyFeed:
    """One feed with a row for each fix and each rejection; rows are numbered from 1."""

    ROWS = [
        # 1: a 12-hour time, converted.
        {"name": "Evening Hope", "slug": "evening-hope", "day": 2, "time": "8:00 PM", "end_time": "9:15 pm",
         "formatted_address": "100 N Charles St, Baltimore, MD 21201, USA"},
        # 2: a longitude without a latitude: the pair is dropped, the place comes from the ZIP code.
        {"name": "Half Pair", "slug": "half-pair", "day": 3, "time": "19:00", "longitude": -76.6,
         "address": "200 Main St", "city": "Baltimore", "state": "MD", "postal_code": "21201"},
        # 3: a phone with letters and a bad time stamp, both dropped; the link keeps it online.
        {"name": "Phone Words", "slug": "phone-words", "day": 4, "time": "18:30", "conference_phone": "call us",
         "conference_url": "https://zoom.us/j/5550100", "updated": "yesterday", "city": "Towson", "state": "MD"},
        # 4: the same slug as row 1: kept as a separate meeting.
        {"name": "Evening Hope Too", "slug": "evening-hope", "day": 5, "time": "20:00",
         "conference_url": "https://meet.google.com/abc-defg-hij"},
        # 5: a slug with dots (kept as published), an approximate address, an unknown type code, a bad zone.
        {"name": "A.A. for Women", "slug": "a.a.-for-women-235", "day": 6, "time": "10:00", "types": ["W", "XYZ"],
         "formatted_address": "Wicker Park, Chicago, IL, USA", "approximate": "yes", "timezone": "Mars/Base",
         "conference_url": "https://zoom.us/j/5550101"},
        # 6: no name: rejected.
        {"slug": "nameless", "day": 1, "time": "19:00", "conference_url": "https://zoom.us/j/1"},
        # 7: no usable weekday: rejected.
        {"name": "Someday", "slug": "someday", "day": 9, "time": "19:00", "conference_url": "https://zoom.us/j/2"},
        # 8: no usable time: rejected.
        {"name": "Sometime", "slug": "sometime", "day": 1, "time": "late", "conference_url": "https://zoom.us/j/3"},
        # 9: no way to place or join it: rejected.
        {"name": "Nowhere", "slug": "nowhere", "day": 1, "time": "19:00", "conference_url": "javascript:alert(1)"},
        # 10: not an object: rejected.
        "just text",
    ]

    @pytest.fixture
    def messy(self, tmp_path):
        path = tmp_path / "messy.json"
        path.write_text(json.dumps(self.ROWS))
        return path

    def test_usable_rows_are_applied_and_the_rest_reported_by_number(self, messy, client):
        out = run(messy, "-v", "2")
        assert "10 rows: 5 created, 0 updated, 0 unchanged, 5 rejected." in out
        assert "Fixed and kept: 5 rows" in out
        for expected in [
            'Row 1 «evening-hope»: time "8:00 PM" was converted to the 24-hour time 20:00.',
            'Row 1 «evening-hope»: end_time "9:15 pm" was converted to the 24-hour time 21:15.',
            "Row 2 «half-pair»: only the longitude was given, so the coordinates were dropped",
            'Row 3 «phone-words»: conference_phone "call us" is not a phone number',
            'Row 3 «phone-words»: updated "yesterday" is not a YYYY-MM-DD HH:MM:SS time',
            'Row 4 «evening-hope»: the slug is also used by row 1; kept as a separate meeting known as "evening-hope (2)"',
            'Row 5 «a.a.-for-women-235»: timezone "Mars/Base" is not an IANA time zone name',
            'Row 5 «a.a.-for-women-235»: the slug "a.a.-for-women-235" is kept as the feed\'s identifier',
            "Type code 'XYZ' is not in the Meeting Guide list: kept with the meeting and published again",
            "Rejected: Row 6 «nameless»: name is missing.",
            "Rejected: Row 7 «someday»: no usable weekday",
            'Rejected: Row 8 «sometime»: no usable start time: time must be a clock time such as 19:30 or 7:30 PM, not "late".',
            "Rejected: Row 9 «nowhere»: no way to place or join it",
            "Rejected: Row 10: each meeting must be a JSON object, not text.",
        ]:
            assert expected in out, expected
        hope = Meeting.objects.get(source_slug="evening-hope")
        assert (hope.start_time, hope.end_time) == (T(20), T(21, 15))
        half = Meeting.objects.get(source_slug="half-pair")
        assert (half.latitude, half.longitude) != (None, None) and half.attendance == Attendance.IN_PERSON
        words = Meeting.objects.get(source_slug="phone-words")
        assert words.conference_phone == "" and words.attendance == Attendance.ONLINE
        assert Meeting.objects.get(source_slug="evening-hope (2)").name == "Evening Hope Too"
        women = Meeting.objects.get(source_slug="a.a.-for-women-235")
        assert women.slug == "aa-for-women-235" and women.other_type_codes == ["XYZ"]
        assert (women.city, women.approximate, women.timezone) == ("Chicago", True, "America/New_York")
        row = next(row for row in get_feed(client) if row["slug"] == "aa-for-women-235")
        assert row["types"] == ["W", "XYZ"] and row["approximate"] == "yes"
        assert row["formatted_address"].startswith("Wicker Park, Chicago, IL")

    def test_strict_keeps_all_or_nothing(self, messy):
        with pytest.raises(CommandError, match="5 of 10 rows were rejected, so nothing was imported"):
            run(messy, "--strict")
        assert not Meeting.objects.exists()

    def test_dry_run_reports_the_same_and_writes_nothing(self, messy):
        out = run(messy, "--dry-run")
        assert "5 to create" in out and "5 rejected" in out
        assert not Meeting.objects.exists()

    def test_the_fellowship_is_never_assumed(self, messy):
        out = StringIO()
        with pytest.raises(CommandError, match="every|All .* rows were rejected.*--fellowship"):
            call_command("import_meeting_guide", str(messy), stdout=out, stderr=StringIO())
        assert "Rejected: Row 1 «evening-hope»: no fellowship" in out.getvalue()
        assert not Meeting.objects.exists()
        rows = [{**row, "fellowship": "NA"} for row in self.ROWS[:2]]
        messy.write_text(json.dumps(rows))
        run(messy, fellowship="")
        assert set(Meeting.objects.values_list("fellowship__slug", flat=True)) == {"na"}


class TestIdentity:
    def test_the_same_feed_under_another_source_name_is_matched_not_duplicated(self, tmp_path):
        run(real_feed("sussexaa.json"))
        copy = tmp_path / "sussex-copy.json"
        copy.write_text((real_feed("sussexaa.json")).read_text())
        out = run(copy, "-v", "2")
        assert "0 created" in out and "123 already listed" in out
        assert "already listed as «Last Call» (imported from 'sussexaa'" in out
        assert Meeting.objects.count() == 123

    def test_a_meeting_entered_by_hand_is_matched(self, tmp_path):
        mine = make_meeting(name="Tuesday Night Hope", days=[2], start_time=T(19, 30), address="12 Quillmoor Ave",
                            postal_code="21201", city="Baltimore")
        path = tmp_path / "feed.json"
        path.write_text(json.dumps([{"name": "Tuesday night hope", "slug": "tnh", "day": 2, "time": "7:30 PM",
                                     "address": "12 Quillmoor Ave.", "city": "Baltimore", "state": "MD",
                                     "postal_code": "21201"}]))
        out = run(path, "-v", "2")
        assert f"already listed as «Tuesday Night Hope» (entered by hand, /meetings/{mine.slug}/)" in out
        assert Meeting.objects.count() == 1

    def test_source_slug_is_kept_exactly(self, tmp_path):
        path = tmp_path / "dots.json"
        path.write_text(json.dumps([{"name": "Women", "slug": "a.a.-for-women-235", "day": 1, "time": "19:00",
                                     "conference_url": "https://zoom.us/j/9"}]))
        run(path)
        meeting = Meeting.objects.get()
        assert (meeting.source_slug, meeting.slug) == ("a.a.-for-women-235", "aa-for-women-235")
        assert "0 created, 0 updated, 1 unchanged" in run(path)


class TestFileRefusedWhole:
    def test_malformed_json_is_rejected_whole(self):
        with pytest.raises(CommandError) as error:
            run(real_feed("invalid.json"))
        assert "not valid JSON" in str(error.value) and "line 80" in str(error.value)
        assert not Meeting.objects.exists()

    def test_not_a_list(self, tmp_path):
        path = tmp_path / "object.json"
        path.write_text('{"meetings": []}')
        with pytest.raises(CommandError, match="JSON list of meetings"):
            run(path)

    def test_unknown_fellowship(self):
        with pytest.raises(CommandError, match="no fellowship 'xyz'"):
            run(real_feed("atlanta.json"), fellowship="xyz")

    def test_other_schemes_are_refused(self):
        with pytest.raises(CommandError, match="Only files and http"):
            run("file:///etc/passwd")

    def test_the_rows_of_invalid_json_without_its_junk(self, tmp_path):
        """Two rows have day "7" and one is by appointment: those three are rejected, the other five imported."""
        text = (real_feed("invalid.json")).read_text()
        path = tmp_path / "invalid-rows.json"
        path.write_text(text[: text.rindex("]") + 1])
        out = run(path)
        assert "8 rows: 5 created, 0 updated, 0 unchanged, 3 rejected." in out
        assert 'Rejected: Row 7 «sunday-8pm»: no usable weekday: day must be a number from 0 (Sunday) to 6 (Saturday), not "7".' in out
        assert "Rejected: Row 5 «appointment»: no usable weekday" in out
        assert set(Meeting.objects.get(slug="saturday-8pm").types.values_list("code", flat=True)) == {"O", "SM"}


def test_formatted_address_parts():
    split = importers.split_formatted_address
    assert split("4953 W Addison St, Chicago, IL 60641, USA") == {
        "address": "4953 W Addison St", "city": "Chicago", "state": "IL", "postal_code": "60641", "country": "US",
    }
    assert split("Philadelphia, PA, USA")["address"] == ""
    assert split("London, UK") == {"address": "", "city": "London", "state": "", "postal_code": "", "country": "UK"}


class TestNewFellowships:
    """A feed of a fellowship the site does not list yet creates it by name, once, when it is imported."""

    def test_eating_disorders_anonymous_is_created_by_name(self):
        assert not Fellowship.objects.filter(name="Eating Disorders Anonymous").exists()
        dry = importers.import_meeting_guide(source=str(real_feed("eda.json")),
                                             fellowship="Eating Disorders Anonymous", dry_run=True)
        assert not dry.errors and dry.created == 184
        assert any("Fellowship «Eating Disorders Anonymous» is not listed yet: importing creates it" in warning
                   for warning in dry.warnings)
        assert not Fellowship.objects.filter(name="Eating Disorders Anonymous").exists()  # a dry run writes nothing

        out = run(real_feed("eda.json"), fellowship="Eating Disorders Anonymous")
        assert "184 created" in out
        eda = Fellowship.objects.get(name="Eating Disorders Anonymous")
        assert eda.slug == "eating-disorders-anonymous"
        assert Meeting.objects.filter(fellowship=eda).count() == 184
        assert LogEntry.objects.filter(object_id=str(eda.pk), change_message="Created by the import of eda.").exists()
        # Importing again finds it by name and changes nothing.
        again = run(real_feed("eda.json"), fellowship="Eating Disorders Anonymous")
        assert "0 created, 0 updated, 184 unchanged" in again
        assert Fellowship.objects.filter(name__iexact="eating disorders anonymous").count() == 1

    def test_rows_naming_an_unknown_fellowship_create_it_once(self, tmp_path):
        rows = [
            {"name": f"Hope {n}", "slug": f"hope-{n}", "day": n, "time": "19:00", "fellowship": "Overeaters Anonymous",
             "conference_url": f"https://zoom.us/j/55501{n:02d}"}
            for n in range(3)
        ] + [{"name": "Plain", "slug": "plain", "day": 1, "time": "18:00", "conference_url": "https://zoom.us/j/5550199"}]
        (tmp_path / "mixed.json").write_text(json.dumps(rows))
        report = importers.import_meeting_guide(source=str(tmp_path / "mixed.json"), fellowship="aa")
        assert report.created == 4 and not report.rejected
        notes = [warning for warning in report.warnings if "Overeaters Anonymous" in warning]
        assert len(notes) == 1 and "3 rows (1, 2, 3)" in notes[0]
        overeaters = Fellowship.objects.get(name="Overeaters Anonymous")
        assert sorted(Meeting.objects.filter(fellowship=overeaters).values_list("slug", flat=True)) == ["hope-0", "hope-1", "hope-2"]
        assert Meeting.objects.get(slug="plain").fellowship.slug == "aa"

    def test_a_slug_that_names_nothing_is_still_refused(self):
        report = importers.import_meeting_guide(source=b"[]", fellowship="no-such-fellowship")
        assert report.errors and "give its full name" in report.errors[0]
        assert not Fellowship.objects.filter(slug__startswith="no-such").exists()
