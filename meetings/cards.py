"""The meeting finder's result cards, put together in Python.

A results page shows twenty cards; through template tags (a variable costs some thirty-five Python
calls, a `{% translate %}` more) they cost more than the search's SQL. Each card is joined here from
pieces escaped one by one, and the text that depends only on a value and the page's language (a
clock time, the days, a time zone, a date) is worked out once per process.
"""
from __future__ import annotations

import datetime
from functools import lru_cache
from html import escape as _escape

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


def prepare_cards(meetings: list[Meeting], *, base_url: str, list_days: bool, mode: str) -> list[Meeting]:
    """Give each listed meeting its card (`meeting.card`, HTML) and the texts it shows.

    The meetings come from views.public_meetings (their type names with them); in `mode` "day" the
    cards sit under a day heading (h4 names), else they are the list (h3).
    """
    language = get_language()
    level = 4 if mode == "day" else 3
    types_label = escape(gettext("Meeting types:"))
    fellowships: dict[int, str] = {}
    for meeting in meetings:
        meeting.occurrence_day = getattr(meeting, "occurrence_day", None)
        meeting.distance = getattr(meeting, "distance", None)
        meeting.ended_today = getattr(meeting, "ended_today", False)
        meeting.card_id = f"meeting-{meeting.pk}-{meeting.occurrence_day if meeting.occurrence_day is not None else 'x'}"
        meeting.type_names = [name for name in meeting.type_names or [] if name]
        times = _times(meeting.start_time, meeting.end_time, language)
        meeting.time_text = f"{_days(tuple(meeting.days or ()), language)}, {times}" if list_days else times
        meeting.zone_text = _zone(meeting.timezone, language)
        meeting.badge_text = badge(meeting, language)
        meeting.url = f"{base_url}{meeting.slug}/"
        meeting.attendance_text = _attendance(meeting.attendance, language)
        meeting.verified_text = _verified(meeting.last_verified, language)
        meeting.place_text = (
            ", ".join(part for part in (meeting.location, meeting.city, meeting.state) if part)
            if meeting.is_in_person else ""
        )
        fellowship = fellowships.get(meeting.fellowship_id)
        if fellowship is None:
            fellowship = fellowships[meeting.fellowship_id] = escape(meeting.fellowship.localized_name)
        meeting.card = card(meeting, level=level, mode=mode, fellowship=fellowship, types_label=types_label)
    return meetings


def card(meeting: Meeting, *, level: int, mode: str, fellowship: str, types_label: str) -> SafeString:
    """One result card (`fellowship` and `types_label` escaped already)."""
    card_id = escape(meeting.card_id)
    lines = [
        f'<li class="meeting-card{" ended" if meeting.ended_today else ""}">',
        f'  <article aria-labelledby="{card_id}">',
        f'    <h{level} id="{card_id}"><a href="{escape(meeting.url)}">{escape(meeting.name)}</a></h{level}>',
        f'    <p class="when"><strong>{escape(meeting.time_text)}</strong>'
        f' <span class="zone">{escape(meeting.zone_text)}</span></p>',
    ]
    if meeting.badge_text:
        kind = "ended" if meeting.ended_today else escape(mode)
        lines.append(f'    <p class="badge {kind}">{escape(meeting.badge_text)}</p>')
    lines.append(f'    <p class="fellowship">{fellowship}</p>')
    place = f' <span class="place">{escape(meeting.place_text)}</span>' if meeting.place_text else ""
    lines.append(f'    <p class="attendance"><span class="badge attend-{escape(meeting.attendance)}">'
                 f'{escape(meeting.attendance_text)}</span>{place}</p>')
    if meeting.distance is not None:
        lines.append(f'    <p class="distance">{miles_away(meeting.distance)}</p>')
    if meeting.type_names:
        lines.append(f'    <p class="types"><span class="visually-hidden">{types_label} </span>'
                     f'{escape(", ".join(meeting.type_names))}</p>')
    lines += [f'    <p class="verified">{escape(meeting.verified_text)}</p>', "  </article>", "</li>"]
    # Every value above is escaped; miles_away returns HTML.
    return mark_safe("\n".join(lines))
