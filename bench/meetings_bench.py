"""Benchmark the meeting finder on 100,000 synthetic meetings in a database of its own.

    python bench/meetings_bench.py [--database-url postgres://postgres@127.0.0.1:5432/meetings_bench]
                                   [--meetings 100000] [--runs 200] [--keep]

The database named in --database-url (or MEETINGS_BENCH_DATABASE_URL, else DATABASE_URL's server with
a database called portal_meetings_bench) is created, migrated and filled by this script, and dropped
at the end unless --keep is given. The clock is fixed at a busy Monday evening (6:40 PM Eastern) so
that runs are comparable. It prints p50 and p95 of the full Django request (django.test.Client,
template rendering included) and of the SQL that request ran, replayed on its own.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = [
    ("near a ZIP, today, evening", "/meetings/?near=21201&day=today&time=evening"),
    ("online, starting soon", "/meetings/?attendance=online&when=soon"),
    ("first visit: today's meetings, everywhere", "/meetings/"),
    ("every meeting this week, by day", "/meetings/?day="),
]
FIXED_NOW = datetime.datetime(2026, 3, 2, 18, 40, tzinfo=ZoneInfo("America/New_York"))


def bench_url(explicit: str | None) -> str:
    if explicit:
        return explicit
    if os.environ.get("MEETINGS_BENCH_DATABASE_URL"):
        return os.environ["MEETINGS_BENCH_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/portal_meetings_bench"))


def admin_connection(url: str):
    """A connection to the server's maintenance database, to create and drop the benchmark database."""
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing to manage a database called {name!r}: use letters, digits and underscores.")
    if name in {"postgres", "portal", "template0", "template1"}:
        raise SystemExit(f"Refusing to drop the {name!r} database: name a database just for the benchmark.")
    return name


def create_database(url: str) -> None:
    name = database_name(url)
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


SLOTS = ["06:30", "07:00", "07:30", "09:00", "10:00", "12:00", "12:00", "12:15", "17:30", "18:00", "18:30",
         "19:00", "19:00", "19:00", "19:30", "19:30", "20:00", "20:00", "20:30", "21:00", "22:00", "23:00"]
TYPE_ODDS = {"O": .55, "C": .4, "D": .5, "SP": .2, "ST": .2, "BE": .15, "W": .06, "M": .06, "Y": .05,
             "LGBTQ": .05, "S": .06, "X": .5, "TC": .01}


def generate(count: int, seed: int = 7) -> None:
    """Bulk-create `count` meetings over the whole US gazetteer, a fifth of them online."""
    from meetings.models import Fellowship, Meeting, MeetingType, attendance_for
    from places import geo, timezones

    rng = random.Random(seed)
    gazetteer = geo.gazetteer()
    zip_codes = sorted(gazetteer.zips)
    fellowships = list(Fellowship.objects.values_list("pk", flat=True))
    types = dict(MeetingType.objects.values_list("code", "pk"))
    through = Meeting.types.through
    batch = []
    started = time.perf_counter()

    def flush():
        created = Meeting.objects.bulk_create([meeting for meeting, _ in batch])
        through.objects.bulk_create(
            [through(meeting_id=m.pk, meetingtype_id=types[c]) for m, (_, codes) in zip(created, batch) for c in codes],
            batch_size=10000,
        )
        batch.clear()

    for n in range(count):
        codes = [code for code, odds in TYPE_ODDS.items() if rng.random() < odds]
        pattern = rng.random()
        days = ([rng.randrange(7)] if pattern < .65 else [1, 2, 3, 4, 5] if pattern < .8
                else list(range(7)) if pattern < .87 else sorted(rng.sample(range(7), 2)))
        start = datetime.time.fromisoformat(rng.choice(SLOTS))
        end = (datetime.datetime.combine(datetime.date(2026, 1, 1), start)
               + datetime.timedelta(minutes=rng.choice([60, 60, 90]))).time()
        online_only = rng.random() < .2
        values = {"name": f"Synthetic meeting {n}", "slug": f"bench-{n}", "fellowship_id": rng.choice(fellowships),
                  "days": days, "start_time": start, "end_time": end if rng.random() < .85 else None,
                  "last_verified": datetime.date(2026, 1, 1) - datetime.timedelta(days=rng.randrange(400))}
        if online_only:
            values.update(timezone=rng.choice(["America/New_York", "America/Chicago", "America/Denver",
                                               "America/Phoenix", "America/Los_Angeles"]),
                          conference_url=f"https://meet.example.org/bench-{n}", location="Online", country="")
        else:
            zip_code = rng.choice(zip_codes)
            lat, lng, city, state = gazetteer.zips[zip_code]
            values.update(
                timezone=timezones.zone_for(state, lat, lng), location=f"Hall {n}", address=f"{n} Main St",
                city=city.title(), state=state, postal_code=zip_code,
                latitude=lat + rng.uniform(-.01, .01), longitude=lng + rng.uniform(-.01, .01),
                conference_url=f"https://meet.example.org/bench-{n}" if rng.random() < .15 else "",
            )
        values["attendance"] = attendance_for(
            address=values.get("address", ""), conference_url=values["conference_url"], conference_phone="",
            location_closed="TC" in codes,
        )
        batch.append((Meeting(**values), codes))
        if len(batch) >= 5000:
            flush()
            print(f"  {n + 1:,} meetings…", flush=True)
    if batch:
        flush()
    from meetings.models import forget_zones_in_use

    forget_zones_in_use()  # bulk_create sends no signals
    print(f"Created {count:,} meetings in {time.perf_counter() - started:.1f} s.")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def measure(runs: int) -> list[tuple[str, str, list[float], list[float], int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import meetings.views

    meetings.views.current_time = lambda: FIXED_NOW
    client = Client()
    results = []
    for label, url in SEARCHES:
        for _ in range(10):  # warm up caches and connections
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        statements = [query["sql"] for query in captured.captured_queries]
        request_ms, sql_ms = [], []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            request_ms.append((time.perf_counter() - started) * 1000)
        with connection.cursor() as cursor:
            for _ in range(runs):
                started = time.perf_counter()
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
                sql_ms.append((time.perf_counter() - started) * 1000)
        heading = response.content.decode().split('id="results-heading" aria-live="polite">', 1)[1].split("<", 1)[0]
        results.append((label, f"{url}  [{heading}; {len(response.content) // 1024} KB]", request_ms, sql_ms,
                        len(statements)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="Database to create, fill and drop (see above).")
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards (it is dropped first).")
    parser.add_argument("--json", default=None, metavar="PATH",
                        help="Also append the figures as JSON lines to PATH (bench/report.py prints them as one line).")
    args = parser.parse_args()
    url = bench_url(args.database_url)
    print(f"Benchmark database: {database_name(url)} (created now, {'kept' if args.keep else 'dropped'} at the end)")
    create_database(url)
    setup_django(url)
    try:
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        generate(args.meetings)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"\n{'search':<48} {'request p50':>12} {'p95':>8} {'SQL p50':>9} {'p95':>8}  queries")
        for label, detail, request_ms, sql_ms, queries in measure(args.runs):
            print(f"{label:<48} {percentile(request_ms, 50):>9.1f} ms {percentile(request_ms, 95):>5.1f} ms"
                  f" {percentile(sql_ms, 50):>6.1f} ms {percentile(sql_ms, 95):>5.1f} ms  {queries}")
            print(f"    {detail}")
            if args.json:
                with open(args.json, "a", encoding="utf-8") as out:
                    out.write(json.dumps({
                        "name": f"meetings: {label}",
                        "req_p50_ms": round(percentile(request_ms, 50), 2),
                        "req_p95_ms": round(percentile(request_ms, 95), 2),
                        "sql_p50_ms": round(percentile(sql_ms, 50), 2),
                        "sql_p95_ms": round(percentile(sql_ms, 95), 2),
                    }) + "\n")
        print(f"\n{args.runs} runs each, clock fixed at {FIXED_NOW.isoformat()}; target: p95 under 30 ms per request.")
    finally:
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
