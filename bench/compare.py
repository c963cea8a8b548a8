"""Compare this checkout's searches with another checkout's (an earlier commit) on the same machine, in turns.

    git worktree add ../portal-base <commit>          # the code to compare with, its own database:
    (cd ../portal-base && DATABASE_URL=postgres://.../portal_base .venv/bin/python bench/search_bench.py --runs 1)
    .venv/bin/python bench/compare.py --base ../portal-base \\
        --base-database-url postgres://.../portal_base_bench --database-url postgres://.../portal_bench
    .venv/bin/python bench/compare.py --kind meetings --base ../portal-base \\
        --base-database-url postgres://.../meetings_base --database-url postgres://.../meetings_main

On a shared machine a run of `make bench` can be a fifth slower or faster than the next; two checkouts
timed one after the other differ as much by the machine as by their code. Here one process per
checkout (each with Django set up for its own code and benchmark database, built the same way) takes
turns with the other: a batch of requests of one search each, `--rounds` times, so both see the same
machine. It prints each search's p50 and p95 for both and their ratio. The searches are search_bench.py's
and meetings_bench.py's (the meetings clock fixed as there); "a new ZIP each run" gives both the same
ZIP codes. The other checkout runs with this checkout's Python (`--base-pythonpath` adds what only it needs).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(root: str, url: str) -> None:
    """The worker: Django for the checkout at `root`; each input line 'N PATH|PATH...' runs N requests
    (the paths in turn) and answers with their times in milliseconds, as JSON."""
    sys.path.insert(0, root)
    os.chdir(root)
    os.environ.update(DATABASE_URL=url, DJANGO_DEBUG="")
    os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")
    settings_module = "config.settings" if Path(root, "config", "settings.py").exists() else "portal.settings"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    sys.path.insert(0, str(Path(root, "bench")))
    from meetings_bench import FIXED_NOW

    import meetings.views

    meetings.views.current_time = lambda: FIXED_NOW
    client = Client()
    print("ready", flush=True)
    for line in sys.stdin:
        count, paths = line.rstrip("\n").split(" ", 1)
        paths = paths.split("|")
        times = []
        for n in range(int(count)):
            started = time.perf_counter()
            response = client.get(paths[n % len(paths)], follow=True)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{paths[n % len(paths)]} answered {response.status_code}")
        print(json.dumps(times), flush=True)


class Worker:
    def __init__(self, root: str, url: str, pythonpath: str = ""):
        env = dict(os.environ)
        if pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [pythonpath, env.get("PYTHONPATH", "")]))
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", root, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env=env, cwd=root,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"The worker for {root} did not start (see above).")

    def run(self, paths: list[str], count: int) -> list[float]:
        self.process.stdin.write(f"{count} {'|'.join(paths)}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.kill()


def searches(kind: str, database_url: str, rounds: int, batch: int) -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    if kind == "meetings":
        from meetings_bench import SEARCHES as MEETING_SEARCHES

        return {label: [path] for label, path in MEETING_SEARCHES}
    import psycopg
    from search_bench import SEARCHES as PROGRAM_SEARCHES

    found = {label: [path] for label, path in PROGRAM_SEARCHES.items()}
    with psycopg.connect(database_url) as conn:
        zips = [row[0] for row in conn.execute(
            "SELECT DISTINCT zip_code FROM directory_program WHERE status = 'active' ORDER BY zip_code LIMIT %s",
            [rounds * batch * 40],
        )][::40]
    found["ZIP + 25 miles + two filters, a new ZIP each run"] = [
        f"/programs/?near={zip_code}&radius=25&medication=BU&payment=MD" for zip_code in zips
    ]
    return found


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="The other checkout (a git worktree of an earlier commit).")
    parser.add_argument("--base-database-url", required=True, help="Its benchmark database.")
    parser.add_argument("--database-url", required=True, help="This checkout's benchmark database.")
    parser.add_argument("--base-pythonpath", default="", help="Added to PYTHONPATH for the other checkout only.")
    parser.add_argument("--kind", choices=["programs", "meetings"], default="programs")
    parser.add_argument("--rounds", type=int, default=10, help="Turns each checkout takes per search.")
    parser.add_argument("--batch", type=int, default=10, help="Requests per turn.")
    args = parser.parse_args()

    base = Worker(str(Path(args.base).resolve()), args.base_database_url, args.base_pythonpath)
    this = Worker(str(ROOT), args.database_url)
    try:
        print(f"{'search':52} {'base p50':>9} {'this p50':>9} {'base p95':>9} {'this p95':>9}  this/base")
        for label, paths in searches(args.kind, args.database_url, args.rounds, args.batch).items():
            if len(paths) == 1:  # warm both, as make bench does
                base.run(paths, 5)
                this.run(paths, 5)
            base_times, this_times = [], []
            for turn in range(args.rounds):
                chunk = paths if len(paths) == 1 else paths[turn * args.batch:(turn + 1) * args.batch]
                base_times += base.run(chunk, args.batch)
                this_times += this.run(chunk, args.batch)
            b, t = statistics.median(base_times), statistics.median(this_times)
            print(f"{label[:52]:52} {b:9.2f} {t:9.2f} {percentile(base_times, 95):9.2f} "
                  f"{percentile(this_times, 95):9.2f}  {t / b:9.2f}", flush=True)
    finally:
        base.stop()
        this.stop()


if __name__ == "__main__":
    main()
