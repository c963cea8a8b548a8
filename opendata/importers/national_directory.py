"""Import SAMHSA's National Directory of substance use treatment facilities, the workbook it publishes
each year from the N-SUMHSS survey (about 13,000 facilities), or the same table saved as CSV.

Reading (`spreadsheet`): the facilities sheet is streamed, its header found below any title. Each
row is repaired where it can be (ZIP codes
that lost their leading zeros, phones with extensions or several numbers, stray spaces, the same
facility twice) and every repair is reported with its row number; a row with no name or no street
address is rejected. The workbook's own key sheet names the service codes, so a new edition's codes
are counted even when no term maps them; they stay on the listing (`Program.unmapped_codes`).

Places: the directory has no coordinates. Each facility is placed offline at the centre of its ZIP
code (or of its city) and marked approximate; coordinates from a better source win.

Identity and refresh: a facility is the source plus its normalised name, street, ZIP code and
phone. A newer edition updates what changed, adds new facilities and marks the ones it no longer
lists for staff review (`Program.missing_from_source`), never deleting them; fields staff edited
since the last import are kept and each conflict is reported. The same file twice changes nothing.
"""
from __future__ import annotations

import datetime
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers

from importing.pipeline import PROGRESS_EVERY, run_pipeline
from opendata.importers.base import (
    Finding,
    ImportFileError,
    ImportReport,
    OrganizationRecord,
    ParsedFile,
    ProgramRecord,
    Progress,
    Rejection,
    summarize_counts,
    terms_by_code,
)
from opendata.importers.directory_refresh import SOURCE, Planner, facility_id
from opendata.importers.samhsa import program_name
from opendata.importers.spreadsheet import Layout, Table, open_table
from phones import numbers as phones
from places import geo

FORMAT = "national-directory"
REQUIRED_COLUMNS = ("name1", "street1", "city", "state", "zip")
KNOWN_COLUMNS = ("name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1", "intake2",
                 "service_code_info")
EXPECTED = (
    "Expected SAMHSA's National Directory of substance use treatment facilities: the workbook SAMHSA "
    "publishes each year (…_SU_Facilities_….xlsx) with a sheet of facilities whose header row has "
    f"{', '.join(KNOWN_COLUMNS)}, or that sheet saved as CSV."
)
LAYOUT = Layout(required=REQUIRED_COLUMNS, known=KNOWN_COLUMNS, expected=EXPECTED)
YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")

# Facility kinds of the first code group: substance use (listed) and mental health (left out alone).
SUBSTANCE_USE_CODES = {"SA", "SAF", "MHSAF", "SUMH", "SU"}
MENTAL_HEALTH_CODES = {"MHF", "MH"}

# Directory codes whose meaning a term of the taxonomy holds under another code (older editions'
# codes included). A code equal to a term's own code maps to that term without being listed here.
CODE_TERMS: dict[str, tuple[str, ...]] = {
    # Types of care and settings.
    "HID": ("DT", "HI"), "HIT": ("HI",), "OD": ("DT", "OP"), "RD": ("DT", "RES"), "DM": ("DT", "METH"),
    "PH": ("ODT",), "OTPA": ("OTP",), "MO": ("OTP", "METH"), "BMO": ("OTP", "METH", "BU"),
    "OMB": ("OP",), "TELE": ("TELE",), "CT": (),
    # Medications (older and newer codes).
    "MM": ("METH",), "MMW": ("METH",), "METH": ("METH",), "BUM": ("BU",), "BUW": ("BU",), "DB": ("BU", "DT"),
    "NXN": ("NU",), "NU": ("NU",), "VTRL": ("VTRL",), "NAL": ("NAL",), "ACM": ("ACM",), "UBN": ("BU",),
    # Payment and assistance.
    "IHS": ("ITU",), "ITU": ("ITU",), "VAMC": ("VAF",), "VAF": ("VAF",), "NP": ("FREE",), "ATR": ("PA",),
    # Ages.
    "AD": ("CHLD",), "SE": ("SNR",),
    # Groups.
    "MF": ("ADM",),
}
NATIVE_LANGUAGE = re.compile(r"^N\d+$")  # N3 Athabascan, N23 Navajo, …: American Indian or Alaska Native languages


# Repairing and mapping each row ----------------------------------------------------------------


def cell_text(value: Any) -> tuple[str, bool]:
    """A cell as clean text, and whether stray spaces were removed."""
    if value is None:
        return "", False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    clean = " ".join(text.split())
    return clean, bool(clean) and clean != text


def repair_zip(value: str, notes: list[str]) -> str:
    digits = value.replace("-", "").replace(" ", "")
    if re.fullmatch(r"\d{3,4}", digits):
        notes.append(f"ZIP code {value} read as {digits.zfill(5)} (a spreadsheet dropped its leading zeros)")
        return digits.zfill(5)
    if re.fullmatch(r"\d{7,8}", digits):
        fixed = digits.zfill(9)
        notes.append(f"ZIP code {value} read as {fixed[:5]}-{fixed[5:]} (a spreadsheet dropped its leading zeros)")
        return f"{fixed[:5]}-{fixed[5:]}"
    if re.fullmatch(r"\d{9}", digits):
        return f"{digits[:5]}-{digits[5:]}"
    return value


PLAIN_PHONE = re.compile(r"^\(?([2-9]\d\d)\)?[ .-]*([2-9]\d\d)[ .-]*(\d{4})(?:\s*(?:x|ext\.?)\s*(\d{1,6}))?$", re.I)


@functools.lru_cache(maxsize=2048)
def _area_code_in_use(area: str) -> bool:
    return phones.normalize(f"({area}) 234-5678") is not None


def _plain_phone(value: str) -> str | None:
    """The directory's own layout, (334)673-2143x209, formatted without the full parser (12,000 rows of it)."""
    match = PLAIN_PHONE.match(value)
    if not match or not _area_code_in_use(match.group(1)):
        return None
    area, exchange, line, extension = match.groups()
    return f"({area}) {exchange}-{line}" + (f" ext. {extension}" if extension else "")


def split_phones(value: str) -> list[str]:
    """Every US number in a phone cell, formatted, extensions kept ('(334) 673-2143 ext. 209')."""
    if not value:
        return []
    whole = _plain_phone(value) or phones.normalize(value)
    if whole:
        return [whole]
    found = []
    for match in phonenumbers.PhoneNumberMatcher(value, "US", leniency=phonenumbers.Leniency.POSSIBLE):
        text = phones.normalize(match.raw_string)
        if text and text not in found:
            found.append(text)
    return found


def place(zip_code: str, city: str, state: str) -> tuple[float, float] | None:
    """The centre of the ZIP code, else of the city: the directory gives no coordinates."""
    gazetteer = geo.gazetteer()
    point = gazetteer.zip_point(zip_code)
    if point is not None:
        return point
    found = gazetteer.cities.get((geo.normalize_city(city), state))
    return (found.latitude, found.longitude) if found else None


@dataclass
class CodeMap:
    """Service codes of the file mapped onto the taxonomy's terms; the rest counted."""

    key: dict[str, str]
    terms: dict[str, int] = field(default_factory=terms_by_code)
    unmapped: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.cache: dict[str, tuple[int, ...]] = {}

    def term_ids(self, code: str) -> tuple[int, ...]:
        if code not in self.cache:
            if code in CODE_TERMS:
                wanted = CODE_TERMS[code]
            elif code in self.terms:
                wanted = (code,)
            elif NATIVE_LANGUAGE.match(code):
                wanted = ("NX",)
            else:
                wanted = ()
            self.cache[code] = tuple(self.terms[term] for term in wanted if term in self.terms)
        return self.cache[code]


@dataclass
class Options:
    states: frozenset[str] = frozenset()
    include_mental_health: bool = False
    edition: str = ""


@dataclass
class Counts:
    read: int = 0
    mental_health: int = 0
    other_states: int = 0
    merged: int = 0
    approximate: int = 0
    unplaced: int = 0
    substance_use_rows: int = 0


def map_row(number: int, cells: dict[str, Any], codes: CodeMap, counts: Counts,
            options: Options) -> tuple[ProgramRecord, list[str], list[str]] | None:
    """One row of the directory as a program record, with its problems (rejected) and repairs (notes).

    Returns None for a row this import leaves out (another state, a mental-health-only facility).
    """
    problems: list[str] = []
    notes: list[str] = []
    raw: dict[str, str] = {}
    spaces = False
    for column in KNOWN_COLUMNS:
        raw[column], trimmed = cell_text(cells.get(column))
        spaces = spaces or trimmed
    if spaces:
        notes.append("stray spaces removed")
    row_codes = [code.upper() for code in raw["service_code_info"].replace("*", " ").split()]
    kinds = set(row_codes)
    if kinds & SUBSTANCE_USE_CODES:
        counts.substance_use_rows += 1
    if kinds & MENTAL_HEALTH_CODES and not kinds & SUBSTANCE_USE_CODES and not options.include_mental_health:
        counts.mental_health += 1
        return None
    state = raw["state"].upper()
    state = state if state in geo.US_STATES else geo.STATE_BY_NAME.get(raw["state"].casefold(), state)
    if options.states and state not in options.states:
        counts.other_states += 1
        return None
    street1, street2 = raw["street1"], raw["street2"]
    if not street1 and street2:
        street1, street2 = street2, ""
        notes.append("street address taken from street2 (street1 was empty)")
    if not raw["name1"]:
        problems.append("no facility name (name1 is empty)")
    if not street1:
        problems.append("no street address (street1 and street2 are empty)")
    if state not in geo.US_STATES:
        problems.append(f"state {raw['state']!r} is not a US state or territory" if raw["state"] else "no state")
    zip_code = repair_zip(raw["zip"], notes)
    if not re.fullmatch(r"\d{5}(-\d{4})?", zip_code):
        problems.append(f"ZIP code {raw['zip']!r} is not a US ZIP code" if raw["zip"] else "no ZIP code")
    if not raw["city"]:
        problems.append("no city")

    numbers = split_phones(raw["phone"])
    if raw["phone"] and not numbers:
        notes.append(f"phone {raw['phone']!r} is not a US number that can be dialled and was left out")
    elif len(numbers) > 1:
        notes.append(f"phone cell holds {len(numbers)} numbers: the first is the main phone")
    intake = split_phones(raw["intake1"]) or split_phones(raw["intake2"])
    if raw["intake1"] and not split_phones(raw["intake1"]):
        notes.append(f"intake phone {raw['intake1']!r} is not a US number that can be dialled and was left out")
    if not intake and len(numbers) > 1:
        intake = numbers[1:]
    phone = numbers[0] if numbers else ""
    name = program_name(raw["name1"], raw["name2"])
    if len(name) > 200:
        notes.append("name shortened to 200 characters")
        name = name[:199].rstrip() + "…"

    term_ids: set[int] = set()
    unmapped: list[str] = []
    for code in dict.fromkeys(row_codes):
        found = codes.term_ids(code)
        if found:
            term_ids.update(found)
        else:
            unmapped.append(code)
            codes.unmapped[code] += 1
    point = place(zip_code, raw["city"], state) if not problems else None
    if point is None and not problems:
        notes.append(f"ZIP code {zip_code} and {raw['city']}, {state} are not in the gazetteer: not placed on the map")
        counts.unplaced += 1
    elif point is not None:
        counts.approximate += 1
    values = {
        "name": name, "street1": street1[:200], "street2": street2[:200], "city": raw["city"][:100],
        "state": state, "zip_code": zip_code, "phone": phone, "intake_phone": intake[0] if intake else "",
        "latitude": point[0] if point else None, "longitude": point[1] if point else None,
        "location_approximate": point is not None, "unmapped_codes": unmapped, "missing_from_source": "",
    }
    record = ProgramRecord(
        row=number, source=SOURCE,
        source_id=facility_id(name=name, street=street1, zip_code=zip_code, phone=phone),
        values=values, organization=OrganizationRecord(raw["name1"][:200]) if raw["name1"] else None,
        term_ids=sorted(term_ids), line=number,
    )
    return record, problems, notes


def parse_directory(source: Any, *, options: Options, progress: Progress | None = None) -> ParsedFile:
    """Read the whole directory: records, rejected rows by number, repairs, and what was left out."""
    table = open_table(source, LAYOUT)
    try:
        return _parse_rows(table, options=options, progress=progress)
    finally:
        table.close()


def _parse_rows(table: Table, *, options: Options, progress: Progress | None) -> ParsedFile:
    codes = CodeMap(table.key)
    counts = Counts()
    parsed = ParsedFile()
    first: dict[str, ProgramRecord] = {}
    for number, cells in table.rows:
        counts.read += 1
        mapped = map_row(number, cells, codes, counts, options)
        if mapped is None:
            continue
        record, problems, notes = mapped
        label = record.name
        if problems:
            parsed.rejected.append(Rejection(number, "; ".join(problems), label))
            continue
        earlier = first.get(record.source_id)
        if earlier is not None:  # the same facility twice: one listing with the services of both
            counts.merged += 1
            earlier.term_ids = sorted(set(earlier.term_ids or ()) | set(record.term_ids or ()))
            extra = [code for code in record.values["unmapped_codes"] if code not in earlier.values["unmapped_codes"]]
            earlier.values["unmapped_codes"] = earlier.values["unmapped_codes"] + extra
            parsed.fixed.append(Finding(number, f"the same facility as row {earlier.row}: merged into it", label))
            continue
        first[record.source_id] = record
        parsed.records.append(record)
        parsed.fixed.extend(Finding(number, note, label) for note in notes)
        if progress and counts.read % PROGRESS_EVERY == 0:
            progress("read", counts.read, max(table.estimated_rows, counts.read))
    parsed.total = counts.read
    if counts.read and not counts.substance_use_rows and not options.include_mental_health:
        raise ImportFileError(
            f"None of the {counts.read} rows is a substance use facility (service code SA, SAF or MHSAF): this looks "
            "like the mental health directory, or another table with the same columns. Nothing was imported. "
            f"{EXPECTED} (To load mental health facilities anyway, use --include-mental-health.)"
        )
    if counts.read == 0:
        raise ImportFileError(f"The facilities table has a header row but no facilities. {EXPECTED}")
    parsed.warnings.extend(summarize_counts(
        Counter({f"{code}" + (f" ({table.key[code]})" if code in table.key else " (not in the file's key)"): n
                 for code, n in codes.unmapped.items()}),
        "Service code kept on the listing but mapped to no term: {value}, {count} {rows}.",
    ))
    if not table.key and codes.unmapped:
        parsed.warnings.append("Unmapped codes could not be named: the file has no code key sheet.")
    if counts.mental_health:
        parsed.warnings.append(f"Left out: {counts.mental_health} mental-health-only facilities "
                               "(--include-mental-health lists them).")
    if counts.other_states:
        parsed.warnings.append(f"Left out: {counts.other_states} facilities in other states than {', '.join(sorted(options.states))}.")
    if counts.merged:
        parsed.warnings.append(f"Merged: {counts.merged} rows repeated a facility listed above them.")
    parsed.warnings.append(
        f"Placed at the centre of their ZIP code or city (approximate): {counts.approximate} facilities"
        + (f"; not placed on the map: {counts.unplaced}" if counts.unplaced else "") + "."
    )
    return parsed


def guess_edition(filename: str, today: datetime.date | None = None) -> str:
    """The edition's year from the file name (…2026…), else this year."""
    found = YEAR.findall(filename or "")
    return found[-1] if found else str((today or datetime.date.today()).year)


def import_national_directory(
    *,
    source: Any,
    filename: str = "",
    dry_run: bool = False,
    strict: bool = False,
    states: list[str] | None = None,
    include_mental_health: bool = False,
    edition: str = "",
    progress: Progress | None = None,
    user=None,
    format: str = FORMAT,
) -> ImportReport:
    """Import a National Directory workbook or CSV through the import pipeline (see the module's docstring)."""
    name = filename or (Path(source).name if isinstance(source, (str, Path)) else getattr(source, "name", "") or "")
    report = ImportReport(format=FORMAT, filename=name, dry_run=dry_run, strict=strict, noun="facilities")
    wanted = frozenset(state.strip().upper() for state in states or [] if state.strip())
    unknown = sorted(wanted - set(geo.US_STATES))
    if unknown:
        report.errors.append(f"Not a US state or territory: {', '.join(unknown)}. Use two-letter codes such as VA.")
        return report
    options = Options(states=wanted, include_mental_health=include_mental_health,
                      edition=edition or guess_edition(name))
    planner = Planner(edition=options.edition, states=options.states)
    return run_pipeline(
        report=report, parse=lambda: parse_directory(source, options=options, progress=progress),
        plan=planner, write=planner.write, progress=progress, user=user,
    )
