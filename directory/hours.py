"""Whether a program is open now, from its weekly hours, read on the clock of the program's own time zone.

Opening hours are wall-clock times on weekdays (OpeningHours.weekday: 0 = Sunday, as everywhere in
the portal, see places.weekdays), in the zone of the program's address (places.timezones). Each period becomes real
instants on the dates around now, so "now" compares correctly across midnight and across
daylight-saving changes; a period that closes at 23:59 runs on to midnight, so hours that continue
past midnight (or round the clock) read as one stretch.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.utils import dateformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from places import timezones, weekdays

UTC = datetime.UTC
END_OF_DAY = datetime.time(23, 59)
WEEK = datetime.timedelta(days=7)


@dataclass(frozen=True)
class OpenStatus:
    """What a result card says: "Open now" with "closes 5 PM", or "Closed" with "opens Tue 8 AM"."""

    is_open: bool
    label: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.label}, {self.detail}" if self.detail else self.label


def clock(moment: datetime.datetime) -> str:
    """'8 AM', '8:30 PM', '12 PM' (noon), in the active language's words for AM and PM."""
    return dateformat.format(moment, "g A" if moment.minute == 0 else "g:i A")


def stretches(periods, zone: str, now: datetime.datetime) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The opening periods as (start, end) instants in UTC, from yesterday to a week ahead, joined where they touch."""
    tz = timezones.get_zone(zone)
    today = now.astimezone(tz).date()
    found = []
    for offset in range(-1, 8):
        date = today + datetime.timedelta(days=offset)
        for weekday, opens, closes in periods:
            if weekday != weekdays.day_of(date):
                continue
            start = datetime.datetime.combine(date, opens, tzinfo=tz)
            if closes >= END_OF_DAY:
                end = datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
            else:
                end = datetime.datetime.combine(date, closes, tzinfo=tz)
            found.append((start.astimezone(UTC), end.astimezone(UTC)))
    found.sort()
    joined: list[list[datetime.datetime]] = []
    for start, end in found:
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [(start, end) for start, end in joined]


def open_status(periods, zone: str, now: datetime.datetime, language: str | None = None) -> OpenStatus | None:
    """Open or closed at `now`, and when that changes; None when the program lists no weekly hours.

    `periods` are (weekday, opens, closes) with weekday 0 = Sunday, as OpeningHours stores them.
    Hours change on the minute: the answer is kept for the minute (result pages show the same
    programs again and again, and many programs keep the same hours). `language`: the page's, when
    the caller has read it already.
    """
    if type(periods) is not tuple:  # a tuple of tuples (directory.cards.weekly_periods) is used as it is
        periods = tuple(tuple(period) for period in periods)
    if not periods:
        return None
    minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    return _open_status(periods, zone, minute, language or get_language())


@lru_cache(maxsize=4096)
def _open_status(periods: tuple, zone: str, now: datetime.datetime, language: str | None) -> OpenStatus:
    tz = timezones.get_zone(zone)
    now_utc = now.astimezone(UTC)
    local_today = now_utc.astimezone(tz).date()

    def when(moment: datetime.datetime) -> str:
        local = moment.astimezone(tz)
        if local.time() == datetime.time(0) and local.date() == local_today + datetime.timedelta(days=1):
            return _("midnight")
        if local.date() == local_today:
            return clock(local)
        return f"{dateformat.format(local, 'D')} {clock(local)}"

    for start, end in stretches(periods, zone, now_utc):
        if start <= now_utc < end:
            if end - start >= WEEK:
                return OpenStatus(True, _("Open 24 hours"))
            return OpenStatus(True, _("Open now"), _("closes %(when)s") % {"when": when(end)})
        if start > now_utc:
            return OpenStatus(False, _("Closed"), _("opens %(when)s") % {"when": when(start)})
    return OpenStatus(False, _("Closed"))


# The search's "open" filter: the wishes people type ("open now", "24 hour", "weekends") that weekly
# hours can answer. Each value is a test of a program's periods at the search's clock.
OPEN_NOW, OPEN_TODAY, OPEN_24_HOURS, OPEN_WEEKENDS = "now", "today", "24h", "weekend"
OPEN_CHOICES = (
    (OPEN_NOW, gettext_lazy("Open now")),
    (OPEN_TODAY, gettext_lazy("Open today")),
    (OPEN_24_HOURS, gettext_lazy("Open 24 hours")),
    (OPEN_WEEKENDS, gettext_lazy("Open on weekends")),
)
WEEKEND_DAYS = (weekdays.Weekday.SATURDAY, weekdays.Weekday.SUNDAY)


def keeps(periods, zone: str, now: datetime.datetime, wanted) -> bool:
    """Whether weekly hours meet every wish in `wanted` (values of OPEN_CHOICES) at `now`:
    open now; open at some time still ahead today (or now), on the program's own clock; open
    round the clock all week; open on Saturday or Sunday."""
    if not periods:
        return False
    now_utc = now.astimezone(UTC)
    found = stretches(periods, zone, now_utc)
    for wish in wanted:
        if wish == OPEN_NOW and not any(start <= now_utc < end for start, end in found):
            return False
        if wish == OPEN_TODAY:
            tz = timezones.get_zone(zone)
            today = now_utc.astimezone(tz).date()
            if not any(end > now_utc and start.astimezone(tz).date() <= today for start, end in found):
                return False
        if wish == OPEN_24_HOURS and not any(end - start >= WEEK for start, end in found):
            return False
        if wish == OPEN_WEEKENDS and not any(weekday in WEEKEND_DAYS for weekday, _opens, _closes in periods):
            return False
    return True
