"""/sitemap.xml is an index of parts of at most 5,000 addresses, each built once per change and then
served from the cache. At 20,000 programs (made with bulk_create) the index and every part stay small,
and asking again costs no query. Timings are printed by bench/sitemap_bench.py, not asserted here.
"""
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Program
from directory.signals import listings_changed
from tests.factories import make_program

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PROGRAMS = 20_000
PART_URLS = 5000  # the protocol allows 50,000


def part_paths(client) -> list[str]:
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(index.content)
    assert root.tag == f"{NS}sitemapindex"
    return [urlsplit(loc.text)._replace(scheme="", netloc="").geturl() for loc in root.iter(f"{NS}loc")]


def sitemap_documents(client) -> list[bytes]:
    """Every part of the sitemap, as a crawler reads it: the index, then each part it lists."""
    documents = []
    for path in part_paths(client):
        response = client.get(path)
        assert response.status_code == 200, path
        documents.append(response.content)
    return documents


def sitemap_text(client) -> str:
    return "\n".join(document.decode() for document in sitemap_documents(client))


def program_locations(document: bytes) -> list[str]:
    return [loc.text for loc in ElementTree.fromstring(document).iter(f"{NS}loc") if "/programs/" in loc.text]


def bulk_programs(count: int) -> None:
    Program.objects.bulk_create(
        [Program(name=f"Bulk Clinic {n}", slug=f"bulk-clinic-{n}", street1=f"{n} Main St", city="Charlottesville",
                 state="VA", zip_code="22902", latitude=38.03, longitude=-78.48, phone="(434) 555-0100",
                 status=Program.Status.ACTIVE)
         for n in range(count)],
        batch_size=5000,
    )


def test_twenty_thousand_programs_are_listed_in_small_cached_parts(client):
    bulk_programs(PROGRAMS)
    paths = part_paths(client)
    program_parts = [path for path in paths if path.startswith("/sitemap-programs.xml")]
    # Each program has an English and a Spanish address: 40,000 addresses in parts of 5,000.
    assert len(program_parts) == 2 * PROGRAMS // PART_URLS
    assert {"/sitemap-pages.xml", "/sitemap-articles.xml", "/sitemap-topics.xml"} <= set(paths)

    listed = []
    for path in program_parts:
        part = client.get(path)
        assert part.status_code == 200
        assert len(part.content) < 5_000_000  # the single document was 22.5 MB
        urls = ElementTree.fromstring(part.content).findall(f"{NS}url")
        assert 0 < len(urls) <= PART_URLS
        listed += program_locations(part.content)
    assert len(listed) == len(set(listed)) == 2 * PROGRAMS
    assert "http://testserver/programs/bulk-clinic-19999/" in listed
    assert "http://testserver/es/programs/bulk-clinic-0/" in listed

    # Asked again: from the cache, without a query.
    first = client.get(program_parts[-1]).content
    with CaptureQueriesContext(connection) as queries:
        index_again = client.get("/sitemap.xml")
        part_again = client.get(program_parts[-1])
    assert len(queries) == 0, [query["sql"][:120] for query in queries]
    assert index_again.status_code == part_again.status_code == 200
    assert part_again.content == first and part_again["Content-Type"] == "application/xml"


def test_a_change_builds_the_parts_afresh(client):
    make_program(name="First Clinic", slug="first-clinic")
    assert "/programs/first-clinic/" in sitemap_text(client)

    new = make_program(name="Second Clinic", slug="second-clinic")  # a save
    assert "/programs/second-clinic/" in sitemap_text(client)

    new.delete()
    assert "/programs/second-clinic/" not in sitemap_text(client)

    # An import or a bulk action (no save signal per program) says so with listings_changed.
    bulk_programs(3)
    assert "/programs/bulk-clinic-2/" not in sitemap_text(client)  # still the cached parts
    listings_changed.send(sender=Program)
    assert "/programs/bulk-clinic-2/" in sitemap_text(client)


@pytest.mark.parametrize("path", [
    "/sitemap-nothing.xml", "/sitemap-programs.xml?p=2", "/sitemap-programs.xml?p=0", "/sitemap-programs.xml?p=%00",
    "/sitemap-programs.xml?p=abc", "/sitemap-programs.xml?p=99999999999", "/sitemap-programs.xml?p=%D9%A1",
])
def test_parts_that_do_not_exist_are_not_found(client, path):
    make_program()
    client.raise_request_exception = False
    assert client.get(path).status_code == 404
