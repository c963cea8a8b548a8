"""Import SAMHSA treatment-locator data: the locator API's JSON rows and the National Directory CSV.

Both name the facility in `name1` (and a unit of it in `name2`), give its address, phones and
coordinates, and list its services: the API rows as the locator's wording (mapped to terms through
Term.samhsa_labels), the spreadsheet as service codes (mapped through Term.code). Programs keep
source="samhsa" and the locator's `frid` (or a hash of name and address) as source_id, so a
re-import updates them in place.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

from opendata.importers.base import (
    BadValue,
    ImportFileError,
    ImportReport,
    OrganizationRecord,
    ParsedFile,
    ProgramRecord,
    Progress,
    Rejection,
    add_contact_email,
    check_listing,
    coordinate,
    decode_text,
    duplicate_reason,
    normalize_label,
    read_source,
    report_progress,
    run_import,
    sort_findings,
    summarize_counts,
    terms_by_code,
    terms_by_samhsa_label,
    text,
)

SOURCE = "samhsa"
FORMAT_JSON = "samhsa-json"
FORMAT_CSV = "samhsa-csv"
REQUIRED_KEYS = ("name1", "street1", "city", "state", "zip")
CSV_REQUIRED_COLUMNS = (*REQUIRED_KEYS, "service_code_info")
CSV_KNOWN_COLUMNS = (
    "name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1", "website",
    "latitude", "longitude", "service_code_info", "frid", "email",
)


def import_samhsa(
    *,
    source: Any,
    filename: str = "",
    format: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    user=None,
) -> ImportReport:
    """Import a SAMHSA file (locator JSON rows or National Directory CSV; `format` None detects which).

    `source` is a path, bytes or an uploaded file. Every usable row is imported and the rejected
    ones reported by number; with `strict`, nothing is written if any row is rejected. A dry run
    writes nothing.
    """
    chosen = format

    def parse() -> ParsedFile:
        nonlocal chosen
        data = read_source(source)
        path_name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "") or ""
        chosen = chosen or detect_format(data, filename or path_name)
        if chosen == FORMAT_CSV:
            return parse_directory_csv(data, progress=progress)
        return parse_locator_json(data, progress=progress)

    report = run_import(format=format or FORMAT_JSON, filename=filename, parse=parse, dry_run=dry_run,
                        strict=strict, progress=progress, user=user)
    report.format = chosen or report.format
    return report


def detect_format(data: bytes, filename: str = "") -> str:
    """JSON when the file starts with '[' or '{' (or is named .json), otherwise CSV."""
    if filename.lower().endswith(".csv"):
        return FORMAT_CSV
    if filename.lower().endswith(".json"):
        return FORMAT_JSON
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return FORMAT_JSON if head in (b"[", b"{") else FORMAT_CSV


def load_json(data: bytes) -> Any:
    """Decode and parse JSON, with a message saying where it is broken."""
    try:
        return json.loads(decode_text(data))
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise ImportFileError("The file is not usable JSON: it is nested too deeply.") from None


def listing_id(values: dict[str, str]) -> str:
    """A stable identifier for a row without `frid`: a hash of its name and address."""
    key = "|".join(normalize_label(values.get(name, "")) for name in ("name1", "name2", "street1", "city", "state", "zip"))
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def program_name(name1: str, name2: str) -> str:
    return f"{name1} – {name2}" if name2 and name2 != name1 else name1


def _values(row: dict[str, Any], problems: list[str]) -> dict[str, str]:
    """The row's text fields, read leniently (numbers are accepted as text)."""
    values = {}
    for key in ("name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1", "website", "frid",
                "email"):
        try:
            values[key] = text(row.get(key), key)
        except BadValue as error:
            problems.append(str(error))
            values[key] = ""
    return values


def _record(
    row_number: int, raw: dict[str, str], coordinates: tuple[Any, Any], problems: list[str], notes: list[str],
    line: int | None = None,
) -> ProgramRecord:
    values: dict[str, Any] = {
        "name": program_name(raw["name1"], raw["name2"]),
        "street1": raw["street1"],
        "street2": raw["street2"],
        "city": raw["city"],
        "state": raw["state"],
        "zip_code": raw["zip"],
        "phone": raw["phone"],
        "intake_phone": raw["intake1"],
        "website": raw["website"],
    }
    add_contact_email(values, raw["email"], notes)  # where a row has one (the locator's rows rarely do)
    values["latitude"] = coordinate(coordinates[0], "latitude", notes)
    values["longitude"] = coordinate(coordinates[1], "longitude", notes)
    if not raw["name1"]:
        problems.append("name1 (the facility's name) is missing")
    if not problems:
        check_listing(values, problems, notes)
    return ProgramRecord(
        row=row_number,
        source=SOURCE,
        source_id=raw["frid"] or listing_id(raw),
        values=values,
        organization=OrganizationRecord(raw["name1"]) if raw["name1"] else None,
        line=line,
    )


def _finish(parsed: ParsedFile, candidates: list[tuple[ProgramRecord, list[str], list[str]]]) -> ParsedFile:
    """Reject rows with problems or a repeated identifier; keep the rest."""
    first_row: dict[str, int] = {}
    for record, problems, notes in candidates:
        if record.source_id in first_row and not problems:
            problems.append(duplicate_reason(first_row[record.source_id]))
        first_row.setdefault(record.source_id, record.row)
        sort_findings(parsed, record, record.name, problems, notes)
    return parsed


def parse_locator_json(data: bytes, *, progress: Progress | None = None) -> ParsedFile:
    """Read locator API rows: a JSON list of rows, or an object with the list in `rows`."""
    document = load_json(data)
    if isinstance(document, dict) and isinstance(document.get("rows"), list):
        rows = document["rows"]
    elif isinstance(document, list):
        rows = document
    else:
        raise ImportFileError(
            "Expected SAMHSA locator rows: a JSON list of rows, or an object with the rows in \"rows\"."
        )
    labels = terms_by_samhsa_label()
    unmapped: Counter[str] = Counter()
    parsed = ParsedFile(total=len(rows))
    candidates = []
    for number_, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            parsed.rejected.append(Rejection(number_, "is not a JSON object with the locator's fields"))
            continue
        problems: list[str] = []
        notes: list[str] = []
        missing = [key for key in REQUIRED_KEYS if key not in row]
        if missing:
            problems.append(f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        raw = _values(row, problems)
        record = _record(number_, raw, (row.get("latitude"), row.get("longitude")), problems, notes)
        services = row.get("services") or []
        term_ids: set[int] = set()
        if not isinstance(services, list):
            problems.append("services must be a list of {f1, f2, f3} objects")
            services = []
        for service in services:
            if not isinstance(service, dict) or not isinstance(service.get("f3") or "", str):
                problems.append("services must be a list of {f1, f2, f3} objects")
                break
            for value in (service.get("f3") or "").split(";"):
                if not value.strip():
                    continue
                found = labels.get(normalize_label(value))
                if found:
                    term_ids.update(found)
                else:
                    category = text(service.get("f2"), "f2") if isinstance(service.get("f2"), (str, int)) else ""
                    unmapped[f"{value.strip()}" + (f" ({category})" if category else "")] += 1
        record.term_ids = sorted(term_ids)
        candidates.append((record, problems, notes))
        report_progress(progress, number_, len(rows))
    _finish(parsed, candidates)
    parsed.warnings.extend(summarize_counts(
        unmapped, "Service not mapped to any term: {value}, {count} {rows}. Add it to a term's SAMHSA labels to map it."
    ))
    return parsed


def parse_directory_csv(data: bytes, *, progress: Progress | None = None) -> ParsedFile:
    """Read the National Directory spreadsheet layout saved as CSV (UTF-8, comma- or tab-separated)."""
    content = decode_text(data)
    first_line = content.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    except csv.Error as error:
        raise ImportFileError(f"Line 1 cannot be read as CSV: {error}.") from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in CSV_REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. Expected the SAMHSA "
            f"National Directory layout with a header row: {', '.join(CSV_KNOWN_COLUMNS)} "
            f"(name2, street2, phone, intake1, website, latitude, longitude and frid are optional)."
        )
    duplicated = sorted({name for name in columns if name and columns.count(name) > 1})
    if duplicated:
        raise ImportFileError(f"Columns appear more than once: {', '.join(duplicated)}.")
    codes = terms_by_code()
    unknown: Counter[str] = Counter()
    parsed = ParsedFile()
    candidates = []
    rows: list[tuple[int, int, list[str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((len(rows) + 1, reader.line_num, cells))
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    parsed.total = len(rows)
    for number_, line, cells in rows:
        problems: list[str] = []
        notes: list[str] = []
        if len(cells) != len(columns):
            parsed.rejected.append(Rejection(
                number_, f"has {len(cells)} fields but the header has {len(columns)}", line=line
            ))
            continue
        row = dict(zip(columns, cells))
        raw = _values(row, problems)
        if raw["zip"].isdigit() and 3 <= len(raw["zip"]) <= 4:
            notes.append(f"ZIP code {raw['zip']} read as {raw['zip'].zfill(5)} (a spreadsheet dropped its leading zeros)")
            raw["zip"] = raw["zip"].zfill(5)
        record = _record(number_, raw, (row.get("latitude"), row.get("longitude")), problems, notes, line=line)
        term_ids: set[int] = set()
        for code in (row.get("service_code_info") or "").split():
            term_id = codes.get(code.upper())
            if term_id:
                term_ids.add(term_id)
            else:
                unknown[code] += 1
        record.term_ids = sorted(term_ids)
        candidates.append((record, problems, notes))
        report_progress(progress, number_, len(rows))
    _finish(parsed, candidates)
    parsed.warnings.extend(summarize_counts(
        unknown, "Service code not in the taxonomy: {value}, {count} {rows}."
    ))
    return parsed
