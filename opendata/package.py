"""The HSDS tabular data package: datapackage.json and one CSV file per table, zipped.

The tables and their columns follow HSDS 3.1's tabular form (every column of each table written,
in the specification's order, empty where the portal has no value). The descriptor lists only the
tables the portal publishes, and gives `service_capacity` and `unit` the columns their JSON schemas
define (the specification's own descriptor leaves them out).
"""
from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from typing import IO

from directory.models import Term
from opendata import hsds

# (name, type, required) where type is string, uuid, email, uri, number, date, datetime or time;
# an enum is given as a list in place of the type.
Field = tuple[str, object, bool]
STATUS_VALUES = ["active", "inactive", "defunct", "temporarily closed"]
LOCATION_TYPES = ["physical", "postal", "virtual"]

TABLES: list[dict] = [
    {
        "name": "organization", "path": "organizations.csv",
        "description": "The organizations that run the programs.",
        "fields": [
            ("id", "uuid", True), ("name", "string", True), ("alternate_name", "string", False),
            ("description", "string", True), ("email", "email", False), ("website", "uri", False),
            ("tax_status", "string", False), ("tax_id", "string", False), ("year_incorporated", "number", False),
            ("legal_status", "string", False), ("logo", "string", False), ("uri", "uri", False),
            ("parent_organization_id", "uuid", False),
        ],
        "foreign_keys": [],
    },
    {
        "name": "service", "path": "services.csv",
        "description": "The treatment programs, one service each.",
        "fields": [
            ("id", "uuid", True), ("organization_id", "uuid", True), ("program_id", "uuid", False),
            ("name", "string", True), ("alternate_name", "string", False), ("description", "string", False),
            ("url", "uri", False), ("email", "email", False), ("status", STATUS_VALUES, True),
            ("interpretation_services", "string", False), ("application_process", "string", False),
            ("fees_description", "string", False), ("wait_time", "string", False), ("fees", "string", False),
            ("accreditations", "string", False), ("eligibility_description", "string", False),
            ("minimum_age", "number", False), ("maximum_age", "number", False), ("assured_date", "date", False),
            ("assurer_email", "email", False), ("licenses", "string", False), ("alert", "string", False),
            ("last_modified", "datetime", False),
        ],
        "foreign_keys": [("organization_id", "organization")],
    },
    {
        "name": "location", "path": "locations.csv",
        "description": "Where each program is.",
        "fields": [
            ("id", "uuid", True), ("location_type", LOCATION_TYPES, True), ("url", "uri", False),
            ("organization_id", "uuid", False), ("name", "string", False), ("alternate_name", "string", False),
            ("description", "string", False), ("transportation", "string", False), ("latitude", "number", False),
            ("longitude", "number", False), ("external_identifier", "string", False),
            ("external_identifier_type", "string", False),
        ],
        "foreign_keys": [("organization_id", "organization")],
    },
    {
        "name": "service_at_location", "path": "service_at_location.csv",
        "description": "Each service at its location.",
        "fields": [
            ("id", "uuid", True), ("service_id", "uuid", True), ("location_id", "uuid", True),
            ("description", "string", False),
        ],
        "foreign_keys": [("service_id", "service"), ("location_id", "location")],
    },
    {
        "name": "address", "path": "addresses.csv",
        "description": "The street address of each location.",
        "fields": [
            ("id", "uuid", True), ("location_id", "uuid", False), ("attention", "string", False),
            ("address_1", "string", True), ("address_2", "string", False), ("city", "string", True),
            ("region", "string", False), ("state_province", "string", True), ("postal_code", "string", True),
            ("country", "string", True), ("address_type", LOCATION_TYPES, True),
        ],
        "foreign_keys": [("location_id", "location")],
    },
    {
        "name": "phone", "path": "phones.csv",
        "description": "Main and intake phone numbers of the services.",
        "fields": [
            ("id", "uuid", True), ("location_id", "uuid", False), ("service_id", "uuid", False),
            ("organization_id", "uuid", False), ("contact_id", "uuid", False),
            ("service_at_location_id", "uuid", False), ("number", "string", True), ("extension", "number", False),
            ("type", "string", False), ("description", "string", False),
        ],
        "foreign_keys": [
            ("location_id", "location"), ("organization_id", "organization"), ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ],
    },
    {
        "name": "schedule", "path": "schedules.csv",
        "description": "Weekly opening hours of the services.",
        "fields": [
            ("id", "uuid", True), ("service_id", "uuid", False), ("location_id", "uuid", False),
            ("service_at_location_id", "uuid", False), ("valid_from", "date", False), ("valid_to", "date", False),
            ("dtstart", "date", False), ("timezone", "number", False), ("until", "date", False),
            ("count", "number", False), ("wkst", ["MO", "TU", "WE", "TH", "FR", "SA", "SU"], False),
            ("freq", ["WEEKLY", "MONTHLY"], False), ("interval", "number", False), ("byday", "string", False),
            ("byweekno", "string", False), ("bymonthday", "string", False), ("byyearday", "string", False),
            ("description", "string", False), ("opens_at", "time", False), ("closes_at", "time", False),
            ("schedule_link", "uri", False), ("attending_type", "string", False), ("notes", "string", False),
        ],
        "foreign_keys": [
            ("location_id", "location"), ("service_id", "service"), ("service_at_location_id", "service_at_location"),
        ],
    },
    {
        "name": "taxonomy", "path": "taxonomies.csv",
        "description": "The taxonomy the services are tagged with.",
        "fields": [
            ("id", "uuid", True), ("name", "string", True), ("description", "string", True), ("uri", "uri", False),
            ("version", "string", False),
        ],
        "foreign_keys": [],
    },
    {
        "name": "taxonomy_term", "path": "taxonomy_terms.csv",
        "description": "The terms of the taxonomy: services, settings, payment options, groups served.",
        "fields": [
            ("id", "uuid", True), ("code", "string", False), ("name", "string", True),
            ("description", "string", True), ("parent_id", "uuid", False), ("taxonomy", "string", False),
            ("language", "string", False), ("taxonomy_id", "uuid", False), ("term_uri", "uri", False),
        ],
        "foreign_keys": [("taxonomy_id", "taxonomy")],
        "unique": ["code"],
    },
    {
        "name": "attribute", "path": "attributes.csv",
        "description": "Which taxonomy terms apply to which service.",
        "fields": [
            ("id", "uuid", True), ("link_id", "uuid", True), ("taxonomy_term_id", "uuid", True),
            ("link_type", "string", False), ("link_entity", "string", True), ("value", "string", False),
            ("label", "string", False),
        ],
        "foreign_keys": [("taxonomy_term_id", "taxonomy_term")],
    },
    {
        "name": "unit", "path": "units.csv",
        "description": "Units that service capacity is counted in.",
        "fields": [
            ("id", "uuid", True), ("name", "string", True), ("scheme", "string", False),
            ("identifier", "string", False), ("uri", "uri", False),
        ],
        "foreign_keys": [],
    },
    {
        "name": "service_capacity", "path": "service_capacity.csv",
        "description": "Beds available at residential and detox services.",
        "fields": [
            ("id", "uuid", True), ("service_id", "uuid", True), ("unit_id", "uuid", True),
            ("available", "number", True), ("maximum", "number", False), ("description", "string", False),
            ("updated", "datetime", True),
        ],
        "foreign_keys": [("service_id", "service"), ("unit_id", "unit")],
    },
    {
        "name": "service_area", "path": "service_areas.csv",
        "description": "The states a telehealth service serves, wherever their residents live in them.",
        "fields": [
            ("id", "uuid", True), ("service_id", "uuid", True), ("service_at_location_id", "uuid", False),
            ("name", "string", False), ("description", "string", False), ("extent", "string", False),
            ("extent_type", "string", False), ("uri", "uri", False),
        ],
        "foreign_keys": [("service_id", "service")],
    },
]


def _field(name: str, kind: object, required: bool, unique: bool) -> dict:
    field: dict = {"name": name}
    if isinstance(kind, list):
        field["type"] = "string"
        constraints = {"required": required, "enum": kind}
    else:
        field["type"] = "string" if kind in ("uuid", "email", "uri") else kind
        if kind in ("uuid", "email", "uri"):
            field["format"] = kind
        constraints = {"required": required}
    if unique:
        constraints["unique"] = True
    field["constraints"] = constraints
    return field


def descriptor() -> dict:
    """The datapackage.json of the export."""
    resources = []
    for table in TABLES:
        unique = set(table.get("unique", [])) | {"id"}
        resources.append({
            "name": table["name"],
            "path": table["path"],
            "description": table["description"],
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [_field(name, kind, required, name in unique) for name, kind, required in table["fields"]],
                "primaryKey": ["id"],
                "foreignKeys": [
                    {"fields": [column], "reference": {"resource": target, "fields": ["id"]}}
                    for column, target in table["foreign_keys"]
                ],
            },
        })
    return {
        "name": "treatment-programs-hsds",
        "title": "Treatment programs (Open Referral HSDS 3.1 tabular package)",
        "profile": "tabular-data-package",
        "version": hsds.HSDS_VERSION,
        "homepage": "https://docs.openreferral.org/en/latest/hsds/",
        "resources": resources,
    }


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) and the like).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text  # shown as text, never evaluated (OWASP's advice for CSV injection)
    return text


def _time(value: str) -> str:
    """'09:00' -> '09:00:00', the tabular time format."""
    return f"{value}:00" if value and len(value) == 5 else value


def table_rows():
    """Yield (table name, row dict) for every public program, in a stable order."""
    organizations_done: set[str] = set()
    terms = list(Term.objects.select_related("category"))
    yield "taxonomy", hsds.taxonomy_detail()
    for term in terms:
        yield "taxonomy_term", hsds.taxonomy_term(term)
    yield "taxonomy_term", hsds.accepting_term()
    yield "unit", hsds.bed_unit()
    for program in hsds.public_programs().iterator(chunk_size=1000):
        org = hsds.organization_basic(program)
        if org["id"] not in organizations_done:
            organizations_done.add(org["id"])
            yield "organization", org
        yield "service", hsds.service_basic(program, with_organization=False)
        yield "location", hsds.location(program, full=False)
        yield "address", hsds.address(program)
        yield "service_at_location", hsds.service_at_location_basic(program)
        for phone in hsds.phones(program):
            yield "phone", phone
        for schedule in hsds.schedules(program):
            yield "schedule", {**schedule, "opens_at": _time(schedule.get("opens_at", "")),
                               "closes_at": _time(schedule.get("closes_at", ""))}
        for attribute in hsds.attributes(program):
            yield "attribute", {key: value for key, value in attribute.items() if key != "taxonomy_term"}
        for capacity in hsds.capacities(program):
            yield "service_capacity", {key: value for key, value in capacity.items() if key != "unit"}
        for area in hsds.service_areas(program):
            yield "service_area", area


def write_package(target: IO[bytes] | None = None) -> IO[bytes]:
    """Write the zipped package to `target` (a temporary file by default), rewound to its start.

    Each table is spooled to its own temporary file while the programs are read once, so memory
    stays small however many programs there are.
    """
    columns = {table["name"]: [name for name, _, _ in table["fields"]] for table in TABLES}
    spools = {
        name: tempfile.SpooledTemporaryFile(  # noqa: SIM115  (closed below, once the archive is written)
            max_size=2 * 1024 * 1024, mode="w+", encoding="utf-8", newline="")
        for name in columns
    }
    writers = {}
    for name, spool in spools.items():
        writer = csv.writer(spool, lineterminator="\r\n")
        writer.writerow(columns[name])
        writers[name] = writer
    for name, row in table_rows():
        writers[name].writerow([_csv_value(row.get(column)) for column in columns[name]])

    archive = target if target is not None else tempfile.TemporaryFile()  # noqa: SIM115  (returned to the caller)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("datapackage.json", json.dumps(descriptor(), indent=2, ensure_ascii=False))
        for table in TABLES:
            spool = spools[table["name"]]
            spool.seek(0)
            with bundle.open(table["path"], "w") as member, io.TextIOWrapper(member, encoding="utf-8", newline="") as out:
                while chunk := spool.read(64 * 1024):
                    out.write(chunk)
            spool.close()
    archive.seek(0)
    return archive
