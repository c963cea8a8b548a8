"""The optional interactive street map (PORTAL_BASEMAP_PMTILES_URL): off, pages are as they were and
the policy unchanged; on, the same markers over the operator's own PMTiles, from self-hosted files."""
import html
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from portal.middleware import CONTENT_SECURITY_POLICY
from places import geo
from tests.conftest import axe_violations
from tests.directory.test_map import baltimore_programs, svg

SEARCH = reverse("directory:program-search")
BALTIMORE = geo.resolve("21201")
VENDOR = ("vendor/maplibre-gl-5.14.0/maplibre-gl.js", "vendor/maplibre-gl-5.14.0/maplibre-gl.css",
          "vendor/pmtiles-4.3.0/pmtiles.js", "js/basemap.js", "css/basemap.css")


def directives(policy: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


@pytest.mark.django_db
def test_without_the_setting_nothing_of_it_is_on_the_page_and_the_policy_is_unchanged(client, settings):
    settings.PORTAL_BASEMAP_PMTILES_URL = ""
    program = baltimore_programs(2)[0]
    for response in (client.get(SEARCH, {"near": "21201", "radius": "10"}), client.get(program.get_absolute_url())):
        page = response.content.decode()
        assert 'class="map-svg"' in page
        assert "data-basemap" not in page and "maplibre" not in page and "pmtiles" not in page
        assert "basemap" not in page
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "worker-src" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_page_is_the_same_as_before_without_the_setting(client, settings):
    """The figure opens exactly as the server-drawn map always did."""
    settings.PORTAL_BASEMAP_PMTILES_URL = ""
    baltimore_programs(1)
    drawn = svg(client.get(SEARCH, {"near": "21201", "radius": "10"}).content.decode())
    assert drawn.startswith('<figure class="map" aria-labelledby="results-map-caption">\n<div class="map-stack">')


@pytest.mark.django_db
def test_with_the_setting_the_results_page_carries_the_markers_and_self_hosted_files(client, settings):
    settings.PORTAL_BASEMAP_PMTILES_URL = "/basemap/maryland.pmtiles"
    programs = baltimore_programs(2)
    response = client.get(SEARCH, {"near": "21201", "radius": "10"})
    page = response.content.decode()
    figure = re.search(r'<figure class="map"[^>]*>', page).group(0)
    attributes = {name: html.unescape(value) for name, value in re.findall(r'(data-basemap[\w-]*)="([^"]*)"', figure)}
    assert attributes["data-basemap"] == "/basemap/maryland.pmtiles"
    markers = json.loads(attributes["data-basemap-markers"])
    listed = list(response.context["page"].object_list)
    assert [(marker["number"], marker["name"], marker["url"].split("?")[0]) for marker in markers] == [
        (number, program.name, f"/programs/{program.slug}/") for number, program in enumerate(listed, start=1)]
    assert {program.name for program in programs} == {marker["name"] for marker in markers}
    assert markers[0]["lat"] == pytest.approx(listed[0].latitude) and markers[0]["lng"] == pytest.approx(listed[0].longitude)
    place = json.loads(attributes["data-basemap-place"])
    assert place["label"] == "21201 (Baltimore, MD)" and place["lat"] == pytest.approx(BALTIMORE.latitude)
    for path in VENDOR:
        assert f'/static/{path}"' in page
        assert finders.find(path), path
    assert 'class="map-svg"' in page  # the drawing stays: print, no JavaScript
    assert "<script>" not in page and " style=" not in page
    assert "http" not in "".join(re.findall(r'(?:src|href)="([^"]*(?:maplibre|pmtiles|basemap)[^"]*)"', page))


@pytest.mark.django_db
def test_with_the_setting_the_program_page_has_its_marker_and_no_place(client, settings):
    settings.PORTAL_BASEMAP_PMTILES_URL = "/basemap/maryland.pmtiles"
    program = baltimore_programs(1)[0]
    page = client.get(program.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="map"[^>]*>', page).group(0)
    markers = json.loads(html.unescape(re.search(r'data-basemap-markers="([^"]*)"', figure).group(1)))
    assert [marker["name"] for marker in markers] == ["Harbor Clinic 1"] and markers[0]["number"] is None
    assert "data-basemap-place" not in figure
    assert "/static/vendor/maplibre-gl-5.14.0/maplibre-gl.js" in page and "/static/js/basemap.js" in page


@pytest.mark.django_db
def test_with_the_setting_the_policy_allows_a_blob_worker_and_nothing_foreign(client, settings):
    settings.PORTAL_BASEMAP_PMTILES_URL = "/basemap/maryland.pmtiles"
    policy = directives(client.get("/")["Content-Security-Policy"])
    default = directives(CONTENT_SECURITY_POLICY)
    assert policy["worker-src"] == "blob:"
    assert policy["img-src"] == "'self' data: blob:"
    assert policy["connect-src"] == "'self'"
    assert {name: value for name, value in policy.items() if name not in ("worker-src", "img-src")} == {
        name: value for name, value in default.items() if name != "img-src"}


@pytest.mark.django_db
def test_tiles_on_another_host_of_the_operator_are_allowed_by_their_origin_only(client, settings):
    settings.PORTAL_BASEMAP_PMTILES_URL = "https://tiles.example.org/maps/maryland.pmtiles"
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert policy["connect-src"] == "'self' https://tiles.example.org"
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_with_a_same_origin_basemap_the_page_asks_no_other_host_and_stays_usable(page, settings):
    settings.PORTAL_BASEMAP_PMTILES_URL = "/basemap/maryland.pmtiles"  # not served here: a 404
    baltimore_programs(2)
    page.goto(f"{SEARCH}?near=21201&radius=10")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof maplibregl") == "object" and page.evaluate("typeof pmtiles") == "object"
    assert page.recorder.foreign_requests() == []
    assert any("/basemap/maryland.pmtiles" in url for url in page.recorder.requests)
    # The tiles could not be read: the drawing is back, its links and the list work.
    assert page.locator(".basemap").count() == 0
    assert page.locator(".map-svg").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Harbor Clinic 1").first.click()
    page.wait_for_url("**/programs/**")
    page.wait_for_load_state("networkidle")
    assert page.locator(".map-svg").is_visible()
    assert axe_violations(page) == []
    assert page.recorder.foreign_requests() == []
