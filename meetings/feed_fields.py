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
from places import geo, weekdays

LEGACY_ONLINE_TYPE = "ONL"  # older feeds mark online meetings with a type; the spec uses the conference fields

_TIME_24 = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_TIME_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
_US_STATE_ZIP = re.compile(r"^([A-Z]{2})(?:\s+(\d{5}(?:-\d{4})?))?$")
_REGION_POSTCODE = re.compile(r"^([A-Z]{2})\s+([A-Z0-9][A-Z0-9 -]{2,9})$")
SLUG_SAFE = re.compile(r"^[-a-zA-Z0-9_]+$")
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")
US_COUNTRY_NAMES = {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"}
_url_validator = URLValidator(schemes=["http", "https"])


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
