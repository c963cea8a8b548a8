"""Importing Open Referral HSDS 3.x: the specification's own examples, JSON forms and tabular packages."""
import csv
import datetime
import io
import json
import shutil
import zipfile

import pytest
from django.core.management import CommandError, call_command

from directory.models import Program
from opendata.importers.hsds import import_hsds
from places.weekdays import Weekday
from tests.opendata.conftest import HSDS

pytestmark = pytest.mark.django_db

EXAMPLES = HSDS / "examples"
SERVICE_AT_LOCATION_ID = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
EXAMPLE_REASONS = [
    "state 'MyState' is not a US state or territory",
    "ZIP code 'ABC 1234' is not a 5-digit US ZIP code",
    "latitude 100 is out of range (-90 to 90)",
]


def americanize_location(location: dict) -> None:
    """Move the example's placeholder location (latitude 100, 'MyState', 'ABC 1234') to Virginia."""
    location["latitude"], location["longitude"] = 38.0293, -78.4767
    for address in location.get("addresses", []):
        address.update(state_province="VA", postal_code="22902", city="Charlottesville")


def americanized_json(tmp_path, name: str):
    document = json.loads((EXAMPLES / name).read_text())
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "location_type" in item and "addresses" in item:
                americanize_location(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def americanized_package(tmp_path):
    folder = tmp_path / "csv"
    shutil.copytree(EXAMPLES / "csv", folder)
    for name, changes in (
        ("locations.csv", {"latitude": "38.0293", "longitude": "-78.4767"}),
        ("addresses.csv", {"state_province": "VA", "postal_code": "22902", "city": "Charlottesville"}),
    ):
        with (folder / name).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            row.update(changes)
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.mark.parametrize("name", ["service_full.json", "organization_full.json", "service_at_location_full.json"])
def test_specification_examples_are_read_and_their_placeholder_address_rejected(realdata, name):
    report = import_hsds(source=EXAMPLES / name)

    assert not report.errors and report.total == 1 and report.created == 0
    [rejection] = report.rejected
    assert rejection.row == 1 and rejection.label == "Community Counselling"
    for reason in EXAMPLE_REASONS:
        assert reason in rejection.reason
    assert not Program.objects.exists()


def test_specification_csv_package_is_read(realdata):
    report = import_hsds(source=EXAMPLES / "csv")

    assert not report.errors and report.total == 1
    assert (report.rejected[0].row, report.rejected[0].line) == (1, 2)
    for reason in EXAMPLE_REASONS:
        assert reason in report.rejected[0].reason
    # Its datapackage.json is a placeholder, not JSON: the standard file names are used instead.
    assert any("datapackage.json could not be used" in warning for warning in report.warnings)


def test_list_examples_are_read(realdata):
    assert "has no service_at_location" in import_hsds(source=EXAMPLES / "service_list.json").rejected[0].reason
    assert "its location has no address" in import_hsds(source=EXAMPLES / "service_at_location_list.json").rejected[0].reason
    organizations = import_hsds(source=EXAMPLES / "organization_list.json")
    assert organizations.total == 0 and not organizations.rejected and not organizations.errors


@pytest.mark.parametrize("name", ["service_full.json", "organization_full.json", "service_at_location_full.json"])
def test_specification_examples_import_once_placed_in_the_us(realdata, tmp_path, name):
    report = import_hsds(source=americanized_json(tmp_path, name))

    assert report.applied and report.created == 1, report.rejected
    program = Program.objects.get(source="hsds", source_id=SERVICE_AT_LOCATION_ID)
    assert program.name == "Community Counselling"
    assert program.organization.name == "Example Organization Inc."
    assert (program.street1, program.street2, program.city, program.state, program.zip_code) == (
        "1-30 Main Street", "MyVillage", "Charlottesville", "VA", "22902",
    )
    # The example's phone is British: not a number a US listing can dial, so it is left out with a warning.
    assert program.phone == ""
    assert any("phone '+44 1234 234567 x100' is not a phone number that can be dialled in the United States" in w
               for w in report.warnings), report.warnings
    assert program.status == Program.Status.ACTIVE
    assert program.website == "http://example.com/counselling"
    assert program.last_verified == datetime.date(2005, 1, 1)
    assert [(h.weekday, h.opens, h.closes) for h in program.hours.all()] == [
        (Weekday.THURSDAY, datetime.time(10), datetime.time(18)), (Weekday.FRIDAY, datetime.time(10), datetime.time(18)),
    ]
    assert program.hours_note.startswith("The service is available from 10 am to 6pm weekdays")
    # The example's capacity is described as beds (in a unit named Kilogram).
    assert (program.beds_available, program.beds_updated) == (12, datetime.date(2024, 9, 25))
    # Its taxonomy term has the code "code": not a term of this directory, so it is reported.
    assert not program.terms.exists()
    assert any("code «name»" in warning for warning in report.warnings)

    again = import_hsds(source=americanized_json(tmp_path, name))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_specification_csv_package_imports_once_placed_in_the_us(realdata, tmp_path):
    folder = americanized_package(tmp_path)
    report = import_hsds(source=folder)

    assert report.applied and report.created == 1, report.rejected
    program = Program.objects.get(source_id=SERVICE_AT_LOCATION_ID)
    assert program.name == "Community Counselling" and program.organization.name == "Example Organization Inc."
    assert program.phone == ""  # British, left out (see above)
    assert program.hours.count() == 2
    # Zipped, the same package is the same data: nothing changes.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in folder.iterdir():
            bundle.write(path, f"package/{path.name}")
    again = import_hsds(source=archive.getvalue())
    assert again.format == "hsds-package" and (again.created, again.updated, again.unchanged) == (0, 0, 1)


def service(**fields):
    data = {
        "id": "11111111-1111-4111-8111-111111111111", "name": "Bridge Clinic", "status": "active",
        "organization": {"id": "22222222-2222-4222-8222-222222222222", "name": "Bridge Health", "description": "Bridge Health"},
        "phones": [{"id": "p1", "number": "434-555-0100"}, {"id": "p2", "number": "434-555-0101", "description": "Intake line"},
                   {"id": "p3", "number": "434-555-0102", "type": "fax"}],
        "attributes": [{"id": "a1", "taxonomy_term": {"id": "t1", "code": "BU", "name": "Buprenorphine", "description": "x"}},
                       {"id": "a2", "taxonomy_term": {"id": "t2", "code": "accepting_new_patients", "name": "x", "description": "x"},
                        "value": "true"}],
        "service_at_locations": [{
            "id": "33333333-3333-4333-8333-333333333333",
            "location": {"id": "l1", "location_type": "physical", "latitude": 38.03, "longitude": -78.48,
                         "addresses": [{"id": "ad1", "address_1": "1 Main St", "city": "Charlottesville",
                                        "state_province": "Virginia", "postal_code": "22902", "country": "US",
                                        "address_type": "physical"}]},
        }],
    }
    data.update(fields)
    return data


def write(tmp_path, document, name="hsds.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_service_fields_map_to_the_program(tmp_path):
    report = import_hsds(source=write(tmp_path, [service()]))

    assert report.created == 1, report.rejected
    program = Program.objects.get()
    assert (program.phone, program.intake_phone) == ("(434) 555-0100", "(434) 555-0101")
    assert program.state == "VA" and program.accepting_new_patients is True
    assert list(program.terms.values_list("code", flat=True)) == ["BU"]
    assert program.organization.description == ""  # a description that only repeats the name is dropped


@pytest.mark.parametrize(
    "status, expected",
    [("active", "active"), ("inactive", "closed"), ("defunct", "closed"), ("temporarily closed", "temporarily_closed")],
)
def test_status_mapping(tmp_path, status, expected):
    import_hsds(source=write(tmp_path, service(status=status)))
    assert Program.objects.get().status == expected


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"status": "paused"}, "service status 'paused' is not one of"),
        ({"status": None}, "service status is missing"),
        ({"name": ""}, "name is missing"),
        ({"service_at_locations": []}, "has no service_at_location"),
    ],
)
def test_bad_services_are_rejected(tmp_path, fields, reason):
    report = import_hsds(source=write(tmp_path, [service(), service(**fields, id="other")]))
    [rejection] = report.rejected
    assert rejection.row == 2 and reason in rejection.reason
    assert list(Program.objects.values_list("name", flat=True)) == ["Bridge Clinic"]


def test_duplicate_service_at_locations_are_rejected(tmp_path):
    report = import_hsds(source=write(tmp_path, [service(), service(name="Copy")]))
    assert [(r.row, r.reason) for r in report.rejected] == [(2, "the same identifier is already used by row 1")]


def test_foreign_address_is_rejected(tmp_path):
    document = service()
    document["service_at_locations"][0]["location"]["addresses"][0]["country"] = "CA"
    report = import_hsds(source=write(tmp_path, document))
    assert "country 'CA' is not the United States" in report.rejected[0].reason


def test_page_of_services_is_accepted(tmp_path):
    report = import_hsds(source=write(tmp_path, {"total_items": 1, "contents": [service()]}))
    assert report.created == 1


def broken_package(tmp_path, **replace):
    folder = tmp_path / "pkg"
    folder.mkdir(parents=True)
    files = {
        "services.csv": "id,organization_id,name,status\ns1,o1,Clinic,active\n",
        "organizations.csv": "id,name,description\no1,Org,Org\n",
        "locations.csv": "id,location_type,latitude,longitude\nl1,physical,38.03,-78.48\n",
        "addresses.csv": "id,location_id,address_1,city,state_province,postal_code,country,address_type\n"
                         "a1,l1,1 Main St,Charlottesville,VA,22902,US,physical\n",
        "service_at_location.csv": "id,service_id,location_id\nsl1,s1,l1\n",
    }
    files.update(replace)
    for name, content in files.items():
        if content is not None:
            (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def test_minimal_package_imports(tmp_path):
    report = import_hsds(source=broken_package(tmp_path))
    assert report.created == 1 and Program.objects.get().organization.name == "Org"


@pytest.mark.parametrize(
    "replace, message",
    [
        ({"services.csv": None}, "The package has no services.csv"),
        ({"services.csv": "id,title\ns1,Clinic\n"}, "services.csv is missing columns: name, status"),
        ({"locations.csv": b"id,name\nl1,Caf\xe9\n"}, "locations.csv is not UTF-8 text: line 2"),
        ({"services.csv": "id,organization_id,name,status\ns1,o1,A,active\ns1,o1,B,active\n"},
         "services.csv rows 1 and 2 have the same id s1"),
    ],
)
def test_unusable_packages_are_rejected_whole(tmp_path, replace, message):
    report = import_hsds(source=broken_package(tmp_path, **replace))
    assert report.errors and message in report.errors[0]
    assert not Program.objects.exists()


def test_package_rows_with_bad_references_are_rejected_by_number(tmp_path):
    folder = broken_package(tmp_path, **{
        "service_at_location.csv": "id,service_id,location_id\nsl1,s1,l1\nsl2,s9,l1\nsl3,s1,l1\nsl3,s1,l1\n",
        "locations.csv": "id,location_type,latitude,longitude\nl1,physical,38.03,-78.48\n",
    })
    strict = import_hsds(source=folder, strict=True)
    assert [(r.row, r.reason) for r in strict.rejected] == [
        (2, "service_id s9 is not in services.csv"), (4, "the same identifier is already used by row 3"),
    ]
    assert strict.blocked and not Program.objects.exists()

    report = import_hsds(source=folder)
    assert [(r.row, r.reason) for r in report.rejected] == [(r.row, r.reason) for r in strict.rejected]
    assert report.created == 2 and sorted(Program.objects.values_list("source_id", flat=True)) == ["sl1", "sl3"]


def test_messy_services_keep_the_usable_ones_and_report_the_rest_by_row(tmp_path, capsys):
    def at(sal_id, **location):
        document = service(id=f"service-{sal_id}", name=f"Clinic {sal_id}")
        document["service_at_locations"][0]["id"] = sal_id
        document["service_at_locations"][0]["location"].update(location)
        return document

    no_name = {**at("sl2"), "name": ""}
    bad_phone = {**at("sl3"), "phones": [{"id": "p9", "number": "call us"}]}
    half_pair = at("sl4", latitude=None)
    path = write(tmp_path, [at("sl1"), no_name, bad_phone, half_pair])

    with pytest.raises(CommandError, match="1 of 4 records were rejected, so nothing was imported"):
        call_command("import_hsds", str(path), "--strict")
    assert not Program.objects.exists()
    capsys.readouterr()

    call_command("import_hsds", str(path))

    out = capsys.readouterr().out
    assert "3 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "Rejected: Row 2 «service-sl2»: name is missing" in out
    assert "Fixed: Row 3 «Clinic sl3»: phone 'call us' is not a phone number" in out
    assert "Fixed: Row 4 «Clinic sl4»: only the longitude was given, so the coordinates were dropped" in out
    assert sorted(Program.objects.values_list("source_id", flat=True)) == ["sl1", "sl3", "sl4"]
    assert Program.objects.get(source_id="sl3").phone == ""


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04 not really a zip", "not a readable zip archive"),
        (b"{broken", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ],
)
def test_unusable_files_are_rejected(tmp_path, content, message):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    report = import_hsds(source=path)
    assert report.errors and message in report.errors[0]


def test_zip_bomb_is_refused(tmp_path, settings):
    settings.OPENDATA_MAX_IMPORT_BYTES = 10_000
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("services.csv", "id,name,status\n" + "x" * 200_000)
    report = import_hsds(source=archive.getvalue())
    assert "contents are over 10000 bytes" in report.errors[0]


def test_command_with_package_folder(tmp_path, capsys):
    call_command("import_hsds", str(broken_package(tmp_path)), "--dry-run")
    assert "1 to create" in capsys.readouterr().out
    assert not Program.objects.exists()
    with pytest.raises(CommandError, match="The package has no services.csv"):
        call_command("import_hsds", str(broken_package(tmp_path / "2", **{"services.csv": None})))
