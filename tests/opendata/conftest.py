"""Fixtures for the open data tests: the real files in ../shared/realdata, the official HSDS schemas,
and a small directory of programs that uses every field the exports carry.

The real data folder is found by tests/realdata.py (PORTAL_REALDATA, or ../shared/realdata): a test
that needs it fails with a clear message when it is absent.
"""
import datetime
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from directory.models import Program
from places.weekdays import Weekday
from tests.factories import make_program
from tests.realdata import REALDATA, missing_realdata, needs_realdata

SAMHSA_ROWS = REALDATA / "samhsa-locator" / "locator-rows-charlottesville-va.json"
HSDS = REALDATA / "hsds-3.1"
COMPILED = HSDS / "schema" / "compiled"


@pytest.fixture
def realdata() -> Path:
    needs_realdata()
    return REALDATA


@pytest.fixture(scope="session")
def hsds_validators():
    """Strict validators for the official compiled HSDS 3.1 schemas, keyed by schema name."""
    if not REALDATA.is_dir():
        missing_realdata("the official HSDS schemas live there")
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker()

    @checker.checks("uri", raises=ValueError)
    def is_uri(value):
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and (parts.netloc or parts.path))

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value):
        if isinstance(value, str):
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed.tzinfo is not None and "T" in value
        return True

    names = ["service", "organization", "service_at_location", "service_list", "organization_list",
             "service_at_location_list"]
    return {
        name: Draft202012Validator(json.loads((COMPILED / f"{name}.json").read_text()), format_checker=checker)
        for name in names
    }


def schema_errors(validator, instance) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message[:200]}" for error in validator.iter_errors(instance)]


@pytest.fixture
def listings():
    """Programs covering every exported field: hours, terms, both phones, beds, availability, statuses."""
    day = datetime.time
    programs = [
        make_program(
            name="Blue Ridge Recovery Clinic", organization="Blue Ridge Health", street1="100 Main St",
            street2="Suite 2", phone="434-555-0100 x12", intake_phone="434-555-0199",
            website="https://blueridge.example.org/clinic", description="Outpatient care with buprenorphine.",
            terms=["OTP", "BU", "MD", "SS"],
            hours=[(Weekday.MONDAY, day(8), day(16)), (Weekday.TUESDAY, day(8), day(16)), (Weekday.SATURDAY, day(9), day(12, 30))],
            hours_note="Dosing 6–10 am", accepting_new_patients=True, typical_wait_days=3,
            last_verified=datetime.date(2025, 3, 1),
        ),
        make_program(
            name="Harbor House Residential", organization="Blue Ridge Health", street1="5 Harbor Rd",
            city="Richmond", zip_code="23219", latitude=37.5407, longitude=-77.4360,
            terms=["RS", "RES"], beds_available=4, beds_updated=datetime.date(2025, 4, 2),
            accepting_new_patients=False, status=Program.Status.TEMPORARILY_CLOSED,
        ),
        make_program(name="Solo Counseling", street1="", street2="", phone="", terms=["ORT", "TELE"],
                     telehealth_states=["DC", "VA"]),
        make_program(name="Closed Clinic", organization="Gone Inc", status=Program.Status.CLOSED),
    ]
    return programs
