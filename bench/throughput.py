"""Requests per second of a search-only mix under gunicorn, at national scale.

    .venv/bin/python bench/throughput.py [--seconds 20] [--connections 20] [--workers 3]

Run bench/search_bench.py first: it builds the `<your database>_bench` database (100,000 programs)
that this script serves. It collects the static files, starts gunicorn on 127.0.0.1 (a free port, 3 sync workers, no access
log), sends the searches below round-robin from `--connections` concurrent connections for a fixed
time after a short warm-up, stops gunicorn and prints the successful requests per second, the
status codes and the latency percentiles. Every request is a complete search page (a keyword search
that is rewritten into filters counts its redirect and its result page as two requests).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

MIX = [
    "/programs/?near=43215&radius=25&medication=BU&payment=MD",
    "/programs/?near=Denver%2C+CO&radius=50&accepting=1",
    "/programs/?near=21201&medication=BU&payment=MD",  # where "suboxone medicaid near me" leads
    "/programs/?q=suboxone+medicaid&near=21201",  # the redirect itself
    "/programs/?language=SP&care=DT",
    "/programs/?medication=METH&state=OH",
    "/programs/?q=ashgrove&near=80202&radius=100",
    "/programs/?q=hollowmere+recovery",
    "/programs/?care=OTP&payment=SS",
    "/programs/?near=97204&radius=10",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def fetch(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data[9:12]) if data[:5] == b"HTTP/" else 0


async def load(port: int, connections: int, seconds: float) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker():
        while time.perf_counter() < deadline:
            path = MIX[next(counter) % len(MIX)]
            started = time.perf_counter()
            try:
                status = await fetch(port, path)
            except OSError:
                status = 0
            if time.perf_counter() <= deadline:
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="Default: <DATABASE_URL>_bench.")
    args = parser.parse_args()

    from search_bench import bench_database_url

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url or bench_database_url(os.environ.get("DATABASE_URL")),
        "DJANGO_DEBUG": "",
        "PORTAL_ALLOW_INSECURE_KEY": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    # Production settings serve hashed static files from a manifest: build it first (staticfiles/).
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.2)
        asyncio.run(load(port, args.connections, args.warmup))
        latencies, statuses = asyncio.run(load(port, args.connections, args.seconds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    done = sum(count for status, count in statuses.items() if status in (200, 302))
    ordered = sorted(latencies) or [0.0]
    print(f"{args.workers} gunicorn workers, {args.connections} connections, {args.seconds:.0f} s, "
          f"{len(MIX)} searches round-robin")
    print(f"status codes: {dict(sorted(statuses.items()))}")
    print(f"latency p50 {statistics.median(ordered):.1f} ms, p95 {ordered[int(0.95 * (len(ordered) - 1))]:.1f} ms")
    print(f"throughput: {done / args.seconds:.1f} successful requests per second (target: at least 150)")
    if done < len(latencies):
        sys.exit(f"{len(latencies) - done} requests failed (status codes above): the figure is not a throughput")


if __name__ == "__main__":
    main()
