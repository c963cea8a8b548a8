"""Support-group meetings for other pages of the portal, such as the treatment search results."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, Meeting
from places import geo, weekdays


def place_query(place: geo.Place) -> str:
    """What to put in the finder's `near` parameter to search the same place again."""
    if place.kind == "zip":
        return place.label.split(" ", 1)[0]
    if place.kind == "coordinates":
        return f"{place.latitude:.2f},{place.longitude:.2f}"
    return place.label


def relative_day(start: datetime.datetime, now: datetime.datetime) -> str:
    """'Today', 'Tomorrow' or the weekday of an aware datetime, judged by the clock of its own zone."""
    today = now.astimezone(start.tzinfo).date()
    return {0: "Today", 1: "Tomorrow"}.get((start.date() - today).days, weekdays.DAY_NAMES[weekdays.meeting_day(start.date())])


def when_label(meeting: Meeting, now: datetime.datetime) -> str:
    """'Today at 7:00 PM', 'Tomorrow at 7:00 AM' or 'Thursday at 12:00 PM', in the meeting's own clock."""
    start = meeting.next_start(now)
    return f"{relative_day(start, now)} at {start.strftime('%I:%M %p').lstrip('0')}"


@dataclass
class NearbyMeetings:
    """The next in-person meetings near a place, and a link to see all of them in the finder."""

    place: geo.Place
    miles: int
    meetings: list[Meeting] = field(default_factory=list)
    finder_url: str = ""
    online_url: str = ""

    def __iter__(self):
        return iter(self.meetings)

    def __len__(self) -> int:
        return len(self.meetings)


def nearby_meetings(
    place: geo.Place, miles: float, limit: int = 5, *, now: datetime.datetime | None = None
) -> NearbyMeetings:
    """Active in-person and hybrid meetings within `miles` of `place`, the soonest to start first.

    Each meeting carries `distance` (miles) and `when_label` ('Today at 7:00 PM', in its own zone).
    """
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.active()
        .attendance(Attendance.IN_PERSON)
        .near(place, miles)
        .with_starts_in(now)
        .select_related("fellowship")
        .defer("search_vector")
        .order_by("starts_in", "distance", "pk")[:limit]
    )
    for meeting in meetings:
        meeting.when_label = when_label(meeting, now)
    finder = reverse("meetings:finder")
    return NearbyMeetings(
        place=place,
        miles=int(miles),
        meetings=meetings,
        finder_url=f"{finder}?{urlencode({'near': place_query(place), 'radius': int(miles)})}",
        online_url=f"{finder}?{urlencode({'attendance': Attendance.ONLINE.value, 'day': 'today'})}",
    )
