"""What a meeting finder's result card shows, prepared for its template.

The cards are templates/meetings/includes/meeting_list.html: `{% cache %}` fragments keyed on every
value they show (the listing, the page's language, the badge and the distance as they read), so an
edit, another day or another minute shows at once, with nothing to clear.
"""
from __future__ import annotations

import datetime
from itertools import groupby
from operator import attrgetter

from django.db.models.query import ValuesIterable
from django.utils.formats import time_format
from django.utils.translation import get_language, gettext

from meetings.models import Attendance, Meeting
from meetings.templatetags.meetings_tags import started_ago, starts_in
from portal.templatetags.portal_tags import miles


def badge(meeting: Meeting) -> str:
    """'Ended earlier today, at 8:00 PM', 'Starts in 25 minutes', 'In progress: started 5 minutes ago' or ''."""
    if meeting.ended_today:
        ended = (datetime.datetime.combine(datetime.date(2000, 1, 1), meeting.start_time) + meeting.length).time()
        return gettext("Ended earlier today, at %(time)s") % {"time": time_format(ended, "TIME_FORMAT")}
    seconds = getattr(meeting, "starts_in", None)
    if seconds is not None or hasattr(meeting, "starts_in"):
        return starts_in(int(seconds) // 60 * 60).capitalize() if seconds is not None else ""
    seconds = getattr(meeting, "started_ago", None)
    if seconds is not None:
        return started_ago(int(seconds) // 60 * 60)
    if hasattr(meeting, "started_ago"):
        return gettext("In progress now")
    return ""


def card_lists(meetings: list[Meeting], *, by_day: bool) -> list[tuple[int | None, list[Meeting], tuple]]:
    """The prepared meetings as lists: one per day they are listed under (`by_day`), else one; each
    with every value its cards show (a page seen again is one cached fragment, not one per card)."""
    if by_day:
        groups = [(day, list(group)) for day, group in groupby(meetings, key=attrgetter("occurrence_day"))]
    else:
        groups = [(None, meetings)]
    return [(day, group, tuple(meeting.shown for meeting in group)) for day, group in groups]


class CardMeeting:
    """A listed meeting as the finder reads it (views.public_meetings: its row as values, with what
    the search annotated), with the attributes and properties a card reads."""

    is_in_person = Meeting.is_in_person
    is_online = Meeting.is_online
    length = Meeting.length

    def __init__(self, row: dict):
        self.__dict__.update(row)

    @property
    def attendance_label(self) -> str:
        return Attendance(self.attendance).label

    @property
    def place(self) -> str:
        """Where an in-person or hybrid meeting is: 'Church hall, Baltimore, MD' ('' online)."""
        return ", ".join(part for part in (self.location, self.city, self.state) if part) if self.is_in_person else ""

    @property
    def listed_types(self) -> list[str]:
        return [name for name in self.type_names or [] if name]


class CardMeetings(ValuesIterable):
    """Makes a `.values()` queryset yield CardMeeting objects (set as its `_iterable_class`).

    `_iterable_class` is a Django internal (there is no public hook to shape what `.values()` yields):
    it spares building a model instance per card. tests/portal/test_library_internals.py fails if an
    upgrade changes it."""

    def __iter__(self):
        for row in super().__iter__():
            yield CardMeeting(row)


def prepare_cards(meetings: list[Meeting], *, base_url: str, list_days: bool, mode: str) -> list[Meeting]:
    """Give each listed meeting what its card shows and the keys its card is cached under (`shown`).

    The meetings come from views.public_meetings (their fellowship's name and type names, in the
    page's language, with them); in `mode` "day" the cards sit under a day heading (h4 names), else
    they are the list (h3).
    """
    language = get_language()
    level = 4 if mode == "day" else 3
    for meeting in meetings:
        meeting.occurrence_day = occurrence = getattr(meeting, "occurrence_day", None)
        meeting.ended_today = getattr(meeting, "ended_today", False)
        meeting.distance = getattr(meeting, "distance", None)
        meeting.card_id = f"meeting-{meeting.pk}-{occurrence if occurrence is not None else 'x'}"
        meeting.url = f"{base_url}{meeting.slug}/"
        meeting.heading_level = level
        meeting.list_days = list_days
        meeting.badge = badge(meeting)
        meeting.badge_kind = "ended" if meeting.ended_today else mode
        # A card is two fragments around its badge, which changes with the minute: the heading and
        # the time, then the rest; each cached under every value it shows.
        meeting.shown_heading = (
            language, level, list_days, meeting.url, meeting.card_id, meeting.ended_today, meeting.name,
            tuple(meeting.days or ()), meeting.start_time, meeting.end_time, meeting.timezone, meeting.attendance,
        )
        meeting.shown_details = (
            language, None if meeting.distance is None else miles(meeting.distance, language),
            meeting.fellowship_name, meeting.attendance, meeting.location, meeting.city, meeting.state,
            meeting.last_verified, tuple(meeting.type_names or ()),
        )
        meeting.shown = (meeting.shown_heading, meeting.badge, meeting.badge_kind, meeting.shown_details)
    return meetings
