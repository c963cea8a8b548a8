"""Time the import of SAMHSA's National Directory workbook and print its peak memory.

    .venv/bin/python bench/national_directory.py                     # the shared 2015 edition
    .venv/bin/python bench/national_directory.py PATH.xlsx --runs 2  # a second run is the yearly refresh

It imports into a database of its own (`<your database>_natdir`), emptied of the directory's
listings first, running `manage.py import_national_directory` in a child process so the peak
resident memory printed is the import's alone. The target: the whole workbook in under 2 minutes
with a peak under 1 GB on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_WORKBOOK = ROOT.parent / "shared" / "realdata" / "samhsa-national-directory" / "national-directory-2015.xlsx"


def bench_database_url(base: str | None) -> str:
    from bench.search_bench import bench_database_url as search_url

    return search_url(base).replace("_bench", "_natdir")


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = ""
    import django

    django.setup()


def child(path: str) -> None:
    """Run the import in this process and print what it did and its peak memory as one JSON line."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    started = time.perf_counter()
    call_command("import_national_directory", path, stdout=out, stderr=StringIO())
    seconds = time.perf_counter() - started
    summary = [line for line in out.getvalue().splitlines() if "facilities:" in line or line.startswith("Rows read")]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # Linux reports kilobytes
    print(json.dumps({"seconds": round(seconds, 1), "peak_rss_mb": peak_mb, "summary": summary}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workbook", nargs="?", default=str(DEFAULT_WORKBOOK), help="The directory workbook (.xlsx) or CSV.")
    parser.add_argument("--runs", type=int, default=1, help="Imports in a row (the second and later are refreshes).")
    parser.add_argument("--database-url", default=None, help="Benchmark database (default: <DATABASE_URL>_natdir).")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not Path(args.workbook).is_file():
        sys.exit(f"No such file: {args.workbook} (the shared real data folder, or give the workbook's path).")
    url = args.database_url or bench_database_url(os.environ.get("DATABASE_URL"))
    if args.child:
        setup(url)
        child(args.workbook)
        return

    from bench.search_bench import ensure_database

    ensure_database(url)
    setup(url)
    from django.core.management import call_command

    from directory.models import Organization, Program
    from opendata.importers.national_directory import SOURCE

    call_command("migrate", verbosity=0)
    Program.objects.filter(source=SOURCE).delete()
    Organization.objects.filter(programs__isnull=True).delete()
    print(f"Importing {args.workbook} into {urlsplit(url).path.lstrip('/')} ({args.runs} run(s))")
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, __file__, args.workbook, "--child", "--database-url", url],
            capture_output=True, text=True, env={**os.environ, "DATABASE_URL": url},
        )
        wall = time.perf_counter() - started
        if result.returncode:
            sys.exit(result.stderr[-2000:])
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        kind = "first import" if run == 1 else "refresh (same file)"
        print(f"run {run} ({kind}): {wall:.1f} s wall clock ({figures['seconds']} s in the import), "
              f"peak RSS {figures['peak_rss_mb']} MB")
        for line in figures["summary"]:
            print(f"  {line}")
    print("target: under 120 s and under 1024 MB")


if __name__ == "__main__":
    main()
