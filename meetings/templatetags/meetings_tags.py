"""Template helpers for meetings: clock times, days, time zones, join-by-phone links, and the finder's fields."""
import datetime

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from phones import numbers as phones
from places import timezones, weekdays

register = template.Library()


@register.filter
def clock(value) -> str:
    """A time as people read it, in the page's language: '7:00 PM', '7:00 p.m.'."""
    if not isinstance(value, datetime.time | datetime.datetime):
        return ""
    return time_format(value, "TIME_FORMAT")


@register.filter
def day_name(value) -> str:
    try:
        return str(weekdays.DAY_NAMES[int(value)])
    except (TypeError, ValueError, IndexError):
        return ""


@register.filter
def zone_name(value: str) -> str:
    """'Eastern time' for America/New_York."""
    return timezones.zone_label(str(value or ""))


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


FINDER_FIELDS_TEMPLATE = "meetings/includes/finder_fields.html"
MAX_KEPT_FIELDS = 2000
NEAR_SLOT = "\x00near\x00"  # where the typed place goes back into a kept rendering
_kept_fields: dict[tuple, str] = {}


def finder_fields_key(context) -> tuple | None:
    """Every value FINDER_FIELDS_TEMPLATE shows but the typed place, or None when the fields are
    rendered each time: with keywords, or with the place's error and suggestions."""
    form = context["form"]
    if "near" in form.errors or form["q"].value():
        return None
    return (
        get_language(), context["radius"],
        tuple((name, tuple(value) if isinstance(value, list) else value) for name, value in context["options"].items()),
        context["more_filters_open"], tuple(context["more_filter_names"]),
        context["chosen_fellowships"], context["chosen_types"],
    )


@register.simple_tag(takes_context=True)
def finder_fields(context):
    """The finder form's fields (FINDER_FIELDS_TEMPLATE), rendered once per process for the same values.

    Some seventy options cost more to render than the search's SQL; the key is every value the
    template reads (the choices' labels, in the page's language, included), so nothing needs clearing.
    What a person typed is never kept: the place goes into a slot of the kept rendering, and fields
    with keywords are rendered each time.
    """
    key = finder_fields_key(context)
    if key is None:
        return render_finder_fields(context)
    near = context["form"]["near"].value()
    typed = f'name="near" id="id_near" value="{escape(near if near is not None else "")}"'
    kept = _kept_fields.get(key)
    if kept is None:
        html = render_finder_fields(context)
        if html.count(typed) != 1 or NEAR_SLOT in html:
            return html  # not as expected: rendered each time
        if len(_kept_fields) >= MAX_KEPT_FIELDS:
            _kept_fields.clear()
        kept = _kept_fields[key] = html.replace(typed, NEAR_SLOT)
    return mark_safe(kept.replace(NEAR_SLOT, typed))  # `typed` is escaped


def render_finder_fields(context) -> str:
    return context.template.engine.get_template(FINDER_FIELDS_TEMPLATE).render(context)


@register.simple_tag
def local_time_line(meeting, start) -> str:
    """The hidden line that static/js/device.js fills with the meeting's next start in the
    visitor's own time zone (meetings.cards.local_time_line).

    Usage: {% load meetings_tags %}{% local_time_line meeting next_start %}
    """
    from meetings.cards import local_time_line as line

    return mark_safe(line(meeting.timezone, start=start))  # built from escaped pieces
