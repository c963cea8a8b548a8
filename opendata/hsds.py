"""Programs described in Open Referral's Human Services Data Specification (HSDS) 3.x.

Each public program is one HSDS service, offered at one location (its address), joined by one
service_at_location. Its organization is the program's Organization, or, for a program without
one, an organization named after the program (HSDS requires every service to have one).

Identifiers are stable UUIDs that can be read back without a lookup table: a 48-bit prefix derived
from the installation's own namespace (see `namespace`) and the kind of record, then the
record's primary key, laid out as an RFC 9562 version 8 UUID. Records that are never looked up by
id (phones, schedules, attributes, ...) get uuid5 identifiers from the same namespace. Each
installation has its own namespace, so an identifier another portal published never reads as one
of this portal's records.
"""
from __future__ import annotations

import datetime
import time
import uuid
from collections import defaultdict
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from directory.models import Organization, Program, Term
from phones import numbers as phone_numbers
from places import weekdays
from places.states import US_STATES

HSDS_VERSION = "3.1"
# The namespace every installation shared before each had its own: an installation that published
# identifiers then and must keep them sets OPENDATA_ID_NAMESPACE to it.
DEFAULT_NAMESPACE = "5b0c5e0e-3a52-4c8e-9d0e-6f70656e6461"
TAXONOMY_NAME = "Treatment services"
TAXONOMY_DESCRIPTION = (
    "The services, settings, payment options and groups served that this directory tags programs with. "
    "Codes are SAMHSA treatment locator service codes where one exists."
)
ACCEPTING_CODE = "accepting_new_patients"
MAIN_PHONE = "Main number"
INTAKE_PHONE = "Intake: appointments and admissions"
BED_UNIT = "Bed"
STATUS = {
    Program.Status.ACTIVE: "active",
    Program.Status.TEMPORARILY_CLOSED: "temporarily closed",
    Program.Status.CLOSED: "inactive",
}
KINDS = ("service", "organization", "program-organization", "location", "service_at_location")
_PK_BITS = 62


def namespace() -> uuid.UUID:
    """This installation's namespace: OPENDATA_ID_NAMESPACE when set, else the one its first migrate made."""
    configured = getattr(settings, "OPENDATA_ID_NAMESPACE", "") or ""
    if configured:
        return uuid.UUID(str(configured))
    return stored_namespace()


# Every identifier asks for the namespace, so each process keeps the stored one for a minute: a change
# made in the admin reaches the other web and worker processes within that time.
_NAMESPACE_TTL = 60.0
_stored: tuple[float, uuid.UUID] | None = None


def stored_namespace() -> uuid.UUID:
    """The namespace stored in the database (IdentifierNamespace), made on first use if the row is missing."""
    global _stored
    now = time.monotonic()
    if _stored is not None and now - _stored[0] < _NAMESPACE_TTL:
        return _stored[1]
    from opendata.models import IdentifierNamespace

    row = IdentifierNamespace.objects.filter(pk=1).first() or IdentifierNamespace.objects.get_or_create(pk=1)[0]
    _stored = (now, row.namespace)
    return row.namespace


def forget_namespace() -> None:
    """Read the stored namespace again at the next identifier (after it changed)."""
    global _stored
    _stored = None


@lru_cache(maxsize=64)
def _prefix(space: uuid.UUID, kind: str) -> int:
    return int.from_bytes(uuid.uuid5(space, f"portal-{kind}").bytes[:6], "big")


def record_id(kind: str, pk: int) -> str:
    """The stable, reversible UUID of a program's service, location, service_at_location or organization."""
    if kind not in KINDS or not 0 <= pk < 2 ** _PK_BITS:
        raise ValueError(f"cannot make an identifier for {kind} {pk}")
    value = (_prefix(namespace(), kind) << 80) | (0x8 << 76) | (0b10 << 62) | pk
    return str(uuid.UUID(int=value))


def parse_record_id(value: str) -> tuple[str, int] | None:
    """The kind and primary key behind an identifier made by `record_id`, or None."""
    try:
        number = uuid.UUID(str(value)).int
    except ValueError:
        return None
    if (number >> 76) & 0xF != 0x8 or (number >> 62) & 0b11 != 0b10 or (number >> 64) & 0xFFF:
        return None
    prefix = number >> 80
    space = namespace()
    for kind in KINDS:
        if _prefix(space, kind) == prefix:
            return kind, number & (2 ** _PK_BITS - 1)
    return None


def child_id(*parts: Any) -> str:
    """A uuid5 identifier for a record that is only ever reached through its parent."""
    return str(uuid.uuid5(namespace(), ":".join(str(part) for part in parts)))


def taxonomy_id() -> str:
    return child_id("taxonomy", "services")


def term_id(code: str) -> str:
    return child_id("taxonomy_term", code)


def organization_id(program: Program) -> str:
    if program.organization_id:
        return record_id("organization", program.organization_id)
    return record_id("program-organization", program.pk)


def public_programs() -> QuerySet:
    """Public programs with everything their HSDS description needs, in a stable order."""
    return (
        Program.objects.public()
        .select_related("organization")
        .prefetch_related(Prefetch("terms", queryset=Term.objects.select_related("category")), "hours")
        .order_by("name", "pk")
    )


def _iso(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _compact(data: dict) -> dict:
    """Leave out empty optional values: the schemas allow a missing field, not a null one."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def split_extension(phone: str) -> tuple[str, int | None]:
    """'(434) 555-0100 ext. 12' -> ('(434) 555-0100', 12); other text is kept whole."""
    number, extension = phone_numbers.split_extension(phone)
    if extension.isdigit() and len(extension) <= 9:
        return number, int(extension)
    return number, None


# Organizations --------------------------------------------------------------------------------


def organization_basic(program: Program) -> dict:
    """The organization of a program, with its one-to-one fields (organization_list.json)."""
    org = program.organization
    if org is None:
        return {"id": organization_id(program), "name": program.name, "description": program.name}
    return _compact({
        "id": organization_id(program),
        "name": org.name,
        "description": org.description or org.name,
        "website": org.website,
    })


def organization_full(representative: Program, programs: list[Program], *, full_service: bool) -> dict:
    """An organization with its services and locations (organization.json)."""
    data = organization_basic(representative)
    services = []
    for program in programs:
        if full_service:
            service = service_full(program, with_organization=False)
        else:
            service = service_basic(program, with_organization=False)
        services.append(service)
    data["services"] = services
    data["locations"] = [location(program, full=True) for program in programs]
    return data


# Locations ------------------------------------------------------------------------------------


def address(program: Program) -> dict:
    street1, street2 = program.street1, program.street2
    if not street1:
        street1, street2 = street2, ""
    return _compact({
        "id": child_id("address", program.pk),
        "location_id": record_id("location", program.pk),
        # address_1 is required: a listing without a street gives its city there.
        "address_1": street1 or program.city,
        "address_2": street2,
        "city": program.city,
        "state_province": program.state,
        "postal_code": program.zip_code,
        "country": "US",
        "address_type": "physical",
    })


def location(program: Program, *, full: bool) -> dict:
    data = _compact({
        "id": record_id("location", program.pk),
        "location_type": "physical",
        "organization_id": organization_id(program),
        "name": program.name,
        "latitude": program.latitude,
        "longitude": program.longitude,
    })
    if full:
        data["addresses"] = [address(program)]
    return data


# Services -------------------------------------------------------------------------------------


def service_minimal(program: Program) -> dict:
    """Just enough of a service to tell what changed (the API's minimal=true)."""
    return _compact({
        "id": record_id("service", program.pk),
        "name": program.name,
        "status": STATUS[program.status],
        "last_modified": _iso(program.updated) if program.updated else "",
    })


def service_basic(program: Program, *, with_organization: bool = True) -> dict:
    """A service with its one-to-one fields (service_list.json)."""
    data = _compact({
        "id": record_id("service", program.pk),
        "organization_id": organization_id(program),
        "name": program.name,
        "description": program.description,
        "url": program.website,
        "status": STATUS[program.status],
        "wait_time": (
            f"{program.typical_wait_days} day{'s' if program.typical_wait_days != 1 else ''}"
            if program.typical_wait_days is not None else ""
        ),
        "assured_date": program.last_verified.isoformat() if program.last_verified else "",
        "last_modified": _iso(program.updated) if program.updated else "",
    })
    if with_organization:
        data["organization"] = organization_basic(program)
    return data


def phones(program: Program) -> list[dict]:
    result = []
    for kind, number, description in (("main", program.phone, MAIN_PHONE), ("intake", program.intake_phone, INTAKE_PHONE)):
        if not number:
            continue
        number, extension = split_extension(number)
        result.append(_compact({
            "id": child_id("phone", program.pk, kind),
            "service_id": record_id("service", program.pk),
            "number": number,
            "extension": extension,
            "type": "voice",
            "description": description,
        }))
    return result


def schedules(program: Program) -> list[dict]:
    """Opening hours as weekly RRULE-style schedules, one per distinct opening period."""
    days: dict[tuple[datetime.time, datetime.time], list[int]] = defaultdict(list)
    for period in program.hours.all():
        days[(period.opens, period.closes)].append(period.weekday)
    result = []
    for (opens, closes), days_open in sorted(
        days.items(), key=lambda item: (min(map(weekdays.monday_first, item[1])), item[0])
    ):
        result.append({
            "id": child_id("schedule", program.pk, opens.strftime("%H%M"), closes.strftime("%H%M")),
            "service_id": record_id("service", program.pk),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(weekdays.ICAL_DAYS[day] for day in sorted(set(days_open), key=weekdays.monday_first)),
            "opens_at": opens.strftime("%H:%M"),
            "closes_at": closes.strftime("%H:%M"),
        })
    if program.hours_note:
        result.append({
            "id": child_id("schedule", program.pk, "note"),
            "service_id": record_id("service", program.pk),
            "description": program.hours_note,
        })
    return result


def taxonomy_detail() -> dict:
    return {"id": taxonomy_id(), "name": TAXONOMY_NAME, "description": TAXONOMY_DESCRIPTION}


def taxonomy_term(term: Term) -> dict:
    return {
        "id": term_id(term.code),
        "code": term.code,
        "name": term.name,
        "description": term.description or term.name,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": taxonomy_id(),
    }


def accepting_term() -> dict:
    return {
        "id": term_id(ACCEPTING_CODE),
        "code": ACCEPTING_CODE,
        "name": "Accepting new patients",
        "description": "Whether the program currently takes new patients; the attribute's value is true or false.",
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": taxonomy_id(),
    }


def attributes(program: Program) -> list[dict]:
    service = record_id("service", program.pk)
    result = []
    for term in program.terms.all():
        item = taxonomy_term(term)
        item["taxonomy_detail"] = taxonomy_detail()
        result.append({
            "id": child_id("attribute", program.pk, term.code),
            "link_id": service,
            "link_entity": "service",
            "taxonomy_term_id": item["id"],
            "label": term.category.name,
            "taxonomy_term": item,
        })
    if program.accepting_new_patients is not None:
        item = accepting_term()
        item["taxonomy_detail"] = taxonomy_detail()
        result.append({
            "id": child_id("attribute", program.pk, ACCEPTING_CODE),
            "link_id": service,
            "link_entity": "service",
            "taxonomy_term_id": item["id"],
            "value": "true" if program.accepting_new_patients else "false",
            "label": "Availability",
            "taxonomy_term": item,
        })
    return result


def bed_unit() -> dict:
    return {"id": child_id("unit", "bed"), "name": BED_UNIT, "identifier": "bed"}


def capacities(program: Program) -> list[dict]:
    if program.beds_available is None:
        return []
    if program.beds_updated:
        updated = f"{program.beds_updated.isoformat()}T00:00:00Z"
    else:
        updated = _iso(program.updated)
    unit = bed_unit()
    return [{
        "id": child_id("service_capacity", program.pk, "beds"),
        "service_id": record_id("service", program.pk),
        "unit": unit,
        "unit_id": unit["id"],
        "available": program.beds_available,
        "description": "Residential or detox beds open now",
        "updated": updated,
    }]


def service_areas(program: Program) -> list[dict]:
    """The states a telehealth program serves, one HSDS service_area each, named as the state is."""
    return [
        {
            "id": child_id("service_area", program.pk, state),
            "service_id": record_id("service", program.pk),
            "name": US_STATES.get(state, state),
            "description": f"Telehealth (video or phone) for residents of {US_STATES.get(state, state)}.",
            "extent_type": "text",
            "extent": state,
        }
        for state in program.telehealth_states
    ]


def service_at_location_basic(program: Program) -> dict:
    return {
        "id": record_id("service_at_location", program.pk),
        "service_id": record_id("service", program.pk),
        "location_id": record_id("location", program.pk),
    }


def service_full(program: Program, *, with_organization: bool = True, with_locations: bool = True) -> dict:
    """A fully nested service (service.json)."""
    data = service_basic(program, with_organization=with_organization)
    data.update(_compact({
        "phones": phones(program),
        "schedules": schedules(program),
        "capacities": capacities(program),
        "attributes": attributes(program),
        "service_areas": service_areas(program),
    }))
    if with_locations:
        data["service_at_locations"] = [{**service_at_location_basic(program), "location": location(program, full=True)}]
    return data


def service_at_location_list_item(program: Program) -> dict:
    """A service_at_location with its location and service (service_at_location_list.json)."""
    return {
        **service_at_location_basic(program),
        "location": location(program, full=False),
        "service": service_basic(program),
    }


def service_at_location_full(program: Program) -> dict:
    """A fully nested service_at_location (service_at_location.json)."""
    return {
        **service_at_location_basic(program),
        "location": location(program, full=True),
        "service": service_full(program, with_locations=False),
    }


def organization_programs(kind: str, pk: int) -> tuple[Program, list[Program]] | None:
    """The public programs of the organization behind an identifier, the first standing for it."""
    programs = public_programs()
    if kind == "organization":
        if not Organization.objects.filter(pk=pk).exists():
            return None
        found = list(programs.filter(organization_id=pk))
    elif kind == "program-organization":
        found = list(programs.filter(pk=pk, organization__isnull=True))
    else:
        return None
    return (found[0], found) if found else None
