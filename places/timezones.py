"""Time zones of US places: which zone a place is in, what to call it, and local clocks.

Meeting times are wall-clock times in the meeting's own IANA zone. Everything here works offline:
a US place's zone comes from its state (with the few states split between zones divided by
longitude), and a bare coordinate borrows the state of the nearest ZIP code.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from places import geo, weekdays

EASTERN, CENTRAL, MOUNTAIN = "America/New_York", "America/Chicago", "America/Denver"
ARIZONA, PACIFIC = "America/Phoenix", "America/Los_Angeles"

STATE_ZONES = {
    "AL": CENTRAL, "AK": "America/Anchorage", "AZ": ARIZONA, "AR": CENTRAL, "CA": PACIFIC, "CO": MOUNTAIN,
    "CT": EASTERN, "DE": EASTERN, "DC": EASTERN, "FL": EASTERN, "GA": EASTERN, "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": CENTRAL, "IN": "America/Indiana/Indianapolis", "IA": CENTRAL, "KS": CENTRAL,
    "KY": EASTERN, "LA": CENTRAL, "ME": EASTERN, "MD": EASTERN, "MA": EASTERN, "MI": "America/Detroit",
    "MN": CENTRAL, "MS": CENTRAL, "MO": CENTRAL, "MT": MOUNTAIN, "NE": CENTRAL, "NV": PACIFIC, "NH": EASTERN,
    "NJ": EASTERN, "NM": MOUNTAIN, "NY": EASTERN, "NC": EASTERN, "ND": CENTRAL, "OH": EASTERN, "OK": CENTRAL,
    "OR": PACIFIC, "PA": EASTERN, "RI": EASTERN, "SC": EASTERN, "SD": CENTRAL, "TN": CENTRAL, "TX": CENTRAL,
    "UT": MOUNTAIN, "VT": EASTERN, "VA": EASTERN, "WA": PACIFIC, "WV": EASTERN, "WI": CENTRAL, "WY": MOUNTAIN,
    "PR": "America/Puerto_Rico", "GU": "Pacific/Guam", "VI": "America/St_Thomas", "AS": "Pacific/Pago_Pago",
    "MP": "Pacific/Saipan",
}

# What people call each zone, whole ("Eastern time", "hora del Este"): lazy, read in the page's language.
_EASTERN, _CENTRAL, _MOUNTAIN = _("Eastern time"), _("Central time"), _("Mountain time")
_PACIFIC, _ATLANTIC, _UTC = _("Pacific time"), _("Atlantic time"), _("Coordinated Universal time")
ZONE_NAMES = {
    EASTERN: _EASTERN, "America/Detroit": _EASTERN, "America/Indiana/Indianapolis": _EASTERN,
    "America/Kentucky/Louisville": _EASTERN, "America/Toronto": _EASTERN,
    CENTRAL: _CENTRAL, "America/Indiana/Knox": _CENTRAL, "America/Winnipeg": _CENTRAL,
    MOUNTAIN: _MOUNTAIN, "America/Boise": _MOUNTAIN, "America/Edmonton": _MOUNTAIN,
    ARIZONA: _("Arizona time"), PACIFIC: _PACIFIC, "America/Vancouver": _PACIFIC,
    "America/Anchorage": _("Alaska time"), "Pacific/Honolulu": _("Hawaii time"),
    "America/Puerto_Rico": _ATLANTIC, "America/St_Thomas": _ATLANTIC, "America/Halifax": _ATLANTIC,
    "Europe/London": _("UK time"), "UTC": _UTC, "Etc/UTC": _UTC,
}


def split_state_zone(state: str, latitude: float, longitude: float) -> str | None:
    """The zone for the parts of states that keep a different time from the rest of the state."""
    if state == "FL" and longitude < -85.0:
        return CENTRAL  # the western panhandle
    if state == "KY" and longitude < -86.0:
        return CENTRAL
    if state == "TN" and (longitude > -85.0 or (latitude < 35.3 and longitude > -85.5)):
        return EASTERN
    if state == "IN" and longitude < -86.9 and (latitude > 41.0 or latitude < 38.3):
        return CENTRAL  # the Chicago and Evansville corners
    if state == "TX" and longitude < -104.9:
        return MOUNTAIN  # El Paso
    if state in {"NE", "SD", "ND"} and longitude < {"NE": -101.0, "SD": -100.5, "ND": -101.5}[state]:
        return MOUNTAIN
    if state == "ID" and latitude > 45.5:
        return PACIFIC  # the northern panhandle
    if state == "OR" and longitude > -118.0 and latitude < 44.5:
        return "America/Boise"  # Malheur County
    return None


def zone_for(state: str = "", latitude: float | None = None, longitude: float | None = None) -> str:
    """The IANA zone of a US place given its state (and coordinates for split states); else the portal's."""
    state = (state or "").strip().upper()
    if not state and latitude is not None and longitude is not None:
        state = nearest_state(latitude, longitude) or ""
    if state in STATE_ZONES:
        if latitude is not None and longitude is not None:
            split = split_state_zone(state, latitude, longitude)
            if split:
                return split
        return STATE_ZONES[state]
    return settings.TIME_ZONE


def zone_for_place(place: geo.Place | None) -> str:
    """The zone a searcher's chosen place is in (the portal's zone when no place was given)."""
    if place is None:
        return settings.TIME_ZONE
    return zone_for(place.state, place.latitude, place.longitude)


@lru_cache(maxsize=1)
def _zip_grid() -> dict[tuple[int, int], list[tuple[float, float, str]]]:
    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    for lat, lng, _city, state in geo.gazetteer().zips.values():
        grid.setdefault((int(lat // 1), int(lng // 1)), []).append((lat, lng, state))
    return grid


def nearest_state(latitude: float, longitude: float, max_miles: float = 150) -> str | None:
    """The state of the ZIP code nearest to a point, or None when no ZIP code is that close."""
    grid = _zip_grid()
    cell = (int(latitude // 1), int(longitude // 1))
    best, best_miles = None, max_miles
    for dlat in (-2, -1, 0, 1, 2):
        for dlng in (-2, -1, 0, 1, 2):
            for lat, lng, state in grid.get((cell[0] + dlat, cell[1] + dlng), ()):
                miles = geo.great_circle_miles(latitude, longitude, lat, lng)
                if miles < best_miles:
                    best, best_miles = state, miles
    return best


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str) -> bool:
    return isinstance(name, str) and name in known_zones()


def validate_zone(name: str) -> None:
    """Model and form validator: the value must be an IANA time zone name such as America/New_York."""
    if not is_zone(name):
        raise ValidationError(
            "%(value)s is not an IANA time zone name; use one like America/New_York.",
            code="invalid_time_zone",
            params={"value": name},
        )


@lru_cache(maxsize=512)
def get_zone(name: str) -> ZoneInfo:
    """A ZoneInfo for a validated name, falling back to the portal's zone for anything unknown."""
    try:
        return ZoneInfo(name) if is_zone(name) else ZoneInfo(settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def zone_label(name: str) -> str:
    """What people call a zone, e.g. 'Eastern time' for America/New_York or 'Paris time' for Europe/Paris."""
    if name in ZONE_NAMES:
        return str(ZONE_NAMES[name])
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    if re.fullmatch(r"[A-Za-z .'-]+", city):
        return gettext("%(place)s time") % {"place": city}
    return gettext("%(place)s time") % {"place": name}


def local_now(now: datetime.datetime, zone: str) -> datetime.datetime:
    return now.astimezone(get_zone(zone))


def today_in(zone: str, now: datetime.datetime) -> int:
    """Today's Meeting Guide day number in a zone."""
    return weekdays.meeting_day(local_now(now, zone).date())


@dataclass(frozen=True)
class WallWindow:
    """A stretch of local wall-clock time on one Meeting Guide day, both ends included."""

    day: int
    start: datetime.time
    end: datetime.time


def wall_windows(start: datetime.datetime, end: datetime.datetime, zone: str) -> tuple[WallWindow, ...]:
    """The wall-clock times a zone's clocks show between two instants, split by day.

    Across a daylight-saving change the clocks jump: in spring the skipped hour is not shown, in
    autumn the repeated hour is shown twice. Each stretch between changes is one window.
    """
    tz = get_zone(zone)
    # Aware arithmetic in a zone adds wall-clock time; in UTC it adds real time.
    start, end = start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    stretches: list[tuple[datetime.datetime, datetime.datetime]] = []
    lo_instant = start
    for _attempt in range(4):  # at most a few changes in any window we ask about
        a, b = lo_instant.astimezone(tz), end.astimezone(tz)
        if a.utcoffset() == b.utcoffset():
            stretches.append((a.replace(tzinfo=None), b.replace(tzinfo=None)))
            break
        lo, hi = lo_instant, end
        while hi - lo > datetime.timedelta(seconds=1):
            mid = lo + (hi - lo) / 2
            if mid.astimezone(tz).utcoffset() == a.utcoffset():
                lo = mid
            else:
                hi = mid
        stretches.append((a.replace(tzinfo=None), lo.astimezone(tz).replace(tzinfo=None)))
        lo_instant = hi
    windows: list[WallWindow] = []
    for first, last in stretches:
        day = first.date()
        while day <= last.date():
            windows.append(WallWindow(
                weekdays.meeting_day(day),
                first.time() if day == first.date() else datetime.time.min,
                last.time() if day == last.date() else datetime.time.max,
            ))
            day += datetime.timedelta(days=1)
    return tuple(windows)
