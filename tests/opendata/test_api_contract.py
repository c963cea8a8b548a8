"""The HSDS API keeps the contract its OpenAPI document states: methods, limits, filters, errors by parameter,
checked by hand, by hypothesis and by schemathesis run against the served document."""
import io
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opendata import hsds
from opendata.openapi import HSDS_PARAMETERS
from tests.factories import make_program

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = ["/api/services", "/api/service_at_locations", "/api/organizations", "/api/taxonomies",
                  "/api/taxonomy_terms"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def programs(db):
    return [
        make_program(name="Harbor Clinic", terms=["BU", "MD"], zip_code="22902", latitude=38.03, longitude=-78.48,
                     organization="Harbor Health"),
        make_program(name="Ridge House", terms=["METH"], zip_code="22903", latitude=38.04, longitude=-78.50),
        make_program(name="Far Away Program", terms=[], zip_code="90210", latitude=34.09, longitude=-118.41,
                     city="Beverly Hills", state="CA"),
    ]


@pytest.mark.parametrize("query, parameter", [
    ("search=a%00b", "search"),
    ("modified_after=2024-02-30", "modified_after"),
    ("page=%C2%B2", "page"),
    ("per_page=%EF%BC%95", "per_page"),
    ("per_page=501", "per_page"),
    ("page=0", "page"),
    ("full=maybe", "full"),
    ("minimal=1", "minimal"),
    ("organization_id=nope", "organization_id"),
    ("taxonomy_term_id=", "taxonomy_term_id"),
    ("taxonomy_id=123", "taxonomy_id"),
    ("format=csv", "format"),
    ("postcode=22902", "postcode"),  # an HSDS parameter /services does not take
    ("full_service=true", "full_service"),
    ("top_only=true", "top_only"),
    ("page=1&page=2", "page"),
])
def test_hostile_values_answer_a_400_naming_the_parameter(client, programs, query, parameter):
    data = get(client, f"/api/services?{query}", status=400)
    assert data["error"] == "bad_request" and data["parameter"] == parameter
    assert parameter in data["message"]


@pytest.mark.parametrize("url, parameter", [
    ("/api/service_at_locations?proximity=1000", "proximity"),
    ("/api/service_at_locations?postcode=2290&proximity=1000", "postcode"),
    ("/api/service_at_locations?postcode=22902&proximity=900000", "proximity"),
    ("/api/organizations?organization_id=" + UNKNOWN, "organization_id"),
    ("/api/taxonomies?full=true", "full"),
    ("/api/organizations/" + UNKNOWN + "?minimal=true", "minimal"),
    ("/api/datapackage.zip?page=2", "page"),
])
def test_known_hsds_parameters_an_endpoint_does_not_take_are_refused_by_name(client, programs, url, parameter):
    assert get(client, url, status=400)["parameter"] == parameter


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("url", ["/api/services", "/api/services/" + UNKNOWN, "/api/datapackage.zip",
                                 "/api/openapi.json", "/api/taxonomy_terms", "/api/nowhere"])
def test_other_methods_get_a_json_405_with_allow(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"] == "method_not_allowed"


def test_well_formed_unknown_ids_give_an_empty_page(client, programs):
    for query in (f"organization_id={UNKNOWN}", f"taxonomy_term_id={UNKNOWN}", f"taxonomy_id={UNKNOWN}"):
        page = get(client, f"/api/services?{query}")
        assert page["empty"] and page["contents"] == [], query
    assert get(client, f"/api/taxonomy_terms?parent_id={UNKNOWN}")["empty"]


def test_declared_limits_are_enforced_as_declared(client, programs):
    document = get(client, "/api/openapi.json")
    per_page = next(p for p in document["paths"]["/services"]["get"]["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 500
    assert get(client, "/api/services?per_page=500")["size"] == 3
    get(client, "/api/services?per_page=501", status=400)


def test_every_status_code_is_declared(client, programs):
    document = get(client, "/api/openapi.json")
    for path, operations in document["paths"].items():
        declared = set(operations["get"]["responses"])
        assert "400" in declared, path
        assert ("404" in declared) == ("{id}" in path), path


def test_taxonomies_and_terms_are_served(client, programs):
    taxonomies = get(client, "/api/taxonomies")
    assert taxonomies["total_items"] == 1
    taxonomy = taxonomies["contents"][0]
    assert get(client, f"/api/taxonomies/{taxonomy['id']}")["name"] == taxonomy["name"]
    get(client, f"/api/taxonomies/{UNKNOWN}", status=404)
    terms = get(client, "/api/taxonomy_terms?per_page=500")
    codes = {term["code"] for term in terms["contents"]}
    assert {"BU", "MD", "METH", hsds.ACCEPTING_CODE} <= codes
    assert get(client, f"/api/taxonomy_terms?taxonomy_id={taxonomy['id']}&per_page=500")["total_items"] == len(codes)
    bu = hsds.term_id("BU")
    assert get(client, f"/api/taxonomy_terms/{bu}")["code"] == "BU"
    assert get(client, "/api/taxonomy_terms?search=buprenorphine")["total_items"] >= 1


def test_standard_filters_are_honoured(client, programs):
    taxonomy = hsds.taxonomy_id()
    names = [s["name"] for s in get(client, f"/api/services?taxonomy_id={taxonomy}")["contents"]]
    assert names == ["Harbor Clinic", "Ridge House"]  # the program with no term is in no taxonomy
    bu = hsds.term_id("BU")
    assert [o["name"] for o in get(client, f"/api/organizations?taxonomy_term_id={bu}")["contents"]] == [
        "Harbor Health"]
    near = get(client, "/api/service_at_locations?postcode=22902&proximity=20000")
    assert [item["location"]["name"] for item in near["contents"]] == ["Harbor Clinic", "Ridge House"]
    assert get(client, "/api/service_at_locations?postcode=90210")["total_items"] == 1
    assert get(client, "/api/service_at_locations?postcode=00000&proximity=5000")["empty"]
    minimal = get(client, "/api/services?minimal=true")["contents"]
    assert set(minimal[0]) == {"id", "name", "status", "last_modified"}


API_PARAMETERS = sorted(HSDS_PARAMETERS | {"foo", "page\x00", ""})
NASTY = ["\x00", "%00", "²", "٣", "-1", "0", "1e3", "9" * 40, "true", "false", "json", "22902", UNKNOWN,
         "2024-02-30", "2024-02-28T25:00:00Z", "x" * 300, "'; DROP TABLE x; --", " ", ""]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    endpoint=st.sampled_from([*LIST_ENDPOINTS, f"/api/services/{UNKNOWN}", "/api/organizations/x"]),
    pairs=st.lists(st.tuples(st.sampled_from(API_PARAMETERS),
                             st.one_of(st.sampled_from(NASTY), st.text(max_size=40))), max_size=5),
)
def test_no_api_parameter_value_breaks_the_api(client, programs, endpoint, pairs):
    """Whatever the query, the answer is JSON: a page, a 404 for an unknown path id, or a 400 naming a parameter."""
    query = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)
    response = client.get(f"{endpoint}?{query}")
    assert response.status_code in (200, 400, 404), (endpoint, query)
    data = response.json()
    if response.status_code == 400:
        assert data.get("parameter") in {key for key, _ in pairs}, (endpoint, query, data)


def test_schemathesis_finds_no_failure(live_server, transactional_db, tmp_path):
    """Run schemathesis against the served OpenAPI document (bounded in time) and expect zero failures."""
    make_program(name="Harbor Clinic", terms=["BU"], zip_code="22902", latitude=38.03, longitude=-78.48)
    make_program(name="Ridge House", terms=["METH"], zip_code="22903", latitude=38.04, longitude=-78.50)
    call_command("build_hsds_package", stdout=io.StringIO())  # served as a built file (a 503 until then)
    report = tmp_path / "report.json"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("st")), "run", f"{live_server.url}/api/openapi.json",
         "--max-examples", "12", "--max-time", "40", "--seed", "11", "--workers", "1",
         "--generation-database", "none", "--report", "junit", "--report-junit-path", str(report),
         "--request-timeout", "20"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert "failed" not in summary.split("SUMMARY")[-1].lower() or "0 failed" in summary, summary
    assert json.dumps(summary)  # the summary is printed by pytest -s for the record
