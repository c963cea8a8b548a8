"""Program imports: what the parsers share to read and check each listing of a file.

The parsers (`samhsa`, `hsds`) turn a whole file into `ProgramRecord`s and `Finding`s without
touching the database's programs; `run_import` (directory.importing.import_programs) hands them to
`importing.pipeline.run_pipeline`, with the directory's planner, which compares each record with
the program it matches (by source and source identifier), and its writer, which applies the
differences inside one transaction.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from directory.importing import OrganizationRecord, ProgramRecord  # noqa: F401 (the parsers import these from here)
from directory.importing import import_programs as run_import  # noqa: F401
from directory.models import Program, Term
from importing.pipeline import (  # noqa: F401 (the parsers import these from here)
    IMPORT_LOCK_KEY,
    Change,
    Finding,
    HistoryEntry,
    ImportFileError,
    ImportReport,
    ParsedFile,
    Progress,
    Rejection,
    decode_text,
    describe_size,
    max_import_bytes,
    read_source,
    report_progress,
    run_pipeline,
)
from phones import numbers as phones
from places import geo
from portal.admin_tools import history_user  # noqa: F401 (used by callers)

ZIP_PLUS4 = re.compile(r"^(\d{5})-?(\d{4})$")
ZIP5 = re.compile(r"^\d{5}$")
PROGRAM_FIELDS = {f.name: f for f in Program._meta.get_fields() if hasattr(f, "max_length")}
_url_validator = URLValidator(schemes=["http", "https"])


# Checking values -------------------------------------------------------------------------------


class BadValue(ValueError):
    """A value that cannot be used, with the reason in words."""


def text(value: Any, what: str) -> str:
    """A field's value as stripped text: numbers are written out, objects and lists are refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise BadValue(f"{what} must be text, not {str(value).lower()}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, str):
        return value.strip()
    raise BadValue(f"{what} must be text, not a {'list' if isinstance(value, list) else 'nested object'}")


def number(value: Any, what: str) -> float | None:
    """A decimal number (given as a number or as text), None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadValue(f"{what} must be a number")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise BadValue(f"{what} {value!r} is not a number") from None
    if not math.isfinite(result):
        raise BadValue(f"{what} {value!r} is not a number")
    return result


def normalize_label(value: str) -> str:
    """Compare names ignoring case and runs of white space."""
    return " ".join(value.casefold().split())


def clean_website(value: str) -> str:
    """Add a missing scheme; return '' for something that is not a web address."""
    value = value.strip()
    if not value:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = "http://" + value
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value if len(value) <= PROGRAM_FIELDS["website"].max_length else ""


def clean_email(value: str) -> str:
    """A program's contact email address, or '' for something that is not one."""
    value = value.strip()
    if not value or len(value) > PROGRAM_FIELDS["contact_email"].max_length:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def add_contact_email(values: dict[str, Any], raw: str, notes: list[str]) -> None:
    """Fill the program's contact email from the file when it gives a usable one (never clears one)."""
    if not raw:
        return
    email = clean_email(raw)
    if email:
        values["contact_email"] = email
    else:
        notes.append(f"email {raw!r} is not an email address and was left out")


def coordinate(value: Any, what: str, notes: list[str]) -> float | None:
    """A latitude or longitude; a value that is not a number is left out with a note (the ZIP code places it)."""
    try:
        return number(value, what)
    except BadValue as error:
        notes.append(f"{error}, so it was left out")
        return None


def check_listing(values: dict[str, Any], problems: list[str], notes: list[str]) -> None:
    """Check and normalise a listing's Program values in place.

    Appends a reason to `problems` for what makes the listing unusable (the row is then rejected)
    and to `notes` for what was dropped or fixed on the way (the row is kept; each note is reported
    with its row number): a bad phone or website, half a coordinate pair or coordinates off the map
    (the place is then taken from the ZIP code).
    """
    for key in ("name", "city", "state", "zip_code"):
        if not values.get(key):
            label = {"zip_code": "ZIP code"}.get(key, key)
            problems.append(f"{label} is missing")
    zip_code = _check_state_and_zip(values, problems)
    _check_coordinates(values, zip_code, problems, notes)
    _check_contacts(values, notes)
    _check_lengths_and_ranges(values, problems)


def _check_state_and_zip(values: dict[str, Any], problems: list[str]) -> str:
    """Normalise the state to its code and the ZIP code; return the usable ZIP code ('' when none)."""
    state = (values.get("state") or "").strip()
    if state:
        code = state.upper() if state.upper() in geo.US_STATES else geo.STATE_BY_NAME.get(state.lower())
        if code:
            values["state"] = code
        else:
            problems.append(f"state {state!r} is not a US state or territory")

    zip_code = (values.get("zip_code") or "").strip()
    if zip_code:
        if match := ZIP_PLUS4.match(zip_code):
            zip_code = f"{match.group(1)}-{match.group(2)}"
        values["zip_code"] = zip_code
        if not (ZIP5.match(zip_code) or ZIP_PLUS4.match(zip_code)):
            problems.append(f"ZIP code {zip_code!r} is not a 5-digit US ZIP code")
            zip_code = ""
    return zip_code


def _check_coordinates(values: dict[str, Any], zip_code: str, problems: list[str], notes: list[str]) -> None:
    """Keep the file's coordinates when usable, else place the listing at its ZIP code's centre."""
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if latitude == 0 and longitude == 0:
        latitude = longitude = None  # 0,0 is the locator's way of saying "not geocoded"
    dropped = ""
    if (latitude is None) != (longitude is None):
        dropped = f"only the {'latitude' if latitude is not None else 'longitude'} was given"
    elif latitude is not None and not -90 <= latitude <= 90:
        dropped = f"latitude {latitude:g} is out of range (-90 to 90)"
    elif longitude is not None and not -180 <= longitude <= 180:
        dropped = f"longitude {longitude:g} is out of range (-180 to 180)"
    if dropped:
        latitude = longitude = None
    values["location_approximate"] = False  # coordinates from the file: better than a ZIP code's centre
    if latitude is None and zip_code:
        point = geo.gazetteer().zip_point(zip_code)
        if point is None:
            problems.append(f"ZIP code {zip_code} is unknown and no usable coordinates were given"
                            + (f" ({dropped})" if dropped else "") + ", so it cannot be mapped")
        else:
            latitude, longitude = point
            values["location_approximate"] = True
            if dropped:
                notes.append(f"{dropped}, so the coordinates were dropped and the place was taken from "
                             f"ZIP code {zip_code}")
    elif dropped:
        problems.append(dropped)  # and no usable ZIP code to place the listing either (said above)
    values["latitude"], values["longitude"] = latitude, longitude


def _check_contacts(values: dict[str, Any], notes: list[str]) -> None:
    """Phones that can be dialled and a website that is a web address; others are left out."""
    for key, label in (("phone", "phone"), ("intake_phone", "intake phone")):
        original = values.get(key) or ""
        if original:
            values[key] = phones.normalize(original) or ""
            if not values[key]:
                notes.append(f"{label} {original!r} is not a phone number that can be dialled in the United States "
                             "and was left out")

    if "website" in values:
        original = values["website"]
        values["website"] = clean_website(original)
        if original and not values["website"]:
            notes.append(f"website {original!r} is not a web address and was left empty")


def _check_lengths_and_ranges(values: dict[str, Any], problems: list[str]) -> None:
    for key, value in values.items():
        if key in ("state", "zip_code"):
            continue  # checked above, against stricter rules
        limit = getattr(PROGRAM_FIELDS.get(key), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            problems.append(f"{key.replace('_', ' ')} is longer than {limit} characters")
    if (wait := values.get("typical_wait_days")) is not None and not 0 <= wait <= 365:
        problems.append(f"typical wait of {wait} days is out of range (0 to 365)")
    if (beds := values.get("beds_available")) is not None and not 0 <= beds <= 32767:
        problems.append(f"beds available {beds} is out of range")


def sort_findings(parsed: ParsedFile, record: ProgramRecord, label: str, problems: list[str],
                  notes: list[str]) -> None:
    """File one checked row: rejected (its problems) or kept (its record, each note a fix by row number)."""
    if problems:
        parsed.rejected.append(Rejection(record.row, "; ".join(problems), label, record.line))
        return
    parsed.records.append(record)
    parsed.fixed.extend(Finding(record.row, note, label, record.line) for note in notes)


def duplicate_reason(first_row: int) -> str:
    return f"the same identifier is already used by row {first_row}"


def summarize_counts(counter: dict[str, int], template: str, limit: int = 200) -> list[str]:
    """Warnings such as "Not mapped: 'X' (3 rows)", most frequent first, at most `limit` of them."""
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    lines = [template.format(value=value, count=count, rows="row" if count == 1 else "rows")
             for value, count in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"... and {len(ordered) - limit} more")
    return lines


# Helpers the parsers share ---------------------------------------------------------------------


def terms_by_code() -> dict[str, int]:
    """Term ids keyed by their code in upper case."""
    return {code.upper(): pk for pk, code in Term.objects.values_list("pk", "code")}


def terms_by_samhsa_label() -> dict[str, set[int]]:
    """Term ids keyed by each of their SAMHSA locator labels, normalised."""
    labels: dict[str, set[int]] = defaultdict(set)
    for pk, names in Term.objects.values_list("pk", "samhsa_labels"):
        for name in names:
            labels[normalize_label(name)].add(pk)
    return labels
