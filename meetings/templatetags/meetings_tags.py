"""Template helpers for meetings: clock times, days, time zones and join-by-phone links (filters that
the result lists in jinja2/meetings/ use too, config/jinja.py), and the finder's result lists."""
import datetime
from functools import lru_cache

from django import template
from django.utils.formats import time_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from phones import numbers as phones
from places import timezones, weekdays
from portal.fragments import keeper, macro, render_list

register = template.Library()


@register.filter
def clock(value, language: str | None = None) -> str:
    """A time as people read it, in the page's language (or `language`: a result list passes the one
    it is rendered in, jinja2/meetings/meeting_list.html): '7:00 PM', '7:00 p.m.'."""
    if isinstance(value, datetime.time):
        return _clock(value, language or get_language())
    if isinstance(value, datetime.datetime):
        return time_format(value, "TIME_FORMAT")
    return ""


@lru_cache(maxsize=4096)
def _clock(value: datetime.time, language: str | None) -> str:
    """A clock time in the language (kept: every page of meetings repeats the same few times)."""
    return time_format(value, "TIME_FORMAT")


@register.filter
def day_name(value) -> str:
    try:
        return str(weekdays.DAY_NAMES[int(value)])
    except (TypeError, ValueError, IndexError):
        return ""


@register.filter
def describe_days(days, language: str | None = None) -> str:
    """A meeting's days as a card says them: 'Mondays and Wednesdays', 'Every day' (in `language`, as clock)."""
    return _describe_days(tuple(days or ()), language or get_language())


@lru_cache(maxsize=1024)
def _describe_days(days: tuple[int, ...], language: str | None) -> str:
    from meetings.models import describe_days as describe

    return describe(list(days))


@register.filter
def zone_name(value: str, language: str | None = None) -> str:
    """'Eastern time' for America/New_York (in `language`, as clock)."""
    return _zone_name(str(value or ""), language or get_language())


@lru_cache(maxsize=1024)
def _zone_name(zone: str, language: str | None) -> str:
    return timezones.zone_label(zone)


@register.filter
def starts_in(seconds) -> str:
    """'starts now', 'starts in 1 minute', 'starts in 25 minutes', 'starts in 1 hour'."""
    try:
        minutes = int(seconds) // 60
    except (TypeError, ValueError):
        return ""
    if minutes < 1:
        return _("starts now")
    if minutes < 60:
        return ngettext("starts in %(minutes)s minute", "starts in %(minutes)s minutes", minutes) % {"minutes": minutes}
    hours, rest = divmod(minutes, 60)
    if not rest:
        return ngettext("starts in %(hours)s hour", "starts in %(hours)s hours", hours) % {"hours": hours}
    return (ngettext("starts in %(hours)s hour", "starts in %(hours)s hours", hours) % {"hours": hours} + " "
            + ngettext("%(minutes)s minute", "%(minutes)s minutes", rest) % {"minutes": rest})


@register.filter
def started_ago(seconds) -> str:
    """'In progress: started 5 minutes ago'."""
    try:
        minutes = int(seconds) // 60
    except (TypeError, ValueError):
        return _("In progress now")
    if minutes < 1:
        return _("In progress: just started")
    if minutes < 60:
        return ngettext(
            "In progress: started %(minutes)s minute ago", "In progress: started %(minutes)s minutes ago", minutes
        ) % {"minutes": minutes}
    hours, rest = divmod(minutes, 60)
    if rest:
        return ngettext(
            "In progress: started %(hours)s hour %(minutes)s min ago",
            "In progress: started %(hours)s hours %(minutes)s min ago",
            hours,
        ) % {"hours": hours, "minutes": rest}
    return ngettext(
        "In progress: started %(hours)s hour ago", "In progress: started %(hours)s hours ago", hours
    ) % {"hours": hours}


@register.filter
def conference_tel(number: str) -> str:
    """A tel: link in E.164 that keeps one-tap dialling (pauses and codes after the number, # encoded)."""
    return phones.conference_tel(str(number or ""))


@register.filter
def phone_display(number: str) -> str:
    """The dialled part of a conference phone number, formatted, without its one-tap codes."""
    return phones.conference_display(str(number or ""))


@register.inclusion_tag("meetings/includes/nearby_meetings.html")
def nearby_meetings_box(place, miles, heading_level: int = 2) -> dict:
    """The next in-person meetings near a place, for another app's page (the treatment search).

    Usage: {% load meetings_tags %}{% nearby_meetings_box place radius heading_level=2 %}
    """
    from meetings.search import nearby_meetings

    return {"nearby": nearby_meetings(place, miles), "heading_level": heading_level}


@register.simple_tag
def local_time_line(meeting, start) -> SafeString:
    """The hidden line that static/js/device.js fills with the meeting's next start in the visitor's own
    time zone (worked out in the browser, never sent here), when that zone is another one: the same
    line as on its result card (jinja2/meetings/local_time.html).

    Usage: {% load meetings_tags %}{% local_time_line meeting next_start %}
    """
    return mark_safe(macro("meetings/local_time.html", "local_time")(meeting.timezone, start=start))


@register.simple_tag
def meeting_list(meetings, heading_level: int = 3, list_days: bool = True) -> SafeString:
    """The finder's result cards (jinja2/meetings/meeting_list.html), meetings made ready by
    meetings.cards.prepare_cards: their names as h3 and their days, or under a day heading as h4
    without them. What a card shows of the meeting is kept by it (portal.fragments.kept); the distance from the
    place searched is the search's own. The page gives the list around them.

    Usage: <ol class="meeting-list">{% meeting_list meetings %}
           </ol>, {% meeting_list meetings heading_level=4 list_days=False %}
    """
    template = "meetings/meeting_list.html"
    card_start, card_end = keeper(template, "meeting_card"), keeper(template, "meeting_card_end")
    distance_line = macro(template, "meeting_distance")
    parts = []
    for meeting in meetings:
        card = meeting.card
        parts.append(card_start(card, heading_level, list_days))
        if meeting.distance is not None:
            parts.append(distance_line(meeting.distance))
        parts.append(card_end(card.types, card.last_verified))
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def finder_fields(context) -> SafeString:
    """The finder's fields after the place and distance (jinja2/meetings/finder_fields.html), from the
    finder's context (meetings.search.MeetingSearchResult): its `options`, how many fellowships and
    types are ticked, the filters in use and the keywords typed.

    Usage: {% finder_fields %}
    """
    typed = context["form"]["q"].value()
    return render_list("meetings/finder_fields.html", {
        "options": context["options"],
        "chosen_fellowships": context["chosen_fellowships"],
        "chosen_types": context["chosen_types"],
        "more_filters_open": context.get("more_filters_open"),
        "more_filter_names": context.get("more_filter_names") or (),
        "q": "" if typed is None else typed,
    })
