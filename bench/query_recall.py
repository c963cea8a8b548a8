"""How often a lay query finds the programs it means, around two demo metro areas.

    .venv/bin/python bench/query_recall.py            # the table in tests/directory/lay_queries.py
    .venv/bin/python bench/query_recall.py --show-misses
    .venv/bin/python bench/query_recall.py --held-out  # queries written after the parser

For every query of the table and each place (Baltimore 21201 and Columbus 43215, 25 miles), the
programs the query *means* are those matching the filters (and leftover words) the table expects.
The query is then run as a person types it into the keyword box, following the rewrite into filters,
and, for comparison, as plain full-text search of the listings (the search before query
understanding). A query "finds what it means" when its results hold at least 90% of the programs it
means (queries that mean nothing nearby are left out). The demo programs are loaded into a
separate database `<your database>_recall`, created once.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PLACES = ["21201", "43215"]
RADIUS = "25"
GOOD_RECALL = 0.9


def recall_database_url(base: str | None) -> str:
    from search_bench import bench_database_url

    return bench_database_url(base).replace("_bench", "_recall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-misses", action="store_true", help="List the queries that miss.")
    parser.add_argument("--held-out", action="store_true",
                        help="Use tests/directory/held_out_queries.py (never used to tune the parser).")
    args = parser.parse_args()

    from search_bench import ensure_database

    url = recall_database_url(os.environ.get("DATABASE_URL"))
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = ""

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.http import QueryDict
    from django.test import Client

    from directory.filters import ProgramFilterSet
    from directory.models import Program
    if args.held_out:
        from tests.directory.held_out_queries import HELD_OUT as LAY_QUERIES
    else:
        from tests.directory.lay_queries import LAY_QUERIES

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    call_command("migrate", verbosity=0)
    if not Program.objects.exists():
        call_command("load_demo", verbosity=0)

    def ids(params: dict | QueryDict) -> set[int]:
        data = params if isinstance(params, QueryDict) else QueryDict(mutable=True)
        if not isinstance(params, QueryDict):
            for key, values in params.items():
                data.setlist(key, values)
        return set(ProgramFilterSet(data, queryset=Program.objects.active()).qs.values_list("pk", flat=True))

    client = Client()
    rows = []
    for query, spec, text in LAY_QUERIES:
        expected = {param: codes.split(",") for param, codes in (part.split("=") for part in spec.split())}
        for place in PLACES:
            meant = ids({**expected, **({"q": [text]} if text else {}), "near": [place], "radius": [RADIUS]})
            if not meant:
                continue
            response = client.get("/programs/", {"q": query, "near": place, "radius": RADIUS}, follow=True)
            final = response.redirect_chain[-1][0] if response.redirect_chain else f"?q={query}&near={place}"
            now = ids(QueryDict(urlsplit(final).query))
            before = ids({"q": [query], "near": [place], "radius": [RADIUS]})
            rows.append((query, place, len(meant), len(meant & now) / len(meant), len(meant & before) / len(meant)))

    def share(index: int) -> float:
        return sum(row[index] >= GOOD_RECALL for row in rows) / len(rows)

    print(f"{len(rows)} query-and-place pairs ({len(LAY_QUERIES)} queries, places {', '.join(PLACES)}, {RADIUS} miles)")
    print(f"finds what it means (>= {GOOD_RECALL:.0%} of the programs it means):")
    print(f"  full-text search only (before): {share(4):6.1%}   mean recall {sum(r[4] for r in rows) / len(rows):.1%}")
    print(f"  with query understanding (now): {share(3):6.1%}   mean recall {sum(r[3] for r in rows) / len(rows):.1%}")
    if args.show_misses:
        for query, place, count, now, _ in rows:
            if now < GOOD_RECALL:
                print(f"  miss: {query!r} near {place}: {now:.0%} of {count}")


if __name__ == "__main__":
    main()
