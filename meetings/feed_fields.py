"""The fields of a Meeting Guide row, read leniently (meetings.importers.parse_feed uses them).

Each reader takes the raw value and the row's list of fixes: a value that can be mended is mended
and the fix written down; one that cannot is left out. `MeetingRecord` is what a usable row becomes.
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from meetings.models import Fellowship
from phones import numbers as phones
from places import geo, timezones, weekdays

LEGACY_ONLINE_TYPE = "ONL"  # older feeds mark online meetings with a type; the spec uses the conference fields

_TIME_24 = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_TIME_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
_US_STATE_ZIP = re.compile(r"^([A-Z]{2})(?:\s+(\d{5}(?:-\d{4})?))?$")
_REGION_POSTCODE = re.compile(r"^([A-Z]{2})\s+([A-Z0-9][A-Z0-9 -]{2,9})$")
SLUG_SAFE = re.compile(r"^[-a-zA-Z0-9_]+$")
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")
US_COUNTRY_NAMES = {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"}
_url_validator = URLValidator(schemes=["http", "https"])
LIMITS = {
    "name": 255, "location": 255, "address": 255, "city": 100, "state": 100, "postal_code": 20, "country": 60,
    "group_name": 255, "conference_url": 500, "conference_phone": 60, "source_url": 500,
}
TRUNCATED = {"location", "address", "city", "state", "postal_code", "country", "group_name"}
_UPDATED = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)")


@dataclass
class MeetingRecord:
    """One usable row, as the model field values it stands for."""

    row: int
    source: str
    source_slug: str
    values: dict
    type_codes: list[str]
    fellowship: Fellowship | None = None
    updated: datetime.datetime | None = None
    extra: dict = field(default_factory=dict)  # staff-only fields a trusted loader may set (demo data)

    @property
    def name(self) -> str:
        return self.values.get("name", "")



def _kind(value) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false", dict: "an object"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _show(value, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f'"{value}"'
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + '…"'


def _text(row: dict, key: str, fixes: list[str], *, multiline: bool = False) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, (bool, dict, list)):
        fixes.append(f"{key} must be text, not {_kind(value)}, so it was left out.")
        return ""
    text = str(value).replace("\x00", "")
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def _days(value, fixes: list[str]) -> list[int]:
    values = value if isinstance(value, list) else [value]
    days = []
    for item in values:
        day = None
        if isinstance(item, int) and not isinstance(item, bool):
            day = item
        elif isinstance(item, str) and item.strip().isdigit():
            day = int(item.strip())
        elif isinstance(item, str) and item.strip().casefold() in _DAY_WORDS:
            day = _DAY_WORDS[item.strip().casefold()]
            fixes.append(f"day {_show(item)} was read as {weekdays.DAY_NAMES[day]} ({day}).")
        if day is None or not 0 <= day <= 6:
            if len(values) > 1:
                fixes.append(f"day {_show(item)} is not a Meeting Guide day (0 = Sunday to 6 = Saturday) and was left out.")
            continue
        days.append(day)
    return sorted(set(days))


_DAY_WORDS = {name.casefold(): number for number, name in enumerate(weekdays.DAY_NAMES)} | {
    name[:3].casefold(): number for number, name in enumerate(weekdays.DAY_NAMES)
}


def _time(value, key: str, fixes: list[str], *, allow_24: bool = False, optional: bool = False) -> datetime.time | None:
    """A clock time: 24-hour as the spec asks (19:30), or 12-hour as people write it (7:30 PM), converted."""
    text = value.strip() if isinstance(value, str) else ""
    if match := _TIME_24.match(text):
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if allow_24 and (hour, minute, second) == (24, 0, 0):
            return datetime.time(0, 0)
        if hour <= 23 and minute <= 59 and second <= 59:
            return datetime.time(hour, minute)
    elif match := _TIME_12.match(text):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if 1 <= hour <= 12 and minute <= 59:
            hour = hour % 12 + (12 if match.group(4).lower() == "p" else 0)
            converted = datetime.time(hour, minute)
            fixes.append(f"{key} {_show(value)} was converted to the 24-hour time {converted:%H:%M}.")
            return converted
    elif text.casefold() in ("noon", "12 noon"):
        fixes.append(f"{key} {_show(value)} was converted to 12:00.")
        return datetime.time(12)
    if optional:
        fixes.append(f"{key} {_show(value)} is not a clock time, so it was left out.")
    return None


def _is_url(text: str) -> bool:
    try:
        _url_validator(text)
    except ValidationError:
        return False
    return True


def _number(value) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _coordinates(row: dict, values: dict, fixes: list[str]) -> None:
    lat_raw, lng_raw = row.get("latitude"), row.get("longitude")
    lat, lng = _number(lat_raw), _number(lng_raw)
    if lat_raw not in (None, "") and lat is None:
        fixes.append(f"latitude {_show(lat_raw)} is not a number, so it was left out.")
    if lng_raw not in (None, "") and lng is None:
        fixes.append(f"longitude {_show(lng_raw)} is not a number, so it was left out.")
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        fixes.append(f"latitude {lat:g} and longitude {lng:g} are not on the map, so they were left out.")
        lat = lng = None
    if (lat is None) != (lng is None):
        given = "latitude" if lat is not None else "longitude"
        fixes.append(f"only the {given} was given, so the coordinates were dropped and the place was taken "
                     "from the address or ZIP code.")
        lat = lng = None
    if lat == 0 and lng == 0:
        lat = lng = None  # a placeholder some feeds use for "unknown"
    if lat is None and values.get("postal_code") and values.get("country") in ("", "US"):
        point = geo.gazetteer().zip_point(values["postal_code"][:5]) if _ZIP.match(values["postal_code"]) else None
        if point:
            lat, lng = point
    values["latitude"] = round(lat, 7) if lat is not None else None
    values["longitude"] = round(lng, 7) if lng is not None else None


def _address(row: dict, values: dict, fixes: list[str]) -> None:
    """Fill address, city, state, postal code and country from the separate fields or formatted_address.

    An approximate place (`approximate: "yes"`, or a line with no street part) is kept as published
    and marked approximate: it is not somewhere to go in person, and it is published again as such.
    """
    for key in ("address", "city", "state", "postal_code", "country"):
        values[key] = _text(row, key, fixes)
    formatted = _text(row, "formatted_address", fixes)
    if formatted:
        for key, value in split_formatted_address(formatted).items():
            if not values[key]:
                values[key] = value
    if values["country"].casefold() in US_COUNTRY_NAMES:
        values["country"] = "US"
    approximate = row.get("approximate")
    if isinstance(approximate, str) and approximate.strip().lower() in ("yes", "no"):
        values["approximate"] = approximate.strip().lower() == "yes"
    elif isinstance(approximate, bool):
        values["approximate"] = approximate
    else:
        values["approximate"] = not values["address"]


def split_formatted_address(text: str) -> dict[str, str]:
    """Split '123 Main St, Anytown, CA 98765, USA' into Meeting Guide's address parts.

    Parts that cannot be recognised stay in the street address; a line with no street part (such as
    'Philadelphia, PA, USA', an online meeting's approximate place) leaves the address empty.
    """
    parts = [part.strip() for part in text.split(",") if part.strip()]
    found = {"address": "", "city": "", "state": "", "postal_code": "", "country": ""}
    if parts and parts[-1].casefold() in US_COUNTRY_NAMES:
        found["country"] = "US"
        parts.pop()
    elif len(parts) >= 2 and not any(ch.isdigit() for ch in parts[-1]) and not _us_state(parts[-1]):
        found["country"] = parts.pop()
    if parts and (match := _us_state(parts[-1])):
        found["state"], found["postal_code"] = match.group(1), match.group(2) or ""
        parts.pop()
    elif parts and len(parts) >= 2 and (match := _REGION_POSTCODE.match(parts[-1])):
        found["state"], found["postal_code"] = match.group(1), match.group(2)
        parts.pop()
    if parts:
        found["city"] = parts.pop()
    found["address"] = ", ".join(parts)
    return found


def _us_state(text: str):
    """Match 'PA' or 'PA 19107' when PA is a US state or territory code."""
    match = _US_STATE_ZIP.match(text)
    return match if match and match.group(1) in geo.US_STATES else None


def _types(value, number: int, folded: dict[str, str], fixes: list[str], unknown_types: dict[str, list[int]],
           legacy_online: list[int]) -> tuple[list[str], list[str]]:
    if value in (None, ""):
        return [], []
    if isinstance(value, str):
        value = value.split(",")  # the spreadsheet form lists codes in one cell
    if not isinstance(value, list):
        fixes.append(f"types must be a list of codes, not {_kind(value)}, so they were left out.")
        return [], []
    known, other = [], []
    for item in value:
        if isinstance(item, (dict, list, bool)) or item is None:
            fixes.append(f"types holds {_kind(item)}, not a code; it was left out.")
            continue
        code = str(item).replace("\x00", "").strip()
        if not code:
            continue
        match = folded.get(code.casefold())
        if match:
            if match not in known:
                known.append(match)
        elif code.upper() == LEGACY_ONLINE_TYPE:
            legacy_online.append(number)
        elif len(code) > 30:
            fixes.append(f"type code {_show(code)} is longer than 30 characters and was left out.")
        elif code not in other:
            other.append(code)
            unknown_types[code].append(number)
    return known, other


def _schedule(row: dict, values: dict, fixes: list[str], problems: list[str], default_timezone: str) -> None:
    """Days, start and end time, and time zone."""
    days, start, end = row.get("day"), row.get("time"), row.get("end_time")
    values["days"] = _days(days, fixes) if days not in (None, "", []) else []
    if not values["days"]:
        problems.append("no usable weekday: day must be a number from 0 (Sunday) to 6 (Saturday)"
                        + (f", not {_show(days)}." if days not in (None, "", []) else "; a meeting by appointment is not listed here."))
    values["start_time"] = _time(start, "time", fixes) if start not in (None, "") else None
    if values["start_time"] is None:
        problems.append("no usable start time: time must be a clock time such as 19:30 or 7:30 PM"
                        + (f", not {_show(start)}." if start not in (None, "") else "."))
    values["end_time"] = _time(end, "end_time", fixes, allow_24=True, optional=True) if end not in (None, "") else None
    if values["end_time"] is not None and values["end_time"] == values["start_time"]:
        fixes.append("end_time is the same as time, so it was treated as a one-hour meeting.")
        values["end_time"] = None

    zone = row.get("timezone")
    if zone in (None, ""):
        values["timezone"] = default_timezone
    elif isinstance(zone, str) and timezones.is_zone(zone.strip()):
        values["timezone"] = zone.strip()
    else:
        fixes.append(f"timezone {_show(zone)} is not an IANA time zone name such as America/New_York; "
                     f"{default_timezone} was used.")
        values["timezone"] = default_timezone


def _links(row: dict, values: dict, fixes: list[str]) -> None:
    """The conference link and phone and the meeting's page elsewhere: kept only when usable."""
    values["conference_url"] = _text(row, "conference_url", fixes)
    if values["conference_url"] and not _is_url(values["conference_url"]):
        fixes.append(f"conference_url {_show(values['conference_url'])} is not an http(s) address, so it was left out.")
        values["conference_url"] = ""
    values["conference_phone"] = _text(row, "conference_phone", fixes)
    if values["conference_phone"]:
        normal = phones.normalize_conference(values["conference_phone"])
        if normal is None:
            fixes.append(f"conference_phone {_show(values['conference_phone'])} is not a phone number that can be "
                         "dialled, so it was left out.")
            values["conference_phone"] = ""
        else:
            values["conference_phone"] = normal
    values["source_url"] = _text(row, "url", fixes)
    if values["source_url"] and not _is_url(values["source_url"]):
        fixes.append(f"url {_show(values['source_url'])} is not an http(s) address, so it was left out.")
        values["source_url"] = ""


def _limit_lengths(values: dict, fixes: list[str], problems: list[str]) -> None:
    """Shorten or drop values longer than their field; a name too long rejects the row."""
    for key, limit in LIMITS.items():
        value = values.get(key) or ""
        if len(value) > limit:
            if key in TRUNCATED:
                values[key] = value[:limit].rstrip()
                fixes.append(f"{key.replace('_name', '')} is longer than {limit} characters and was shortened.")
            elif key == "name":
                problems.append(f"name is longer than {limit} characters.")
            else:
                values[key] = ""
                fixes.append(f"{key} is longer than {limit} characters, so it was left out.")


def _updated(row: dict, fixes: list[str]) -> datetime.datetime | None:
    """The feed's last-updated time stamp, when it is one."""
    updated = None
    raw_updated = row.get("updated")
    if raw_updated not in (None, ""):
        match = _UPDATED.match(str(raw_updated))
        try:
            if not match:
                raise ValueError
            updated = datetime.datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}").replace(tzinfo=datetime.UTC)
        except ValueError:
            fixes.append(f"updated {_show(raw_updated)} is not a YYYY-MM-DD HH:MM:SS time, so it was left out.")
    return updated
