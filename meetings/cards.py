"""The meeting finder's result cards, put together in Python.

A results page shows twenty cards; through template tags (a variable costs some thirty-five Python
calls, a `{% translate %}` more) they cost more than the search's SQL. Each card is joined here from
pieces escaped one by one, and the text that depends only on a value and the page's language (a
clock time, the days, a time zone, a date) is worked out once per process.
"""
from __future__ import annotations

import datetime
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from html import escape as _escape

from django.db.models.query import ValuesIterable
from django.utils.formats import date_format, time_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from meetings.models import Attendance, Meeting, describe_days
from meetings.templatetags.meetings_tags import started_ago, starts_in
from places import timezones
from portal.templatetags.portal_tags import miles_away


def escape(value) -> str:
    """HTML-escape a value, as django.utils.html.escape does (without its lazy-string wrapper)."""
    return _escape(str(value))


# Pure formatting, keyed by the value and the language (the catalogues and formats never change in a process).

@lru_cache(maxsize=2048)
def _clock(value: datetime.time, language: str | None) -> str:
    return time_format(value, "TIME_FORMAT")


@lru_cache(maxsize=4096)
def _times(start: datetime.time, end: datetime.time | None, language: str | None) -> str:
    if end:
        return gettext("%(start)s to %(end)s") % {"start": _clock(start, language), "end": _clock(end, language)}
    return _clock(start, language)


@lru_cache(maxsize=512)
def _days(days: tuple[int, ...], language: str | None) -> str:
    return describe_days(days)


@lru_cache(maxsize=512)
def _zone(zone: str, language: str | None) -> str:
    return f"{timezones.zone_label(zone)} ({zone})"


@lru_cache(maxsize=4096)
def _verified(date: datetime.date | None, language: str | None) -> str:
    if date:
        return gettext("Verified %(date)s") % {"date": date_format(date, "SHORT_DATE_FORMAT")}
    return gettext("Not yet verified")


@lru_cache(maxsize=64)
def _attendance(value: str, language: str | None) -> str:
    return str(Attendance(value).label)


@lru_cache(maxsize=2048)
def _ended(start: datetime.time, length: datetime.timedelta, language: str | None) -> str:
    ended = (datetime.datetime.combine(datetime.date(2000, 1, 1), start) + length).time()
    return gettext("Ended earlier today, at %(time)s") % {"time": _clock(ended, language)}


@lru_cache(maxsize=2048)
def _starts_in(minutes: int, language: str | None) -> str:
    return starts_in(minutes * 60).capitalize()


@lru_cache(maxsize=2048)
def _started_ago(minutes: int, language: str | None) -> str:
    return started_ago(minutes * 60)


def badge(meeting: Meeting, language: str | None) -> str:
    """'Ended earlier today, at 8:00 PM', 'Starts in 25 minutes', 'In progress: started 5 minutes ago' or ''."""
    if meeting.ended_today:
        return _ended(meeting.start_time, meeting.length, language)
    seconds = getattr(meeting, "starts_in", None)
    if seconds is not None or hasattr(meeting, "starts_in"):
        return _starts_in(int(seconds) // 60, language) if seconds is not None else ""
    seconds = getattr(meeting, "started_ago", None)
    if seconds is not None:
        return _started_ago(int(seconds) // 60, language)
    if hasattr(meeting, "started_ago"):
        return gettext("In progress now")
    return ""


def card_lists(meetings: list[Meeting], *, by_day: bool) -> list[tuple[int | None, SafeString]]:
    """The prepared meetings' cards as lists (`<ol>`): one per day they are listed under (`by_day`), else one."""
    if by_day:
        groups = [(day, list(group)) for day, group in groupby(meetings, key=attrgetter("occurrence_day"))]
    else:
        groups = [(None, meetings)]
    return [(day, mark_safe(  # the cards are HTML already
        '<ol class="meeting-list">' + "".join(f"\n{meeting.card}" for meeting in group) + "\n</ol>"
    )) for day, group in groups]


class CardMeeting:
    """A listed meeting as the finder reads it (views.public_meetings: its row as values, with what
    the search annotated), with the attributes and properties a card reads."""

    is_in_person = Meeting.is_in_person
    is_online = Meeting.is_online
    length = Meeting.length

    def __init__(self, row: dict):
        self.__dict__.update(row)


class CardMeetings(ValuesIterable):
    """Makes a `.values()` queryset yield CardMeeting objects (set as its `_iterable_class`)."""

    def __iter__(self):
        for row in super().__iter__():
            yield CardMeeting(row)


MAX_KEPT = 5000
_kept: dict[tuple, SafeString] = {}


def prepare_cards(meetings: list[Meeting], *, base_url: str, list_days: bool, mode: str) -> list[Meeting]:
    """Give each listed meeting its card (`meeting.card`, HTML).

    The meetings come from views.public_meetings (their fellowship's name and type names, in the
    page's language, with them); in `mode` "day" the
    cards sit under a day heading (h4 names), else they are the list (h3). A card is made once per
    process for the same values: the key holds every value it shows (the badge and the distance as
    they read), so an edit, another day or another minute makes a new one, with nothing to clear.
    """
    language = get_language()
    level = 4 if mode == "day" else 3
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    for meeting in meetings:
        meeting.occurrence_day = getattr(meeting, "occurrence_day", None)
        meeting.ended_today = getattr(meeting, "ended_today", False)
        distance = getattr(meeting, "distance", None)
        fellowship = meeting.fellowship_name
        badge_text = badge(meeting, language)
        away = miles_away(distance) if distance is not None else None
        key = (
            language, base_url, level, mode, list_days, meeting.pk, meeting.occurrence_day, meeting.ended_today,
            badge_text, away, fellowship,
            meeting.name, meeting.slug, tuple(meeting.days or ()), meeting.start_time, meeting.end_time,
            meeting.timezone, meeting.location, meeting.city, meeting.state, meeting.attendance,
            meeting.last_verified, tuple(meeting.type_names or ()),
        )
        html = _kept.get(key)
        if html is None:
            html = _kept[key] = card(meeting, base_url=base_url, list_days=list_days, level=level, mode=mode,
                                     language=language, badge_text=badge_text, away=away, fellowship=fellowship)
        meeting.card = html
    return meetings


def local_time_line(zone: str, *, time: datetime.time | None = None, start: datetime.datetime | None = None) -> str:
    """An empty, hidden line that static/js/device.js fills with the meeting's time in the visitor's
    own time zone (worked out in the browser, never sent here), when that zone is another one:
    from `start` (an instant, with its weekday) or `time` (a clock time in `zone`)."""
    when = f'data-start="{escape(start.isoformat())}"' if start else f'data-time="{time:%H:%M}"'
    return (f'    <p class="local-time" data-local-time data-zone="{escape(zone)}" {when} '
            f'data-label="{escape(gettext("Your time: %(time)s"))}" hidden></p>')


def card(meeting: Meeting, *, base_url: str, list_days: bool, level: int, mode: str, language: str | None,
         badge_text: str, away: str | None, fellowship: str) -> SafeString:
    """One result card (`away`: miles_away's HTML, or None without a distance)."""
    occurrence = meeting.occurrence_day
    card_id = escape(f"meeting-{meeting.pk}-{occurrence if occurrence is not None else 'x'}")
    times = _times(meeting.start_time, meeting.end_time, language)
    time_text = f"{_days(tuple(meeting.days or ()), language)}, {times}" if list_days else times
    lines = [
        f'<li class="meeting-card{" ended" if meeting.ended_today else ""}">',
        f'  <article aria-labelledby="{card_id}">',
        f'    <h{level} id="{card_id}"><a href="{escape(f"{base_url}{meeting.slug}/")}">{escape(meeting.name)}</a>'
        f'</h{level}>',
        f'    <p class="when"><strong>{escape(time_text)}</strong>'
        f' <span class="zone">{escape(_zone(meeting.timezone, language))}</span></p>',
    ]
    if meeting.is_online:  # static/js/device.js fills in the time in the visitor's own zone, if another
        lines.append(local_time_line(meeting.timezone, time=meeting.start_time))
    if badge_text:
        kind = "ended" if meeting.ended_today else escape(mode)
        lines.append(f'    <p class="badge {kind}">{escape(badge_text)}</p>')
    lines.append(f'    <p class="fellowship">{escape(fellowship)}</p>')
    place_text = ", ".join(part for part in (meeting.location, meeting.city, meeting.state) if part) \
        if meeting.is_in_person else ""
    place = f' <span class="place">{escape(place_text)}</span>' if place_text else ""
    lines.append(f'    <p class="attendance"><span class="badge attend-{escape(meeting.attendance)}">'
                 f'{escape(_attendance(meeting.attendance, language))}</span>{place}</p>')
    if away is not None:
        lines.append(f'    <p class="distance">{away}</p>')
    type_names = [name for name in meeting.type_names or [] if name]
    if type_names:
        lines.append(f'    <p class="types"><span class="visually-hidden">{escape(gettext("Meeting types:"))} </span>'
                     f'{escape(", ".join(type_names))}</p>')
    lines += [f'    <p class="verified">{escape(_verified(meeting.last_verified, language))}</p>', "  </article>",
              "</li>"]
    # Every value above is escaped; `away` (miles_away) is HTML.
    return mark_safe("\n".join(lines))
