"""Size and CPU time of the sitemap at 20,000 programs: the single document it was, the index of
parts it is, each part's first build, and the cached answers after that.

Runs on a throwaway PostgreSQL server of its own (tests/portal/pg_cluster.py, never the machine's
server), with programs made by bulk_create, and asks through Django's test client in this process
(no HTTP). Prints the figures; asserts nothing.

    .venv/bin/python bench/sitemap_bench.py [--programs 20000]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.portal.pg_cluster import start_cluster  # noqa: E402

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def timed(call):
    """(result, CPU seconds, wall seconds) of call()."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = call()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=20_000)
    args = parser.parse_args()

    cluster = start_cluster(replicas=0, prefix="portal-sitemap-bench-")
    try:
        import psycopg

        with psycopg.connect(cluster.primary.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal")
        os.environ.update({
            "DATABASE_URL": cluster.primary.url("portal"), "DJANGO_SETTINGS_MODULE": "config.settings",
            "PORTAL_ALLOW_INSECURE_KEY": "1", "PORTAL_ENV_FILE": "/nonexistent", "DJANGO_DEBUG": "",
            "DJANGO_ALLOWED_HOSTS": "testserver", "CACHE_URL": "locmemcache://",
        })
        import django

        django.setup()
        from django.contrib.sitemaps.views import sitemap as single_document
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client, RequestFactory
        from django.test.utils import CaptureQueriesContext

        from config.urls import SITEMAPS
        from directory.models import Program

        call_command("migrate", verbosity=0)
        Program.objects.bulk_create(
            [Program(name=f"Bench Clinic {n}", slug=f"bench-clinic-{n}", street1=f"{n} Main St", city="Columbus",
                     state="OH", zip_code="43215", latitude=39.96, longitude=-83.0, phone="(614) 555-0100",
                     status=Program.Status.ACTIVE) for n in range(args.programs)],
            batch_size=5000,
        )
        print(f"{args.programs:,} programs")

        # Before: every section in one document, as /sitemap.xml used to answer.
        # The sections as Django's Sitemap alone makes them: one page of up to 50,000 addresses each.
        from django.contrib.sitemaps import Sitemap

        before = {name: type(f"Single{section.__name__}", (section,), {
            "limit": Sitemap.limit, "paginator": Sitemap.paginator, "get_latest_lastmod": Sitemap.get_latest_lastmod,
        }) for name, section in SITEMAPS.items()}
        request = RequestFactory().get("/sitemap.xml")
        response, cpu, wall = timed(lambda: single_document(request, before).render())
        print(f"single document (before): {len(response.content) / 1e6:.1f} MB, {cpu:.2f} s CPU, {wall:.2f} s")

        client = Client()
        index, cpu, wall = timed(lambda: client.get("/sitemap.xml"))
        locations = [urlsplit(loc.text) for loc in ElementTree.fromstring(index.content).iter(f"{NS}loc")]
        paths = [f"{url.path}?{url.query}" if url.query else url.path for url in locations]
        print(f"index, first build: {len(index.content) / 1e3:.1f} kB, {len(paths)} parts, {cpu:.2f} s CPU, "
              f"{wall:.2f} s")

        sizes, cpus, walls = [], [], []
        for path in paths:
            part, cpu, wall = timed(lambda path=path: client.get(path))
            assert part.status_code == 200, path
            sizes.append(len(part.content))
            cpus.append(cpu)
            walls.append(wall)
        print(f"parts, first build: largest {max(sizes) / 1e6:.2f} MB, each at most {max(cpus):.2f} s CPU "
              f"({max(walls):.2f} s), all together {sum(cpus):.2f} s CPU")

        runs = 20
        with CaptureQueriesContext(connection) as queries:
            _, cpu, wall = timed(lambda: [client.get("/sitemap.xml") for _ in range(runs)])
        print(f"index, cached: {cpu / runs * 1000:.1f} ms CPU per request, {len(queries) / runs:.0f} queries")
        largest = paths[sizes.index(max(sizes))]
        with CaptureQueriesContext(connection) as queries:
            _, cpu, wall = timed(lambda: [client.get(largest) for _ in range(runs)])
        print(f"largest part, cached: {cpu / runs * 1000:.1f} ms CPU per request, {len(queries) / runs:.0f} queries")
        connection.close()
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
