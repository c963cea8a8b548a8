"""Export, then import into an empty database: the same listings come back."""
import io
import json
import zipfile

import pytest

from directory.models import Organization, Program
from opendata.importers.hsds import import_hsds

pytestmark = pytest.mark.django_db


def listing(program: Program, *, own_organization: bool = False) -> tuple:
    organization = program.organization.name if program.organization else (program.name if own_organization else None)
    return (
        program.name, organization, program.description, program.street1, program.street2, program.city,
        program.state, program.zip_code, round(program.latitude, 6), round(program.longitude, 6), program.phone,
        program.intake_phone, program.website, program.status, program.hours_note,
        tuple(sorted(program.terms.values_list("code", flat=True))),
        tuple(program.hours.order_by("weekday", "opens").values_list("weekday", "opens", "closes")),
        program.accepting_new_patients, program.typical_wait_days, program.beds_available, program.beds_updated,
        program.last_verified, tuple(program.telehealth_states),
    )


def public_listings(**kwargs) -> list[tuple]:
    return sorted(listing(p, **kwargs) for p in Program.objects.public())


def empty_database():
    Program.objects.all().delete()
    Organization.objects.all().delete()


def export_json(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return json.dumps(response.json()["contents"]).encode()


@pytest.mark.parametrize(
    "url",
    ["/api/services?full=true&per_page=500", "/api/organizations?full_service=true&per_page=500",
     "/api/service_at_locations?full=true&per_page=500"],
)
def test_json_round_trip(client, listings, url):
    expected = public_listings(own_organization=True)
    exported = export_json(client, url)
    empty_database()

    report = import_hsds(source=exported)

    assert report.applied and report.created == 3 and not report.rejected, report.rejected
    assert public_listings() == expected
    assert Program.objects.filter(source="hsds").count() == 3
    again = import_hsds(source=exported)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_single_service_round_trip(client, listings):
    clinic = listings[0]
    expected = listing(clinic)
    from opendata import hsds

    exported = client.get(f"/api/services/{hsds.record_id('service', clinic.pk)}").content
    empty_database()
    import_hsds(source=exported)
    assert [listing(p) for p in Program.objects.all()] == [expected]


def test_csv_package_round_trip(client, listings, run_jobs):
    expected = public_listings(own_organization=True)
    run_jobs()
    response = client.get("/api/datapackage.zip")
    archive = b"".join(response.streaming_content)
    empty_database()

    report = import_hsds(source=archive, filename="hsds-datapackage.zip")

    assert report.format == "hsds-package" and report.created == 3 and not report.rejected, report.rejected
    assert public_listings() == expected
    assert not report.warnings, report.warnings


def test_csv_package_round_trip_through_a_folder(client, listings, tmp_path, run_jobs):
    expected = public_listings(own_organization=True)
    run_jobs()
    with zipfile.ZipFile(io.BytesIO(b"".join(client.get("/api/datapackage.zip").streaming_content))) as bundle:
        bundle.extractall(tmp_path)
    empty_database()
    import_hsds(source=tmp_path)
    assert public_listings() == expected


@pytest.mark.parametrize(
    "url",
    ["/api/services?full=true&per_page=500", "/api/organizations?full_service=true&per_page=500",
     "/api/service_at_locations?full=true&per_page=500"],
)
def test_importing_our_own_export_finds_the_same_records_and_changes_nothing(client, listings, url):
    expected = public_listings()
    count, ids = Program.objects.count(), sorted(Program.objects.values_list("pk", "updated"))

    report = import_hsds(source=export_json(client, url))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3), report.changes
    assert Program.objects.count() == count and sorted(Program.objects.values_list("pk", "updated")) == ids
    assert public_listings() == expected


def test_importing_our_own_package_changes_nothing(client, listings, run_jobs):
    expected = public_listings()
    run_jobs()
    archive = b"".join(client.get("/api/datapackage.zip").streaming_content)

    report = import_hsds(source=archive, filename="hsds-datapackage.zip")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3), report.changes
    assert public_listings() == expected


def test_the_states_a_telehealth_service_serves_are_its_service_areas(client, listings):
    from opendata import hsds

    solo = Program.objects.get(name="Solo Counseling")
    service = client.get(f"/api/services/{hsds.record_id('service', solo.pk)}").json()
    assert [(area["name"], area["extent"]) for area in service["service_areas"]] == [
        ("District of Columbia", "DC"), ("Virginia", "VA")]


def test_service_areas_named_as_states_fill_a_telehealth_program_from_another_source(client, listings):
    from opendata import hsds

    solo = Program.objects.get(name="Solo Counseling")
    service = client.get(f"/api/services/{hsds.record_id('service', solo.pk)}").json()
    service["id"] = "another-directory-1"
    for sal in service["service_at_locations"]:
        sal["id"] = "another-directory-sal-1"
    service["service_areas"] = [{"id": "a1", "name": "Maryland"}, {"id": "a2", "name": "Delaware"},
                                {"id": "a3", "name": "Allegany County"}]
    report = import_hsds(source=json.dumps(service).encode())
    created = Program.objects.get(source="hsds", source_id="another-directory-sal-1")
    assert created.telehealth_states == ["DE", "MD"]
    assert any("Allegany County" in str(finding) for finding in report.fixed), report.fixed
