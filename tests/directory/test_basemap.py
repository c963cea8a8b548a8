"""The optional interactive street map (PORTAL_BASEMAP_PMTILES_URL): off, pages are as they were and
the policy unchanged; on, the same markers over the operator's own PMTiles, from self-hosted files."""
import html
import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from playwright.sync_api import expect

from places import geo
from portal.middleware import CONTENT_SECURITY_POLICY
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
def test_the_interactive_maps_controls_speak_spanish_on_spanish_pages(client, settings):
    settings.PORTAL_BASEMAP_PMTILES_URL = "/basemap/maryland.pmtiles"
    program = baltimore_programs(1)[0]
    page = client.get("/es" + program.get_absolute_url()).content.decode()
    locale = json.loads(html.unescape(re.search(r'data-basemap-locale="([^"]*)"', page).group(1)))
    assert locale["NavigationControl.ZoomIn"] == "Acercar"
    assert locale["CooperativeGesturesHandler.MobileHelpText"] == "Use dos dedos para mover el mapa"
    assert 'data-basemap-approximate="(ubicación aproximada)"' in page


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


def varint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def tiny_pmtiles() -> bytes:
    """A PMTiles file of one tile (zoom 0): an `earth` layer whose square covers the world."""
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    square = b"".join(varint(n) for n in (9, 0, 0, 26, 8192, 0, 0, 8192, 8191, 0, 15))
    feature = varint(3 << 3) + varint(3) + field(4, square)  # type POLYGON, geometry
    layer = varint(15 << 3) + varint(2) + field(1, b"earth") + field(2, feature) + varint(5 << 3) + varint(4096)
    out = io.BytesIO()
    writer = Writer(out)
    writer.write_tile(zxy_to_tileid(0, 0, 0), field(3, layer))
    writer.finalize({
        "tile_type": TileType.MVT, "tile_compression": Compression.NONE, "min_zoom": 0, "max_zoom": 0,
        "min_lon_e7": -1800000000, "min_lat_e7": -850000000, "max_lon_e7": 1800000000, "max_lat_e7": 850000000,
        "center_zoom": 0, "center_lon_e7": 0, "center_lat_e7": 0,
    }, {"vector_layers": [{"id": "earth", "fields": {}}]})
    return out.getvalue()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_with_a_readable_basemap_the_interactive_map_shows_the_numbered_markers(page, settings):
    settings.PORTAL_BASEMAP_PMTILES_URL = "/basemap/test.pmtiles"
    data = tiny_pmtiles()

    def serve_ranges(route):  # what nginx does for the operator: 206 Partial Content
        asked = re.match(r"bytes=(\d+)-(\d+)", route.request.headers.get("range", ""))
        start, end = (int(asked.group(1)), min(int(asked.group(2)), len(data) - 1)) if asked else (0, len(data) - 1)
        route.fulfill(status=206, body=data[start:end + 1], headers={
            "Content-Type": "application/octet-stream", "Content-Range": f"bytes {start}-{end}/{len(data)}"})

    page.route("**/basemap/test.pmtiles", serve_ranges)
    baltimore_programs(2)
    page.goto(f"{SEARCH}?near=21201&radius=10")
    if not page.evaluate("!!document.createElement('canvas').getContext('webgl2')"):
        pytest.skip("this Chromium has no WebGL 2: the drawing is kept, as tested above")
    expect(page.locator(".basemap canvas")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".basemap")).to_have_count(1)  # the tiles were read: no fallback
    assert page.locator(".map-svg").is_hidden()
    numbered = page.locator(".basemap a.basemap-marker")
    expect(numbered).to_have_count(2)
    assert numbered.first.get_attribute("href").startswith("/programs/") and numbered.first.inner_text() == "1"
    assert page.recorder.foreign_requests() == []
    assert axe_violations(page) == []
