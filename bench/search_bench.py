"""Benchmark the program search at national scale and print p50/p95 timings.

    make bench                       # 100,000 synthetic programs in a separate database
    .venv/bin/python bench/search_bench.py --programs 20000 --runs 50
    .venv/bin/python bench/search_bench.py --national-directory ../shared/realdata/samhsa-national-directory/national-directory-2015.xlsx
                                     # the real facilities of SAMHSA's National Directory instead

It builds (once, then reuses) a database named `<your database>_bench` holding N fictional programs
placed on ZIP codes across the whole country, then times a fixed set of realistic searches two ways:
the full Django request (middleware, form, queries, template) through the test client, and the raw
SQL that request ran, replayed on a cursor.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = {
    "ZIP + 25 miles + two filters": "/programs/?near=43215&radius=25&medication=BU&payment=MD",
    "city + 50 miles, accepting, sorted by distance": "/programs/?near=Denver%2C+CO&radius=50&accepting=1",
    # Typed needs: the keyword box's words become filters (a redirect, then the filtered search).
    "typed needs + ZIP": "/programs/?q=suboxone+medicaid+near+me&near=21201",
    "typed needs, no location": "/programs/?q=spanish+speaking+detox",
    "keyword + state": "/programs/?q=methadone&state=OH",
    # Words naming no service: full-text search of the listings, ranked.
    "listing text + ZIP": "/programs/?q=ashgrove&near=80202&radius=100",
    "listing text, no location": "/programs/?q=hollowmere+recovery",
    "filters, no location": "/programs/?care=OTP&payment=SS",
    "no location, page 40": "/programs/?medication=NU&page=40",
}


def bench_database_url(base: str | None) -> str:
    if base:
        parts = urlsplit(base)
        name = (parts.path.lstrip("/") or "portal") + "_bench"
        return urlunsplit(parts._replace(path="/" + name))
    from portal.database import embedded_database_url

    url = embedded_database_url()
    return url.replace("/postgres?", "/portal_bench?")


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def replay_ms(connection, statements: list[str]) -> float:
    """Milliseconds to run a request's SQL again, raw, on a cursor (and read every row)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def report(label: str, found: str, request_times: list[float], sql_times: list[float], queries: int) -> dict:
    """Print one search's line of the table; its figures as a row of the JSON report."""
    row = {
        "name": f"programs: {label}", "req_p50_ms": round(statistics.median(request_times), 2),
        "req_p95_ms": round(percentile(request_times, 95), 2), "sql_p50_ms": round(statistics.median(sql_times), 2),
        "sql_p95_ms": round(percentile(sql_times, 95), 2),
    }
    print(f"{label:48} {found:>8} {row['req_p50_ms']:>8.1f} {row['req_p95_ms']:>8.1f} "
          f"{row['sql_p50_ms']:>8.1f} {row['sql_p95_ms']:>8.1f} {queries:>8}")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=100_000, help="How many programs the data set holds.")
    parser.add_argument("--runs", type=int, default=100, help="Timed runs of each search.")
    parser.add_argument("--database-url", default=None, help="Benchmark database (default: <DATABASE_URL>_bench).")
    parser.add_argument("--national-directory", default=None, metavar="WORKBOOK",
                        help="Load SAMHSA's National Directory workbook (real facilities, in a database of its own) "
                             "instead of synthetic programs.")
    parser.add_argument("--json", default=None, metavar="PATH",
                        help="Also append the figures as JSON lines to PATH (bench/report.py prints them as one line).")
    args = parser.parse_args()

    url = args.database_url or bench_database_url(os.environ.get("DATABASE_URL"))
    if args.national_directory and not args.database_url:
        url = url.replace("_bench", "_bench_natdir")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = ""

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory.demo import DemoFactory
    from directory.loading import load_program_records
    from directory.models import Program
    from places import geo

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    call_command("migrate", verbosity=0)
    have = Program.objects.count()
    if args.national_directory:
        if not have:
            print(f"Importing {args.national_directory} (once; the database is kept for later runs)...", flush=True)
            call_command("import_national_directory", args.national_directory, verbosity=0)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    elif have < args.programs:
        print(f"Generating {args.programs - have:,} programs (once; the database is kept for later runs)...", flush=True)
        factory = DemoFactory(seed=have + 1)
        all_zips = sorted(factory.gaz.zips)
        metros = [("national", z, "614") for z in all_zips[:1]]  # fictional 555-01xx numbers, a real area code
        started = time.perf_counter()

        def records():
            for n in range(args.programs - have):
                record = factory.program(metros[0], zip_pool=all_zips)
                record["name"] = f"{record['name']} {have + n}"
                yield record

        created, _ = load_program_records(
            records(), progress=lambda n: print(f"  {n:,} programs", end="\r", flush=True)
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  created {created:,} in {time.perf_counter() - started:.0f} s" + " " * 20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would keep them
    total = Program.objects.count()
    geo.gazetteer()  # loaded once per process in production too

    client = Client()
    print(f"\n{total:,} programs; {args.runs} runs per search; times in milliseconds\n")
    print(f"{'search':48} {'results':>8} {'req p50':>8} {'req p95':>8} {'sql p50':>8} {'sql p95':>8} {'queries':>8}")
    results = []
    for label, path in SEARCHES.items():
        for _ in range(3):  # warm caches
            response = client.get(path, follow=True)
            assert response.status_code == 200, (path, response.status_code)
        request_times, sql_times = [], []
        with CaptureQueriesContext(connection) as captured:
            client.get(path, follow=True)
        statements = [q["sql"] for q in captured.captured_queries]
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(path, follow=True)  # a rewritten search counts both requests
            request_times.append((time.perf_counter() - started) * 1000)
            sql_times.append(replay_ms(connection, statements))
        found = re.search(r"([\d,]+) programs? found", response.content.decode())
        count = f"{int(found.group(1).replace(',', '')):,}" if found else "0"
        results.append(report(label, count, request_times, sql_times, len(statements)))
    # The same search from a different ZIP code each time: nothing a process keeps between requests
    # (rendered cards, formatted values) is there yet, as for most real searches.
    label = "ZIP + 25 miles + two filters, a new ZIP each run"
    zips = list(
        Program.objects.active().order_by("zip_code").values_list("zip_code", flat=True).distinct()[: args.runs * 40]
    )[:: 40][: args.runs]
    request_times, sql_times, statements = [], [], []
    for zip_code in zips:
        path = f"/programs/?near={zip_code}&radius=25&medication=BU&payment=MD"
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, follow=True)
            request_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        statements = [q["sql"] for q in captured.captured_queries]
        sql_times.append(replay_ms(connection, statements))
    if request_times:
        results.append(report(label, "", request_times, sql_times, len(statements)))
    worst = max(row["req_p95_ms"] for row in results)
    print(f"\nworst request p95: {worst:.1f} ms (target: under 30 ms)")
    if args.json:
        with open(args.json, "a", encoding="utf-8") as out:
            for row in results:
                out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
