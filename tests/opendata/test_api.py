"""The HSDS JSON API, the data package download and the OpenAPI description."""
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from directory.models import Program
from opendata import hsds
from tests.factories import make_program
from tests.opendata.conftest import HSDS, schema_errors

pytestmark = pytest.mark.django_db

LISTS = [
    ("/api/services", "service_list", "service"),
    ("/api/organizations", "organization_list", "organization"),
    ("/api/service_at_locations", "service_at_location_list", "service_at_location"),
]


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    assert not response.cookies, f"{url} set cookies {response.cookies}"
    return response.json()


def test_every_export_validates_against_the_official_schemas(client, listings, hsds_validators):
    errors = []
    for url, list_schema, full_schema in LISTS:
        page = get_json(client, url)
        # The closed program is not published; Blue Ridge Health runs two of the three others.
        assert page["total_items"] == (2 if "organizations" in url else 3)
        for item in page["contents"]:
            errors += [f"{url} {e}" for e in schema_errors(hsds_validators[list_schema], item)]
            detail = get_json(client, f"{url}/{item['id']}")
            errors += [f"{url}/{item['id']} {e}" for e in schema_errors(hsds_validators[full_schema], detail)]
        for item in get_json(client, f"{url}?full=true")["contents"]:
            errors += [f"{url}?full=true {e}" for e in schema_errors(hsds_validators[full_schema], item)]
    for item in get_json(client, "/api/organizations?full_service=true")["contents"]:
        errors += schema_errors(hsds_validators["organization"], item)
        detail = get_json(client, f"/api/organizations/{item['id']}?full_service=true")
        errors += schema_errors(hsds_validators["organization"], detail)
    assert errors == []


def test_service_detail_carries_the_listing(client, listings):
    clinic = listings[0]
    data = get_json(client, f"/api/services/{hsds.record_id('service', clinic.pk)}")

    assert data["name"] == "Blue Ridge Recovery Clinic" and data["status"] == "active"
    assert data["organization"]["name"] == "Blue Ridge Health"
    assert {(p["number"], p.get("extension"), p["description"]) for p in data["phones"]} == {
        ("(434) 555-0100", 12, hsds.MAIN_PHONE), ("(434) 555-0199", None, hsds.INTAKE_PHONE),
    }
    assert [(s.get("byday"), s.get("opens_at"), s.get("closes_at")) for s in data["schedules"]] == [
        ("MO,TU", "08:00", "16:00"), ("SA", "09:00", "12:30"), (None, None, None),
    ]
    assert data["schedules"][-1]["description"] == "Dosing 6–10 am"
    codes = {a["taxonomy_term"]["code"]: a.get("value") for a in data["attributes"]}
    assert codes == {"OTP": None, "BU": None, "MD": None, "SS": None, "accepting_new_patients": "true"}
    assert data["wait_time"] == "3 days" and data["assured_date"] == "2025-03-01"
    [sal] = data["service_at_locations"]
    assert sal["location"]["addresses"][0]["address_1"] == "100 Main St"
    harbor = get_json(client, f"/api/services/{hsds.record_id('service', listings[1].pk)}")
    assert harbor["status"] == "temporarily closed"
    assert harbor["capacities"][0]["available"] == 4 and harbor["capacities"][0]["unit"]["name"] == "Bed"


def test_identifiers_are_stable_and_typed(client, listings):
    first = get_json(client, "/api/services")["contents"]
    assert first == get_json(client, "/api/services")["contents"]
    service_id = hsds.record_id("service", listings[0].pk)
    assert hsds.parse_record_id(service_id) == ("service", listings[0].pk)
    # A service's id is not the id of its service_at_location, nor of anything else.
    get_json(client, f"/api/service_at_locations/{service_id}", status=404)
    get_json(client, f"/api/organizations/{service_id}", status=404)


def test_pagination(client):
    for n in range(5):
        make_program(name=f"Program {n}")
    page = get_json(client, "/api/services?per_page=2&page=2")
    assert {key: page[key] for key in page if key != "contents"} == {
        "total_items": 5, "total_pages": 3, "page_number": 2, "size": 2,
        "first_page": False, "last_page": False, "empty": False,
    }
    assert [item["name"] for item in page["contents"]] == ["Program 2", "Program 3"]
    last = get_json(client, "/api/services?per_page=2&page=3")
    assert last["last_page"] and last["size"] == 1
    beyond = get_json(client, "/api/services?per_page=2&page=9")
    assert beyond["contents"] == [] and not beyond["empty"]
    assert get_json(client, "/api/services?per_page=99999", status=400)["parameter"] == "per_page"  # at most 500


def test_empty_directory_gives_an_empty_page(client):
    page = get_json(client, "/api/organizations")
    assert page["empty"] and page["total_pages"] == 1 and page["contents"] == []


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=0", "page=-1", "per_page=0", "per_page=x", "full=maybe", "modified_after=yesterday",
     "organization_id=nope", "taxonomy_term_id=nope", "page=99999999999999999999", "search=" + "x" * 300],
)
def test_bad_parameters_give_a_400_message(client, query):
    data = get_json(client, f"/api/services?{query}", status=400)
    assert data["error"] == "bad_request" and data["message"]


@pytest.mark.parametrize(
    "url",
    ["/api/services/not-a-uuid", "/api/services/00000000-0000-0000-0000-000000000000",
     "/api/organizations/123", "/api/service_at_locations/%00", "/api/nothing-here"],
)
def test_unknown_ids_give_a_404_message(client, url):
    assert get_json(client, url, status=404)["error"] == "not_found"


def test_closed_programs_are_not_published(client, listings):
    closed = listings[3]
    get_json(client, f"/api/services/{hsds.record_id('service', closed.pk)}", status=404)
    get_json(client, f"/api/organizations/{hsds.record_id('organization', closed.organization_id)}", status=404)


def test_filters(client, listings):
    bu = hsds.term_id("BU")
    assert [s["name"] for s in get_json(client, f"/api/services?taxonomy_term_id={bu}")["contents"]] == [
        "Blue Ridge Recovery Clinic"]
    org = hsds.record_id("organization", listings[0].organization_id)
    assert get_json(client, f"/api/service_at_locations?organization_id={org}")["total_items"] == 2
    assert get_json(client, "/api/services?search=harbor")["contents"][0]["name"] == "Harbor House Residential"
    assert get_json(client, "/api/services?modified_after=2999-01-01")["total_items"] == 0
    assert get_json(client, "/api/organizations?search=solo")["contents"][0]["name"] == "Solo Counseling"


def test_api_is_read_only_and_cookie_free(client, listings):
    response = client.post("/api/services")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
    response = client.get("/api/services", headers={"Origin": "https://other.example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in str(response.serialize_headers())


def test_index_and_openapi(client):
    call_command("build_hsds_package", stdout=io.StringIO())
    index = get_json(client, "/api/")
    assert index["openapi_url"].endswith("/api/openapi.json")
    document = get_json(client, "/api/openapi.json")
    assert document["openapi"].startswith("3.1")
    assert {"/services", "/services/{id}", "/organizations", "/organizations/{id}", "/service_at_locations",
            "/service_at_locations/{id}", "/datapackage.zip"} <= set(document["paths"])
    # Every path it describes answers.
    for path in document["paths"]:
        if "{id}" not in path:
            assert client.get(f"/api{path}").status_code == 200, path


def test_openapi_document_is_valid_openapi(client):
    """Check the description against the OpenAPI 3.1 structure: operations, parameters, responses."""
    document = get_json(client, "/api/openapi.json")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert method == "get" and operation["operationId"] and operation["responses"]["200"]
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in ("query", "path") and "schema" in parameter
                if parameter["in"] == "path":
                    assert parameter["required"] and "{" + parameter["name"] + "}" in path


def package_files(client, run_jobs) -> dict[str, bytes]:
    run_jobs()  # the listings' saves queued a build of the package
    response = client.get("/api/datapackage.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert not response.cookies
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def test_datapackage_validates_with_frictionless(client, listings, tmp_path, run_jobs):
    from frictionless import validate

    for name, content in package_files(client, run_jobs).items():
        (tmp_path / name).write_bytes(content)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["title", "rowNumber", "fieldName", "note"])
    services = (tmp_path / "services.csv").read_text()
    assert "Blue Ridge Recovery Clinic" in services and "Closed Clinic" not in services


def test_datapackage_matches_the_official_table_definitions(client, listings, tmp_path, realdata, run_jobs):
    """Validate the CSV files against the specification's own datapackage.json field definitions.

    The official descriptor gives service_capacity only two of its columns and unit none, so those
    two tables keep the portal's definitions (taken from their JSON schemas); foreign keys to tables
    the portal does not publish are left out.
    """
    from frictionless import validate

    files = package_files(client, run_jobs)
    ours = json.loads(files["datapackage.json"])
    official = {r["name"]: r for r in json.loads((HSDS / "datapackage.json").read_text())["resources"]}
    published = {r["name"] for r in ours["resources"]}
    resources = []
    for resource in ours["resources"]:
        if resource["name"] in ("service_capacity", "unit"):
            resources.append(resource)
            continue
        reference = official[resource["name"]]
        assert [f["name"] for f in resource["schema"]["fields"]] == [f["name"] for f in reference["schema"]["fields"]]
        schema = dict(reference["schema"])
        schema["foreignKeys"] = [fk for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] in published]
        if resource["name"] == "program":
            continue
        resources.append({**reference, "schema": schema})
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "official", "resources": resources}))
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["title", "rowNumber", "fieldName", "note"])


def test_export_command(tmp_path, listings):
    from django.core.management import call_command

    out = tmp_path / "hsds.zip"
    call_command("export_hsds_package", str(out))
    with zipfile.ZipFile(out) as bundle:
        assert "datapackage.json" in bundle.namelist()
        assert bundle.read("services.csv").count(b"\r\n") == 4  # header and three public programs


def test_programs_without_an_organization_get_one_of_their_own(client, listings):
    solo = next(p for p in listings if p.name == "Solo Counseling")
    assert Program.objects.get(pk=solo.pk).organization is None
    org = get_json(client, f"/api/organizations/{hsds.record_id('program-organization', solo.pk)}")
    assert org["name"] == "Solo Counseling" and [s["name"] for s in org["services"]] == ["Solo Counseling"]
