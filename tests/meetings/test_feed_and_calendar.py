"""The Meeting Guide JSON feed against the spec's field list, and .ics files parsed back."""
import datetime
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest

from meetings.models import Meeting
from tests.realdata import realdata_file

from .conftest import at
from .factories import make_meeting, make_online_meeting

pytestmark = pytest.mark.django_db

T = datetime.time


def spec_fields() -> set[str]:
    """Every field the spec's README defines: `#### \\`name\\`` headings and the keys of its JSON examples."""
    text = (realdata_file("meeting-guide-spec") / "README.md").read_text()
    fields = set()
    for heading in re.findall(r"^####\s+(.+)$", text, flags=re.M):
        fields.update(re.findall(r"`([a-z_0-9]+)`", heading))
    for block in re.findall(r"```(?:JSON|json)\n(.*?)```", text, flags=re.S):
        fields.update(re.findall(r'^\s*"([a-z_]+)":', block, flags=re.M))
    return fields


def type_codes() -> set[str]:
    return set(json.loads((realdata_file("meeting-guide-spec") / "data" / "types.json").read_text()))


def get_feed(client, query="") -> list[dict]:
    response = client.get(f"/meetings/feed.json{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))


class TestFeed:
    def test_spec_field_list_is_read(self):
        fields = spec_fields()
        assert {"name", "slug", "day", "time", "formatted_address", "conference_phone_notes", "latitude"} <= fields

    def test_rows_use_only_spec_fields_and_values(self, client):
        make_meeting(name="Hybrid", days=[1, 3], end_time=T(20, 30), conference_url="https://meet.example.org/h",
                     conference_phone="+14105550123", types=["O", "W"], notes="Bring a friend.", group_name="Lantern")
        make_online_meeting(name="Online only", timezone="America/Phoenix", start_time=T(6, 30))
        rows = get_feed(client)
        assert len(rows) == 3  # one row per weekday
        allowed = spec_fields()
        for row in rows:
            assert set(row) <= allowed, set(row) - allowed
            assert {"name", "slug", "day", "time", "timezone", "updated", "url"} <= set(row)
            assert isinstance(row["day"], int) and 0 <= row["day"] <= 6
            assert re.fullmatch(r"\d\d:\d\d", row["time"])
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["updated"])
            assert set(row.get("types", [])) <= type_codes()
        assert len({row["slug"] for row in rows}) == 3
        hybrid_rows = [row for row in rows if row["name"] == "Hybrid"]
        assert [(row["day"], row["slug"]) for row in hybrid_rows] == [
            (1, hybrid_rows[0]["slug"].rsplit("-", 1)[0] + "-1"), (3, hybrid_rows[0]["slug"].rsplit("-", 1)[0] + "-3"),
        ]
        hybrid = hybrid_rows[0]
        assert hybrid["time"] == "19:00" and hybrid["end_time"] == "20:30"
        assert hybrid["types"] == ["O", "W"]
        assert hybrid["formatted_address"].endswith("Baltimore, MD 21201, US")
        assert hybrid["approximate"] == "no"
        assert hybrid["conference_phone"] == "+14105550123"
        assert hybrid["group"] == "Lantern"
        assert hybrid["url"].startswith("http://testserver/meetings/")
        online = next(row for row in rows if row["name"] == "Online only")
        assert online["day"] == 1 and online["timezone"] == "America/Phoenix"
        # An online-only meeting gets an approximate place implying its time zone, as the spec's FAQ asks.
        assert online["formatted_address"] == "Phoenix, AZ, US" and online["approximate"] == "yes"
        assert "latitude" not in online and "address" not in online
        assert online["conference_url"] == "https://meet.example.org/test"

    def test_only_active_meetings(self, client):
        make_meeting(status=Meeting.Status.TEMPORARILY_CLOSED)
        make_meeting(types=["TC"])  # location closed and no way to join
        shown = make_meeting()
        assert [row["slug"] for row in get_feed(client)] == [shown.slug]

    def test_one_fellowship(self, client):
        na = make_meeting(fellowship="na")
        make_meeting(fellowship="smart-recovery")
        assert [row["slug"] for row in get_feed(client, "?fellowship=na")] == [na.slug]
        assert get_feed(client, "?fellowship=%00nope") == []

    def test_feed_can_be_read_by_other_sites_and_imported_back(self, client, tmp_path):
        from django.core.management import call_command

        make_meeting(name="Round trip", days=[2, 4], types=["C", "X"], conference_url="https://meet.example.org/r")
        response = client.get("/meetings/feed.json", headers={"Origin": "https://meetings-app.example.org"})
        assert response["Access-Control-Allow-Origin"] == "*"  # other sites' pages may read it
        path = tmp_path / "ours.json"
        path.write_bytes(b"".join(response.streaming_content))
        # Imported back beside the original, every row is recognised as the meeting already listed.
        call_command("import_meeting_guide", str(path), "--fellowship", "na", stdout=io.StringIO())
        assert not Meeting.objects.filter(source="ours").exists()
        # Into an empty directory, it comes back one meeting per row, and publishes the same feed.
        first = get_feed(client)
        Meeting.objects.all().delete()
        call_command("import_meeting_guide", str(path), "--fellowship", "na", stdout=io.StringIO())
        copies = Meeting.objects.filter(source="ours").order_by("days")
        assert [copy.days for copy in copies] == [[2], [4]]
        assert {code for copy in copies for code in copy.types.values_list("code", flat=True)} == {"C", "X"}
        assert {(copy.attendance, copy.postal_code) for copy in copies} == {("hybrid", "21201")}
        # (Only the page address differs: each day's row now has a page of its own.)
        def rows(feed):
            return sorted(({k: v for k, v in row.items() if k != "url"} for row in feed), key=lambda row: row["slug"])
        assert rows(get_feed(client)) == rows(first)


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def properties(lines: list[str], component: str) -> dict[str, str]:
    start, end = lines.index(f"BEGIN:{component}"), lines.index(f"END:{component}")
    found = {}
    for line in lines[start + 1:end]:
        name, _, value = line.partition(":")
        found.setdefault(name, value)
    return found


class TestCalendar:
    def test_ics_parses_back(self, client, fixed_now):
        fixed_now(at("2026-03-02 12:00", "America/New_York"))  # a Monday
        meeting = make_meeting(
            name="Lantern Group; Tuesdays, Thursdays", days=[2, 4], start_time=T(23), end_time=T(0, 30),
            notes="Ring the bell.\nSecond floor, Room 2 — step-free access. " + "Long note. " * 20,
            conference_url="https://meet.example.org/lantern",
        )
        response = client.get(f"/meetings/{meeting.slug}/calendar.ics")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert f'filename="{meeting.slug}.ics"' in response["Content-Disposition"]
        raw = response.content.decode("utf-8")
        assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", "")
        assert all(len(line.encode("utf-8")) <= 75 for line in raw.split("\r\n"))
        lines = unfold(raw)
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
        assert "VERSION:2.0" in lines
        event = properties(lines, "VEVENT")
        assert event["RRULE"] == "FREQ=WEEKLY;BYDAY=TU,TH"
        assert event["DTSTART;TZID=America/New_York"] == "20260303T230000"
        assert event["DTEND;TZID=America/New_York"] == "20260304T003000"  # after midnight
        assert unescape(event["SUMMARY"]) == "Lantern Group; Tuesdays, Thursdays (NA)"
        assert "\\;" in event["SUMMARY"] and "\\," in event["SUMMARY"]
        description = unescape(event["DESCRIPTION"])
        assert "Join online: https://meet.example.org/lantern" in description
        assert "Ring the bell.\nSecond floor, Room 2 — step-free access." in description
        assert event["UID"] == f"meeting-{meeting.slug}@testserver"
        assert event["URL"] == f"http://testserver/meetings/{meeting.slug}/"
        zone = properties(lines, "VTIMEZONE")
        assert zone["TZID"] == "America/New_York"
        assert properties(lines, "DAYLIGHT")["TZOFFSETTO"] == "-0400"
        # The zone's changes for every year of the never-ending weekly rule: yearly rules, from before the event.
        assert properties(lines, "DAYLIGHT")["RRULE"] == "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"
        assert properties(lines, "STANDARD")["RRULE"] == "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"
        assert properties(lines, "DAYLIGHT")["DTSTART"] <= "20260303T230000"
        # Read back by the same kept library, the event is at 11 PM Eastern and repeats weekly.
        import icalendar
        parsed = icalendar.Calendar.from_ical(raw)
        vevent = next(iter(parsed.walk("VEVENT")))
        assert vevent.decoded("dtstart").isoformat() == "2026-03-03T23:00:00-05:00"
        assert str(vevent.decoded("dtstart").tzinfo) == "America/New_York"

    def test_zone_without_daylight_saving(self, client, fixed_now):
        fixed_now(at("2026-07-01 12:00"))
        meeting = make_meeting(days=[0, 6], timezone="America/Phoenix")
        lines = unfold(client.get(f"/meetings/{meeting.slug}/calendar.ics").content.decode())
        assert properties(lines, "STANDARD")["TZOFFSETFROM"] == "-0700"
        assert "BEGIN:DAYLIGHT" not in lines
        assert properties(lines, "VEVENT")["RRULE"] == "FREQ=WEEKLY;BYDAY=SU,SA"

    def test_european_last_sunday_rule(self, client, fixed_now):
        fixed_now(at("2026-03-02 12:00"))
        meeting = make_online_meeting(timezone="Europe/London")
        lines = unfold(client.get(f"/meetings/{meeting.slug}/calendar.ics").content.decode())
        # The last Sundays of March and October, every year.
        assert properties(lines, "DAYLIGHT")["RRULE"] == "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
        assert properties(lines, "STANDARD")["RRULE"] == "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"

    @pytest.mark.parametrize("zone, july_2029_offset", [
        ("America/New_York", -4), ("America/Chicago", -5), ("America/Los_Angeles", -7), ("America/Phoenix", -7),
        ("America/Anchorage", -8), ("Pacific/Honolulu", -10), ("Europe/London", 1),
    ])
    def test_a_client_that_reads_only_the_file_gets_july_2029_right(self, client, fixed_now, zone, july_2029_offset):
        """RFC 5545 3.6.5: the VTIMEZONE covers the whole recurrence, not two years of it."""
        import icalendar
        from dateutil.rrule import rrulestr

        fixed_now(at("2026-03-02 12:00", zone))
        meeting = make_meeting(days=[2], start_time=T(19), timezone=zone)  # Tuesdays, 7 PM
        parsed = icalendar.Calendar.from_ical(client.get(f"/meetings/{meeting.slug}/calendar.ics").content)
        vevent = next(iter(parsed.walk("VEVENT")))
        # The file's own zone, not the client's knowledge of the name.
        own_zone = next(iter(parsed.walk("VTIMEZONE"))).to_tz(lookup_tzid=False)
        start = vevent.decoded("dtstart").replace(tzinfo=None)
        rule = rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=start)
        july = rule.after(datetime.datetime(2029, 7, 1))
        assert july == datetime.datetime(2029, 7, 3, 19, 0)
        assert july.replace(tzinfo=own_zone).utcoffset() == datetime.timedelta(hours=july_2029_offset)
        winter = rule.after(datetime.datetime(2029, 1, 1))
        assert winter.replace(tzinfo=own_zone).utcoffset() == winter.replace(tzinfo=ZoneInfo(zone)).utcoffset()


def test_a_zone_whose_changes_follow_no_yearly_rule_lists_them_instead():
    from meetings import ics

    first = datetime.datetime(2026, 3, 3, 19, tzinfo=ZoneInfo("Africa/Casablanca"))
    assert ics.yearly_zone("Africa/Casablanca", first) is None  # Ramadan changes: no RRULE says them
    assert ics.yearly_zone("America/New_York", first) is not None
