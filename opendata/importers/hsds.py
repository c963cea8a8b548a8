"""Import Open Referral HSDS 3.x data: the JSON form and the tabular data package.

Each service_at_location becomes a program: its service gives the name, status, description,
website, phones, schedules, taxonomy terms (attributes whose term code is a Term.code) and beds
(a service_capacity counted in beds); its location gives the address and coordinates; the
service's organization becomes the program's Organization (matched by name). Programs keep
source="hsds" and the service_at_location's id (or the service's) as source_id.

JSON accepted: a compiled service, organization (with nested services and locations) or
service_at_location object, a list of them, or an API page with them in `contents`. The tabular
package is a folder or a .zip with the HSDS CSV files (datapackage.json optional). Checking a
record and building its program is opendata.importers.hsds_records.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from opendata.importers.base import (
    ImportFileError,
    ImportReport,
    ParsedFile,
    Progress,
    decode_text,
    describe_size,
    max_import_bytes,
    read_source,
    run_import,
)
from opendata.importers.hsds_records import Candidate, as_dicts, as_str, finish
from opendata.importers.samhsa import load_json

FORMAT_JSON = "hsds-json"
FORMAT_PACKAGE = "hsds-package"
MAX_PACKAGE_FILES = 200


# Tables read from a package: file names tried, and the columns each must have.
TABLES = {
    "service_at_location": (("service_at_location.csv", "service_at_locations.csv"), ("id", "service_id", "location_id")),
    "service": (("services.csv",), ("id", "name", "status")),
    "location": (("locations.csv",), ("id",)),
    "address": (("addresses.csv",), ("location_id", "address_1", "city", "state_province", "postal_code")),
    "organization": (("organizations.csv",), ("id", "name")),
    "phone": (("phones.csv",), ("number",)),
    "schedule": (("schedules.csv",), ()),
    "attribute": (("attributes.csv",), ("link_id", "taxonomy_term_id")),
    "taxonomy_term": (("taxonomy_terms.csv",), ("id",)),
    "service_capacity": (("service_capacity.csv", "service_capacities.csv"), ("service_id", "available")),
    "unit": (("units.csv",), ("id",)),
    "service_area": (("service_areas.csv",), ("service_id",)),
}
REQUIRED_TABLES = ("service_at_location", "service", "location", "address")


def import_hsds(
    *,
    source: Any,
    filename: str = "",
    format: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    user=None,
) -> ImportReport:
    """Import HSDS JSON or a tabular package (a folder, a .zip path, or zip bytes/upload).

    Every usable record is imported and the rejected ones reported by number; with `strict`,
    nothing is written if any record is rejected. A dry run writes nothing.
    """
    chosen = format

    def parse() -> ParsedFile:
        nonlocal chosen
        if isinstance(source, (str, Path)) and Path(source).is_dir():
            chosen = FORMAT_PACKAGE
            return parse_package(read_folder(Path(source)), progress=progress)
        data = read_source(source)
        if chosen is None:
            chosen = FORMAT_PACKAGE if data[:4] == b"PK\x03\x04" else FORMAT_JSON
        if chosen == FORMAT_PACKAGE:
            return parse_package(read_zip(data), progress=progress)
        return parse_json(data, progress=progress)

    report = run_import(format=format or FORMAT_JSON, filename=filename, parse=parse, dry_run=dry_run,
                        strict=strict, progress=progress, user=user)
    report.format = chosen or report.format
    return report


# JSON -----------------------------------------------------------------------------------------


def _kind(item: dict) -> str:
    if "status" in item or "service_at_locations" in item:
        return "service"
    if isinstance(item.get("service"), dict) or isinstance(item.get("location"), dict):
        return "service_at_location"
    if "services" in item or "locations" in item or ("name" in item and "description" in item):
        return "organization"
    return "unknown"


def parse_json(data: bytes, *, progress: Progress | None = None) -> ParsedFile:
    document = load_json(data)
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict):
        items = [document]
    else:
        raise ImportFileError("Expected HSDS JSON: a service, organization or service_at_location object, or a list of them.")
    parsed = ParsedFile()
    candidates: list[Candidate] = []

    def add(service: dict, sal: dict | None, location: dict | None, organization: dict | None, problems=()):
        candidates.append(Candidate(len(candidates) + 1, service, sal, location, organization, list(problems)))

    def add_service(service: dict, organization: dict | None, locations: dict[str, dict]):
        org = service.get("organization") if isinstance(service.get("organization"), dict) else organization
        sals = as_dicts(service.get("service_at_locations"))
        if not sals:
            add(service, None, None, org, ["has no service_at_location, so no address"])
        for sal in sals:
            location = sal.get("location") if isinstance(sal.get("location"), dict) else locations.get(as_str(sal.get("location_id")))
            add(service, sal, location, org)

    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            add({}, None, None, None, [f"item {position} of the file is not a JSON object"])
            continue
        kind = _kind(item)
        if kind == "service":
            add_service(item, None, {})
        elif kind == "organization":
            locations = {as_str(loc.get("id")): loc for loc in as_dicts(item.get("locations"))}
            services = as_dicts(item.get("services"))
            if not services:
                parsed.warnings.append(f"Item {position} «{as_str(item.get('name'))}»: an organization without services; nothing to import")
            for service in services:
                add_service(service, item, locations)
        elif kind == "service_at_location":
            service = item.get("service") if isinstance(item.get("service"), dict) else {}
            org = service.get("organization") if isinstance(service.get("organization"), dict) else None
            location = item.get("location") if isinstance(item.get("location"), dict) else None
            add(service, item, location, org, [] if service else ["has no nested service"])
        else:
            add({}, None, None, None, [f"item {position} is not an HSDS service, organization or service_at_location"])
    return finish(candidates, parsed, progress)


# Tabular package ------------------------------------------------------------------------------


def read_folder(folder: Path) -> dict[str, bytes]:
    """The package's files (CSV and datapackage.json) from a folder, within the size cap."""
    limit = max_import_bytes()
    files, total = {}, 0
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in (".csv", ".json"):
            continue
        total += path.stat().st_size
        if total > limit:
            raise ImportFileError(f"The package is over {describe_size(limit)}, the largest an import accepts.")
        files[path.name.lower()] = path.read_bytes()
    return files


def read_zip(data: bytes) -> dict[str, bytes]:
    """The package's files from a zip (at its root, or in one folder), refusing oversized contents."""
    limit = max_import_bytes()
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in bundle.infolist() if not info.is_dir() and not info.filename.startswith("__MACOSX/")]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError("The file is not a readable zip archive.") from None
    if len(members) > MAX_PACKAGE_FILES:
        raise ImportFileError(f"The zip holds {len(members)} files; a data package has at most {MAX_PACKAGE_FILES}.")
    if sum(info.file_size for info in members) > limit:
        raise ImportFileError(f"The zip's contents are over {describe_size(limit)}, the largest an import accepts.")
    files, total = {}, 0
    for info in members:
        name = PurePosixPath(info.filename).name.lower()
        if not name.endswith((".csv", ".json")):
            continue
        if name in files:
            raise ImportFileError(f"The zip holds more than one {name}.")
        try:
            with bundle.open(info) as member:
                content = member.read(limit + 1 - total)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as error:
            raise ImportFileError(f"{info.filename} cannot be read from the zip: {error}.") from None
        total += len(content)
        if total > limit:
            raise ImportFileError(f"The zip's contents are over {describe_size(limit)}, the largest an import accepts.")
        files[name] = content
    return files


@dataclass
class Table:
    path: str
    rows: list[tuple[int, int, dict[str, str]]]  # (row number, line number, values)


def _resource_paths(files: dict[str, bytes], warnings: list[str]) -> dict[str, str]:
    """Table file names from datapackage.json when it is readable; the standard names otherwise."""
    paths = {}
    if "datapackage.json" in files:
        try:
            descriptor = load_json(files["datapackage.json"])
            resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
            if not isinstance(resources, list):
                raise ImportFileError("it has no list of resources")
            for resource in as_dicts(resources):
                name, path = as_str(resource.get("name")), resource.get("path")
                if name in TABLES and isinstance(path, str):
                    paths[name] = PurePosixPath(path).name.lower()
        except ImportFileError as error:
            warnings.append(
                f"datapackage.json could not be used ({str(error).rstrip('.')}); the tables were read by their standard HSDS file names."
            )
            paths = {}
    for name, (candidates, _) in TABLES.items():
        if name not in paths or paths[name] not in files:
            paths[name] = next((path for path in candidates if path in files), candidates[0])
    return paths


def _read_table(name: str, path: str, content: bytes, errors: list[str]) -> Table:
    text_ = decode_text(content, name=path)
    reader = csv.reader(io.StringIO(text_, newline=""))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        return Table(path, [])
    except csv.Error as error:
        errors.append(f"{path} line 1 cannot be read as CSV: {error}.")
        return Table(path, [])
    missing = [column for column in TABLES[name][1] if column not in header]
    if missing:
        errors.append(f"{path} is missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
        return Table(path, [])
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                errors.append(f"{path} row {len(rows) + 1} (line {reader.line_num}) has {len(cells)} fields but the header has {len(header)}.")
                continue
            rows.append((len(rows) + 1, reader.line_num, {key: value.strip() for key, value in zip(header, cells)}))
    except csv.Error as error:
        errors.append(f"{path} line {reader.line_num} cannot be read as CSV: {error}.")
    if "id" in header:
        seen: dict[str, int] = {}
        for number_, _, row in rows:
            if row["id"] and row["id"] in seen and name != "service_at_location":
                errors.append(f"{path} rows {seen[row['id']]} and {number_} have the same id {row['id']}.")
            seen.setdefault(row["id"], number_)
    return Table(path, rows)


def parse_package(files: dict[str, bytes], *, progress: Progress | None = None) -> ParsedFile:
    parsed = ParsedFile()
    paths = _resource_paths(files, parsed.warnings)
    missing = [paths[name] for name in REQUIRED_TABLES if paths[name] not in files]
    if missing:
        raise ImportFileError(
            f"The package has no {', '.join(missing)}. An HSDS tabular package needs at least "
            "service_at_location.csv, services.csv, locations.csv and addresses.csv."
        )
    errors: list[str] = []
    tables = {name: _read_table(name, paths[name], files[paths[name]], errors) if paths[name] in files else Table(paths[name], [])
              for name in TABLES}
    if errors:
        raise ImportFileError(" ".join(errors[:20]) + (f" ... and {len(errors) - 20} more problems." if len(errors) > 20 else ""))

    def by(name: str, column: str) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = defaultdict(list)
        for _, _, row in tables[name].rows:
            if row.get(column):
                grouped[row[column]].append(row)
        return grouped

    services = {row["id"]: row for _, _, row in tables["service"].rows}
    locations = {row["id"]: row for _, _, row in tables["location"].rows}
    organizations = {row["id"]: row for _, _, row in tables["organization"].rows}
    terms = {row["id"]: row for _, _, row in tables["taxonomy_term"].rows}
    units = {row["id"]: row for _, _, row in tables["unit"].rows}
    addresses = by("address", "location_id")
    attributes = by("attribute", "link_id")
    capacities = by("service_capacity", "service_id")
    service_areas = by("service_area", "service_id")
    phones = {column: by("phone", column) for column in ("service_at_location_id", "service_id", "location_id", "organization_id")}
    schedules = {column: by("schedule", column) for column in ("service_at_location_id", "service_id", "location_id")}

    used_services = set()
    candidates = []
    for number_, line, sal in tables["service_at_location"].rows:
        problems = []
        service = services.get(sal["service_id"])
        location = locations.get(sal["location_id"])
        if service is None:
            problems.append(f"service_id {sal['service_id'] or '(empty)'} is not in {tables['service'].path}")
        if location is None:
            problems.append(f"location_id {sal['location_id'] or '(empty)'} is not in {tables['location'].path}")
        service = dict(service or {})
        used_services.add(service.get("id"))
        service.update(
            phones=phones["service_id"].get(service.get("id"), []),
            schedules=schedules["service_id"].get(service.get("id"), []),
            attributes=attributes.get(service.get("id"), []),
            capacities=capacities.get(service.get("id"), []),
        )
        if paths["service_area"] in files:  # without the table, the file says nothing of service areas
            service["service_areas"] = service_areas.get(service.get("id"), [])
        sal_full = {**sal, "phones": phones["service_at_location_id"].get(sal["id"], []),
                    "schedules": schedules["service_at_location_id"].get(sal["id"], []),
                    "attributes": attributes.get(sal["id"], [])}
        location_full = None
        if location is not None:
            location_full = {**location, "addresses": addresses.get(location["id"], []),
                             "phones": phones["location_id"].get(location["id"], []),
                             "schedules": schedules["location_id"].get(location["id"], [])}
        organization = organizations.get(service.get("organization_id", ""))
        if organization is not None:
            organization = {**organization, "phones": phones["organization_id"].get(organization["id"], [])}
        candidates.append(Candidate(number_, service, sal_full, location_full, organization, problems, line=line,
                                    taxonomy_terms=terms, units=units))
    for number_, _, service in tables["service"].rows:
        if service["id"] not in used_services:
            parsed.warnings.append(
                f"{tables['service'].path} row {number_} «{service.get('name', '')}»: no service_at_location "
                "row places this service at a location, so it was not imported"
            )
    return finish(candidates, parsed, progress)
