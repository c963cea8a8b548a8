"""Meeting queries and time logic, always with a fixed clock passed in as `now`."""
import datetime

import pytest
from django.db import IntegrityError

from meetings.models import Attendance, Meeting
from places import geo, timezones

from .conftest import at
from .factories import PHOENIX, make_meeting, make_online_meeting

pytestmark = pytest.mark.django_db

T = datetime.time
SUNDAY, MONDAY, SATURDAY = 0, 1, 6


def slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


class TestAttendance:
    def test_address_only_is_in_person(self):
        assert make_meeting().attendance == Attendance.IN_PERSON

    def test_link_and_no_address_is_online(self):
        meeting = make_online_meeting()
        assert meeting.attendance == Attendance.ONLINE
        assert meeting.latitude is None and not meeting.has_street_address

    def test_phone_only_is_online(self):
        meeting = make_online_meeting(conference_url="", conference_phone="+14105550123")
        assert meeting.attendance == Attendance.ONLINE

    def test_address_and_link_is_hybrid(self):
        assert make_meeting(conference_url="https://meet.example.org/x").attendance == Attendance.HYBRID

    def test_location_temporarily_closed_type_makes_it_online(self):
        meeting = make_meeting(conference_url="https://meet.example.org/x", types=["O", "TC"])
        assert meeting.attendance == Attendance.ONLINE

    def test_closed_location_without_link_cannot_be_attended(self):
        meeting = make_meeting(types=["TC"])
        assert meeting.attendance == Attendance.INACTIVE
        assert not Meeting.objects.active().filter(pk=meeting.pk).exists()

    def test_removing_tc_reopens_in_person(self):
        meeting = make_meeting(types=["TC"])
        meeting.types.clear()
        meeting.refresh_from_db()
        assert meeting.attendance == Attendance.IN_PERSON

    def test_attendance_filter_counts_hybrid_both_ways(self):
        in_person = make_meeting()
        online = make_online_meeting()
        hybrid = make_meeting(conference_url="https://meet.example.org/h")
        assert slugs(Meeting.objects.attendance("in_person")) == {in_person.slug, hybrid.slug}
        assert slugs(Meeting.objects.attendance("online")) == {online.slug, hybrid.slug}
        assert slugs(Meeting.objects.attendance("hybrid")) == {hybrid.slug}

    def test_active_excludes_temporarily_closed(self):
        closed = make_meeting(status=Meeting.Status.TEMPORARILY_CLOSED)
        open_ = make_meeting()
        assert slugs(Meeting.objects.active()) == {open_.slug}
        assert closed.slug not in slugs(Meeting.objects.active())


class TestPlaceAndSchedule:
    def test_near_uses_distance_and_skips_online_meetings(self):
        here = make_meeting()
        far = make_meeting(latitude=PHOENIX[0], longitude=PHOENIX[1], city="Phoenix", state="AZ", postal_code="85004")
        make_online_meeting()
        results = list(Meeting.objects.near(geo.resolve("21201"), 10))
        assert [m.slug for m in results] == [here.slug]
        assert results[0].distance < 1
        assert far.slug in slugs(Meeting.objects.near(geo.resolve("85004"), 10))

    def test_on_weekday_matches_any_of_several_days(self):
        both = make_meeting(days=[1, 3])
        make_meeting(days=[2])
        assert slugs(Meeting.objects.on_weekday(3)) == {both.slug}
        assert slugs(Meeting.objects.on_weekday(1)) == {both.slug}

    def test_days_are_stored_sorted_and_unique(self):
        meeting = make_meeting(days=[5, 1, 5])
        assert meeting.days == [1, 5]

    def test_database_rejects_days_outside_the_week(self):
        meeting = make_meeting()
        with pytest.raises(IntegrityError):
            Meeting.objects.filter(pk=meeting.pk).update(days=[7])

    @pytest.mark.parametrize("start,bucket", [
        (T(5, 0), "morning"), (T(11, 59), "morning"), (T(12, 0), "midday"), (T(16, 30), "midday"),
        (T(17, 0), "evening"), (T(20, 59), "evening"), (T(21, 0), "night"), (T(23, 30), "night"), (T(0, 0), "night"),
        (T(4, 59), "night"),
    ])
    def test_time_of_day_buckets(self, start, bucket):
        meeting = make_meeting(start_time=start)
        for name in ("morning", "midday", "evening", "night"):
            assert (meeting.slug in slugs(Meeting.objects.at_time_of_day(name))) == (name == bucket), name

    def test_search_finds_words_in_name_group_and_location(self):
        meeting = make_meeting(name="Lanternfield Serenity", group_name="Quillbrook Hope Group")
        make_meeting(name="Other")
        assert slugs(Meeting.objects.search("serenity")) == {meeting.slug}
        assert slugs(Meeting.objects.search("quillbrook")) == {meeting.slug}

    def test_of_types_requires_every_type(self):
        women_spanish = make_meeting(types=["W", "S"])
        make_meeting(types=["W"])
        assert slugs(Meeting.objects.of_types(["W", "S"])) == {women_spanish.slug}

    def test_occurrences_per_day_count_each_day_a_meeting_meets(self):
        make_meeting(days=[1, 3])
        make_meeting(days=[3])
        assert Meeting.objects.occurrences_per_day() == {1: 1, 3: 2}
        assert Meeting.objects.filter(days=[3]).occurrences_per_day() == {3: 1}


class TestStartingSoonAndInProgress:
    """Each meeting's own clock decides; the searcher's zone does not matter."""

    @pytest.fixture
    def sunday_evening(self):
        """A 7 PM Sunday meeting in New York (daylight saving) and one in Phoenix (no daylight saving)."""
        return (
            make_meeting(slug="ny", days=[SUNDAY], start_time=T(19), timezone="America/New_York"),
            make_meeting(slug="phx", days=[SUNDAY], start_time=T(19), timezone="America/Phoenix",
                         latitude=PHOENIX[0], longitude=PHOENIX[1]),
        )

    def test_week_before_spring_change_new_york_is_starting(self, sunday_evening):
        now = at("2026-03-01 23:30")  # 6:30 PM EST in New York, 4:30 PM in Phoenix
        assert slugs(Meeting.objects.starting_soon(now)) == {"ny"}
        assert slugs(Meeting.objects.in_progress(now)) == set()

    def test_day_of_spring_change_new_york_is_under_way(self, sunday_evening):
        now = at("2026-03-08 23:30")  # same UTC time, but 7:30 PM EDT in New York; still 4:30 PM in Phoenix
        assert slugs(Meeting.objects.starting_soon(now)) == set()
        assert slugs(Meeting.objects.in_progress(now)) == {"ny"}

    def test_phoenix_keeps_its_time_across_the_change(self, sunday_evening):
        for moment in ("2026-03-02 02:30", "2026-03-09 02:30"):  # 7:30 PM in Phoenix both Sundays
            assert slugs(Meeting.objects.in_progress(at(moment))) == {"phx"}, moment

    def test_week_before_autumn_change_new_york_is_under_way(self, sunday_evening):
        now = at("2026-10-25 23:30")  # 7:30 PM EDT
        assert slugs(Meeting.objects.in_progress(now)) == {"ny"}

    def test_day_of_autumn_change_new_york_is_starting(self, sunday_evening):
        now = at("2026-11-01 23:30")  # 6:30 PM EST
        soon = Meeting.objects.starting_soon(now)
        assert slugs(soon) == {"ny"}
        assert soon.get().starts_in == 30 * 60

    def test_meeting_after_the_skipped_hour_is_starting_soon(self):
        """At 1:45 AM EST on the spring change, 3:15 AM EDT is only 30 minutes away."""
        make_meeting(slug="after-gap", days=[SUNDAY], start_time=T(3, 15))
        make_meeting(slug="next-morning", days=[SUNDAY], start_time=T(4, 0))
        now = at("2026-03-08 01:45", "America/New_York")
        assert slugs(Meeting.objects.starting_soon(now)) == {"after-gap"}

    def test_meeting_in_the_repeated_hour_is_starting_soon(self):
        make_meeting(slug="repeated", days=[SUNDAY], start_time=T(1, 30))
        now = at("2026-11-01 05:15")  # 1:15 AM EDT, before the clocks go back
        assert slugs(Meeting.objects.starting_soon(now)) == {"repeated"}

    def test_window_crossing_midnight_finds_tomorrows_first_meeting(self):
        make_meeting(slug="early", days=[SUNDAY], start_time=T(0, 15))
        make_meeting(slug="saturday-early", days=[SATURDAY], start_time=T(0, 15))
        now = at("2026-03-07 23:30", "America/New_York")  # Saturday night
        assert slugs(Meeting.objects.starting_soon(now)) == {"early"}

    def test_meeting_crossing_midnight_is_in_progress_after_midnight(self):
        make_meeting(slug="late", days=[SATURDAY], start_time=T(23, 0), end_time=T(0, 30))
        assert slugs(Meeting.objects.in_progress(at("2026-03-07 23:30", "America/New_York"))) == {"late"}
        assert slugs(Meeting.objects.in_progress(at("2026-03-08 00:15", "America/New_York"))) == {"late"}
        assert slugs(Meeting.objects.in_progress(at("2026-03-08 00:45", "America/New_York"))) == set()
        # Sunday night is not Saturday night: it does not meet on Sundays.
        assert slugs(Meeting.objects.in_progress(at("2026-03-08 23:30", "America/New_York"))) == set()

    def test_meeting_ending_at_midnight_is_over_at_midnight(self):
        make_meeting(slug="last-call", days=[SUNDAY], start_time=T(23), end_time=T(0))
        assert slugs(Meeting.objects.in_progress(at("2026-03-01 23:59", "America/New_York"))) == {"last-call"}
        assert slugs(Meeting.objects.in_progress(at("2026-03-02 00:00", "America/New_York"))) == set()

    def test_in_progress_says_how_long_ago_it_started(self):
        make_meeting(slug="late", days=[SATURDAY], start_time=T(23, 0), end_time=T(0, 30))
        meeting = Meeting.objects.in_progress(at("2026-03-08 00:15", "America/New_York")).get()
        assert meeting.started_ago == 75 * 60

    def test_meeting_without_end_time_lasts_an_hour(self):
        make_meeting(slug="hour", days=[MONDAY], start_time=T(19))
        assert slugs(Meeting.objects.in_progress(at("2026-03-02 19:59", "America/New_York"))) == {"hour"}
        assert slugs(Meeting.objects.in_progress(at("2026-03-02 20:00", "America/New_York"))) == set()

    def test_online_meetings_without_address_follow_their_own_zone(self):
        make_online_meeting(slug="la-online", days=[MONDAY], start_time=T(7), timezone="America/Los_Angeles")
        now = at("2026-03-02 09:40", "America/New_York")  # 6:40 AM in Los Angeles
        soon = Meeting.objects.starting_soon(now).attendance("online")
        assert slugs(soon) == {"la-online"}
        assert soon.get().starts_in == 20 * 60

    def test_starting_soon_orders_across_zones_by_true_time(self):
        make_meeting(slug="chicago", days=[MONDAY], start_time=T(18, 45), timezone="America/Chicago")
        make_meeting(slug="new-york", days=[MONDAY], start_time=T(19, 30), timezone="America/New_York")
        now = at("2026-03-02 19:00", "America/New_York")  # 6:00 PM in Chicago
        ordered = Meeting.objects.starting_soon(now).order_by("starts_in")
        assert [(m.slug, m.starts_in // 60) for m in ordered] == [("new-york", 30), ("chicago", 45)]

    def test_next_start_in_the_meetings_own_zone(self):
        meeting = make_meeting(days=[MONDAY, 3], start_time=T(19), timezone="America/Phoenix")
        start = meeting.next_start(at("2026-03-03 03:00"))  # Monday 8 PM in Phoenix: the next is Wednesday
        assert start.isoformat() == "2026-03-04T19:00:00-07:00"


class TestZones:
    def test_searchers_today_depends_on_their_zone(self):
        now = at("2026-03-08 05:30")  # Sunday 12:30 AM in New York, still Saturday in Phoenix
        assert timezones.today_in(timezones.zone_for_place(geo.resolve("85004")), now) == SATURDAY
        assert timezones.today_in(timezones.zone_for_place(geo.resolve("21201")), now) == SUNDAY
        assert timezones.today_in(timezones.zone_for_place(None), now) == SUNDAY  # the portal's zone

    @pytest.mark.parametrize("place,zone", [
        ("21201", "America/New_York"), ("85004", "America/Phoenix"), ("80202", "America/Denver"),
        ("97204", "America/Los_Angeles"), ("Louisville, KY", "America/New_York"), ("42101", "America/Chicago"),
        ("79901", "America/Denver"), ("32501", "America/Chicago"), ("37402", "America/New_York"),
        ("37203", "America/Chicago"), ("33.45,-112.07", "America/Phoenix"),
    ])
    def test_zone_for_place(self, place, zone):
        assert timezones.zone_for_place(geo.resolve(place)) == zone

    def test_zone_labels(self):
        assert timezones.zone_label("America/New_York") == "Eastern time"
        assert timezones.zone_label("America/Phoenix") == "Arizona time"
        assert timezones.zone_label("Europe/Paris") == "Paris time"

    def test_wall_windows_skip_the_spring_gap(self):
        windows = timezones.wall_windows(at("2026-03-08 06:45"), at("2026-03-08 07:45"), "America/New_York")
        assert [(w.day, w.start.strftime("%H:%M"), w.end.strftime("%H:%M")) for w in windows] == [
            (SUNDAY, "01:45", "01:59"), (SUNDAY, "03:00", "03:45"),
        ]

    def test_validate_zone(self):
        from django.core.exceptions import ValidationError

        timezones.validate_zone("America/Phoenix")
        with pytest.raises(ValidationError):
            timezones.validate_zone("Mars/Olympus_Mons")
