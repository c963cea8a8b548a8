"""Template helpers for meetings: clock times, days, time zones, and join-by-phone links."""
import datetime

from django import template

from phones import numbers as phones
from places import timezones, weekdays

register = template.Library()


@register.filter
def clock(value) -> str:
    """A time as people read it: '7:00 PM', '12:15 PM'."""
    if not isinstance(value, datetime.time | datetime.datetime):
        return ""
    return value.strftime("%I:%M %p").lstrip("0")


@register.filter
def day_name(value) -> str:
    try:
        return weekdays.DAY_NAMES[int(value)]
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
        return "starts now"
    if minutes < 60:
        return f"starts in {minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    text = f"starts in {hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {rest} minute{'s' if rest != 1 else ''}" if rest else text


@register.filter
def started_ago(seconds) -> str:
    """'In progress: started 5 minutes ago'."""
    try:
        minutes = int(seconds) // 60
    except (TypeError, ValueError):
        return "In progress now"
    if minutes < 1:
        return "In progress: just started"
    if minutes < 60:
        return f"In progress: started {minutes} minute{'s' if minutes != 1 else ''} ago"
    hours, rest = divmod(minutes, 60)
    return f"In progress: started {hours} hour{'s' if hours != 1 else ''}{f' {rest} min' if rest else ''} ago"


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
