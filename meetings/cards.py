"""What a meeting finder's result card shows, prepared for its template.

The cards are jinja2/meetings/meeting_list.html (config/jinja.py says why Jinja2), placed by
`{% meeting_list %}`. Each page prepares what its cards show here (MeetingCard); a rendered card is
kept by those values (portal.fragments.kept), so an edit, another day or another minute makes a new
card at once, with nothing to clear.
"""
from __future__ import annotations

import datetime
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from django.db.models.query import ValuesIterable
from django.utils.formats import time_format
from django.utils.translation import get_language, gettext

from meetings.models import Attendance, Meeting
from meetings.templatetags.meetings_tags import started_ago, starts_in


def badge(meeting: Meeting, language: str | None = None) -> str:
    """'Ended earlier today, at 8:00 PM', 'Starts in 25 minutes', 'In progress: started 5 minutes ago' or ''."""
    language = language or get_language()
    if meeting.ended_today:
        ended = (datetime.datetime.combine(datetime.date(2000, 1, 1), meeting.start_time) + meeting.length).time()
        return _badge("ended", ended, language)
    seconds = getattr(meeting, "starts_in", None)
    if seconds is not None or hasattr(meeting, "starts_in"):
        return _badge("starts", int(seconds) // 60, language) if seconds is not None else ""
    seconds = getattr(meeting, "started_ago", None)
    if seconds is not None:
        return _badge("started", int(seconds) // 60, language)
    if hasattr(meeting, "started_ago"):
        return _badge("started", None, language)
    return ""


@lru_cache(maxsize=4096)
def _badge(kind: str, value, language: str | None) -> str:
    """A badge's text in the language (kept: a page's badges repeat the same few times and minutes)."""
    if kind == "ended":
        return gettext("Ended earlier today, at %(time)s") % {"time": time_format(value, "TIME_FORMAT")}
    if kind == "starts":
        return starts_in(value * 60).capitalize()
    return started_ago(value * 60) if value is not None else gettext("In progress now")


def card_lists(meetings: list[Meeting], *, by_day: bool) -> list[tuple[int | None, list[Meeting]]]:
    """The prepared meetings as lists: one per day they are listed under (`by_day`), else one."""
    if by_day:
        return [(day, list(group)) for day, group in groupby(meetings, key=attrgetter("occurrence_day"))]
    return [(None, meetings)]


@lru_cache(maxsize=64)
def attendance_label(attendance: str, language: str | None) -> str:
    """'In person', 'Online', ... in the language (kept: every card shows one)."""
    return str(Attendance(attendance).label)


class CardMeeting:
    """A listed meeting as the finder reads it (views.public_meetings: its row as values, with what
    the search annotated), with the attributes and properties a card reads."""

    is_in_person = Meeting.is_in_person
    is_online = Meeting.is_online
    length = Meeting.length

    def __init__(self, row: dict):
        self.__dict__.update(row)

    @property
    def place(self) -> str:
        """Where an in-person or hybrid meeting is: 'Church hall, Baltimore, MD' ('' online)."""
        return ", ".join(part for part in (self.location, self.city, self.state) if part) if self.is_in_person else ""

    @property
    def listed_types(self) -> tuple[str, ...]:
        return tuple(name for name in self.type_names or () if name)


class CardMeetings(ValuesIterable):
    """Makes a `.values()` queryset yield CardMeeting objects (set as its `_iterable_class`).

    `_iterable_class` is a Django internal (there is no public hook to shape what `.values()` yields):
    it spares building a model instance per card. tests/portal/test_library_internals.py fails if an
    upgrade changes it."""

    def __iter__(self):
        for row in super().__iter__():
            yield CardMeeting(row)


class MeetingCard(NamedTuple):
    """What a meeting's result card shows of the meeting (jinja2/meetings/meeting_list.html's
    `meeting_card` and `meeting_card_end` read nothing else, so they are kept by these values:
    portal.fragments.kept). The distance from the place searched is not here: it is the search's own."""

    card_id: str
    url: str
    name: str
    days: tuple[int, ...]
    start_time: datetime.time
    end_time: datetime.time | None
    timezone: str
    is_online: bool
    ended_today: bool
    badge: str
    badge_kind: str
    fellowship_name: str
    attendance: str
    attendance_label: str
    place: str
    types: tuple[str, ...]
    last_verified: datetime.date | None


def prepare_cards(meetings: list[Meeting], *, base_url: str, mode: str) -> list[Meeting]:
    """Give each listed meeting its `card` (MeetingCard): its address, its card's id, its badge
    ("Starts in 20 minutes", "Ended earlier today, at 8:00 PM"), how it is attended ("In person")
    and its distance, with the rest of what the card shows.

    The meetings come from views.public_meetings (their fellowship's name and type names, in the
    page's language, with them); `mode` is the finder's (a badge is styled by it).
    """
    language = get_language()
    for meeting in meetings:
        meeting.occurrence_day = occurrence = getattr(meeting, "occurrence_day", None)
        meeting.ended_today = getattr(meeting, "ended_today", False)
        meeting.distance = getattr(meeting, "distance", None)
        meeting.card = MeetingCard(
            card_id=f"meeting-{meeting.pk}-{occurrence if occurrence is not None else 'x'}",
            url=f"{base_url}{meeting.slug}/",
            name=meeting.name,
            days=tuple(meeting.days or ()),
            start_time=meeting.start_time,
            end_time=meeting.end_time,
            timezone=meeting.timezone,
            is_online=meeting.is_online,
            ended_today=meeting.ended_today,
            badge=badge(meeting, language),
            badge_kind="ended" if meeting.ended_today else mode,
            fellowship_name=meeting.fellowship_name,
            attendance=meeting.attendance,
            attendance_label=attendance_label(meeting.attendance, language),
            place=meeting.place,
            types=meeting.listed_types,
            last_verified=meeting.last_verified,
        )
    return meetings
