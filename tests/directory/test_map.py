"""The map drawn by the portal: state and county lines, the place searched, the listed programs as
numbered links, a scale; in the page's language; light enough for a phone; no other site involved."""
import gzip
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.urls import reverse

from places import boundaries, geo, maps
from tests.factories import make_program

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:program-search")
BALTIMORE = geo.resolve("21201")


def baltimore_programs(count: int = 3):
    programs = []
    for index in range(count):
        programs.append(make_program(
            name=f"Harbor Clinic {index + 1}", street1=f"{index + 1} Pratt St", city="Baltimore", state="MD",
            zip_code="21201", latitude=BALTIMORE.latitude + 0.01 * (index + 1), longitude=BALTIMORE.longitude,
            terms=["OP", "BU"],
        ))
    return programs


def svg(html: str) -> str:
    found = re.search(r"<figure class=\"map\".*?</figure>", html, re.DOTALL)
    return found.group(0) if found else ""


def test_results_map_numbers_each_listed_program_and_links_it_to_its_page(client):
    baltimore_programs(3)
    make_program(name="ZIP Only Clinic", street1="", city="Baltimore", state="MD", zip_code="21201",
                 latitude=BALTIMORE.latitude, longitude=BALTIMORE.longitude - 0.02)
    make_program(name="Video Care", city="Baltimore", state="MD", zip_code="21201", latitude=39.6, longitude=-79.0,
                 telehealth_states=["MD"], terms=["TELE"])
    response = client.get(SEARCH, {"near": "21201", "radius": "10"})
    html = response.content.decode()
    drawn = svg(html)
    listed = [program for program in response.context["page"].object_list]
    links = re.findall(r'<a href="([^"]+)" tabindex="-1" class="map-marker[^"]*" data-marker="\d+"><title>([^<]+)</title>', drawn)
    assert [label for _url, label in links] == [
        f"{number}. {program.name}" + (" (approximate location)" if program.name == "ZIP Only Clinic" else "")
        for number, program in enumerate(listed, start=1)
    ]
    assert [url.split("?")[0] for url, _label in links] == [f"/programs/{program.slug}/" for program in listed]
    assert "Video Care" not in drawn  # listed for its telehealth, not a place to go
    assert drawn.count('class="map-ring"') == 1  # the approximate one
    assert 'role="img" aria-labelledby="results-map-title"' in drawn
    assert '<title id="results-map-title">Map of the programs listed' in drawn
    assert 'class="map-state"' in drawn and 'class="map-county"' in drawn
    assert re.search(r'class="map-scale-label"[^>]*>\d+(\.\d+)? mi<', drawn)
    assert "21201 (Baltimore, MD)" in drawn
    assert "http" not in drawn.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing from elsewhere


def test_no_map_without_a_place_or_without_programs_with_a_location(client):
    baltimore_programs(1)
    assert "map-svg" not in client.get(SEARCH).content.decode()
    assert "map-svg" not in client.get(SEARCH, {"near": "21502"}).content.decode()  # nothing found near
    assert "map-svg" not in client.get(SEARCH, {"near": "21201", "setting": "TELE"}).content.decode()


def test_program_page_shows_its_location(client):
    program = baltimore_programs(1)[0]
    drawn = svg(client.get(program.get_absolute_url()).content.decode())
    assert "Map of the location of Harbor Clinic 1" in drawn
    assert drawn.count('class="map-dot"') == 1 and "map-ring" not in drawn


def test_the_map_is_in_spanish_on_spanish_pages(client):
    baltimore_programs(2)
    drawn = svg(client.get("/es" + SEARCH, {"near": "21201", "radius": "10"}).content.decode())
    assert "Mapa de los programas de la lista" in drawn
    assert re.search(r'class="map-scale-label"[^>]*>\d+ mi<', drawn)


def test_projection_keeps_distances_and_the_scale_bar_is_a_round_number():
    project = maps.Projection(39.0, -77.0, miles=20)
    x0, y0 = project(-77.0, 39.0)
    _x1, y1 = project(-77.0, 39.0 + 10 / maps.MILES_PER_DEGREE)  # ten miles north
    assert (x0, y0) == (maps.WIDTH // 2, maps.HEIGHT // 2)
    assert y0 - y1 == pytest.approx(10 * project.pixels_per_mile, abs=1)
    east = geo.great_circle_miles(39.0, -77.0, 39.0, -76.9)
    x2, _ = project(-76.9, 39.0)
    assert x2 - x0 == pytest.approx(east * project.pixels_per_mile, rel=0.02)
    miles, width = maps.nice_scale(project.pixels_per_mile)
    assert miles in maps.SCALE_STEPS and width <= maps.WIDTH / 4


def test_every_state_has_its_boundaries():
    assert {"MD", "VA", "AK", "HI", "DC", "PR"} <= set(boundaries.index())
    state_lines, county_lines = boundaries.state_lines("MD")
    assert len(state_lines) > 5 and len(county_lines) > 20
    west, south, east, north = boundaries.index()["MD"]
    assert west < -79 and east > -75.5 and south < 38 and north > 39.6


TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.001, 0.001], "translate": [-80, 38]},
    "objects": {
        "states": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "24", "properties": {"name": "Maryland"}, "arcs": [[0, 1]]}]},
        "counties": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "24001", "arcs": [[0, 2]]},
            {"type": "Polygon", "id": "24003", "arcs": [[1, ~2]]}]},
    },
    # Two halves of a square and the line between them (quantized, delta-encoded).
    "arcs": [[[0, 0], [0, 1000], [500, 0]], [[500, 1000], [500, 0], [0, -1000], [-1000, 0]], [[500, 1000], [0, -1000]]],
}


def test_build_boundaries_writes_each_states_lines_from_us_atlas(tmp_path):
    source = tmp_path / "counties-10m.json"
    source.write_text(json.dumps(TOPOLOGY))
    out = tmp_path / "out"
    call_command("build_boundaries", str(source), out=str(out), dry_run=True)
    assert not out.exists()
    call_command("build_boundaries", str(source), out=str(out))
    written = json.loads((out / "MD.json").read_text())
    assert written["bbox"] == [-80.0, 38.0, -79.0, 39.0]
    assert len(written["state_lines"]) == 2 and len(written["county_lines"]) == 1
    assert written["county_lines"][0] == [-79500, 39000, 0, -1000]
    assert json.loads((out / "index.json").read_text())["states"] == {"MD": [-80.0, 38.0, -79.0, 39.0]}
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(CommandError):
        call_command("build_boundaries", str(tmp_path / "bad.json"), out=str(out))
    with pytest.raises(CommandError):
        call_command("build_boundaries", str(tmp_path / "missing.json"), out=str(out))


def transferred_bytes(client, url: str) -> int:
    """What a browser downloads for a page, compressed as the portal serves it in production: the
    page (gzip by the middleware) and each stylesheet, script and icon it names (WhiteNoise serves
    them precompressed; gzip at its level counted here, brotli would be smaller)."""
    response = client.get(url, headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    total = len(response.content)
    html = gzip.decompress(response.content).decode()
    for asset in sorted(set(re.findall(r'(?:href|src)="/static/([^"?]+)"', html))):
        path = finders.find(re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", asset))
        assert path, asset
        total += len(gzip.compress(Path(path).read_bytes(), compresslevel=9))
    return total


def test_a_full_results_page_with_its_map_stays_under_50_kb(client, settings):
    settings.DEBUG = False
    for index in range(25):  # a full page of 20, spread over 100 miles of county lines
        make_program(
            name=f"Program with a fairly long name number {index}", organization=f"Organization {index % 5}",
            street1=f"{index} Long Street Name Avenue", street2="Suite 200", city="Cumberland", state="MD",
            zip_code="21502", latitude=39.65 + (index % 5) * 0.25 - 0.5, longitude=-78.76 + (index // 5) * 0.3 - 0.6,
            terms=["OP", "BU", "MD", "PI", "SF", "ADLT", "SP", "TELE"], telehealth_states=["MD"],
            hours_note="Walk-ins welcome Monday mornings.",
        )
    size = transferred_bytes(client, f"{SEARCH}?near=21502&radius=100&medication=BU")
    print(f"results page with its map: {size} bytes transferred")
    assert size < 50 * 1024, size
