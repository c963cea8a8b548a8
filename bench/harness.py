"""What the load and fault scripts share: a throwaway PostgreSQL with a modest national data set,
gunicorn as deployed (deploy/gunicorn.conf.py) on a free 127.0.0.1 port, and a bounded HTTP load
generator that records every request's time and outcome.

Nothing here touches the machine's own PostgreSQL server: the cluster is the scripts' own, kept in
a folder between runs (`--cluster-dir`, default /tmp/portal-bench-cluster) so the data set is built
once. Every request goes to 127.0.0.1 only, and every loop stops by itself.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.portal.pg_cluster import Cluster, Server, find_bindir, free_port, start_cluster  # noqa: E402

DEFAULT_CLUSTER_DIR = Path(os.environ.get("PORTAL_BENCH_CLUSTER", "/tmp/portal-bench-cluster"))
DATABASE = "portal_bench"


def common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--programs", type=int, default=20_000, help="Programs in the data set (default 20,000).")
    parser.add_argument("--cluster-dir", type=Path, default=DEFAULT_CLUSTER_DIR,
                        help="Where the scripts' own PostgreSQL keeps its data between runs.")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: deploy/gunicorn.conf.py's).")


# The database ------------------------------------------------------------------------------------


@contextmanager
def bench_cluster(folder: Path):
    """Start the scripts' own PostgreSQL (created on first use) on a free port; stop it afterwards."""
    import pwd

    user = "postgres" if os.geteuid() == 0 else None
    if not (folder / "primary" / "PG_VERSION").is_file():
        say(f"Creating the benchmark PostgreSQL cluster in {folder}...")
        made = start_cluster(replicas=0, prefix="portal-bench-")
        made.stop(made.primary)
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        made.root.rename(folder)
        if user:
            account = pwd.getpwnam(user)
            os.chown(folder, account.pw_uid, account.pw_gid)
    cluster = Cluster(root=folder, bindir=find_bindir(), user=user)
    server = Server(data=folder / "primary", port=free_port(), log=folder / "primary.log")
    with (server.data / "postgresql.conf").open("a") as conf:
        conf.write(f"\nport = {server.port}\nunix_socket_directories = '{folder}'\nmax_connections = 200\n")
    cluster.primary = server
    cluster.start(server)
    try:
        yield cluster
    finally:
        cluster.stop(cluster.primary)


def database_url(cluster: Cluster) -> str:
    return cluster.primary.url(DATABASE)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")
    os.environ["DJANGO_DEBUG"] = ""
    import django

    django.setup()


def prepare_data(cluster: Cluster, programs: int) -> None:
    """Create the database, migrate, and load the demo content plus synthetic programs up to `programs`."""
    import psycopg

    with psycopg.connect(cluster.primary.url(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    setup_django(database_url(cluster))
    from django.core.management import call_command
    from django.db import connection

    from directory.demo import DemoFactory
    from directory.loading import load_program_records
    from directory.models import Program

    call_command("migrate", verbosity=0)
    if not Program.objects.exists():
        say("Loading the demo programs, articles and meetings...")
        os.environ["PORTAL_DEMO"] = "1"
        call_command("load_demo", "--if-empty", verbosity=0)
    have = Program.objects.count()
    if have < programs:
        say(f"Generating {programs - have:,} synthetic programs (once; kept in the cluster folder)...")
        factory = DemoFactory(seed=have + 1)
        all_zips = sorted(factory.gaz.zips)
        metro = ("national", all_zips[0], "614")  # fictional 555-01xx numbers, a real area code

        def records():
            for n in range(programs - have):
                record = factory.program(metro, zip_pool=all_zips)
                record["name"] = f"{record['name']} {have + n}"
                yield record

        load_program_records(records())
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    connection.close()


def collect_static() -> None:
    if not (ROOT / "staticfiles" / "staticfiles.json").is_file():
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True,
                       env={**os.environ, "PORTAL_ALLOW_INSECURE_KEY": "1", "DJANGO_DEBUG": ""})


# gunicorn ----------------------------------------------------------------------------------------


@dataclass
class Gunicorn:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"


def server_env(url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_ENV_FILE": "/nonexistent",
        "PORTAL_DEMO": "1",
        **extra,
    }


@contextmanager
def gunicorn(url: str, *, workers: int | None = None, log_name: str = "gunicorn", **env: str):
    """Run gunicorn as the README deploys it, on a free loopback port, until the block ends."""
    collect_static()
    port = free_port()
    log = ROOT / "bench" / "results" / f"{log_name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "gunicorn"]
    config = ROOT / "deploy" / "gunicorn.conf.py"
    if config.is_file():
        command += ["-c", str(config)]
    else:  # before deploy/gunicorn.conf.py exists: the same essentials on the command line
        command += ["--worker-class", "gthread", "--threads", "4", "--workers", "5", "--timeout", "30"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--error-logfile", str(log)]
    if workers:
        command += ["--workers", str(workers)]
    command.append("config.wsgi:application")
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=server_env(url, **env), stdout=out, stderr=out,
                                   start_new_session=True)
    server = Gunicorn(process=process, port=port, log=log)
    try:
        wait_until_serving(server, timeout=300)
        yield server
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_serving(server: Gunicorn, *, timeout: float) -> None:
    """Wait until every worker has booted (each loads the ZIP gazetteer) and the home page answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start; see {server.log}")
        try:
            status, _ = fetch(server.host, "/", timeout=10)
            if status == 200:
                for _ in range(20):  # reach the other workers too
                    fetch(server.host, "/", timeout=60)
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {server.log}")


def fetch(host: str, path: str, timeout: float = 30) -> tuple[int, int]:
    connection = http.client.HTTPConnection(host, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


# Traffic -----------------------------------------------------------------------------------------


def public_paths(url: str, count: int = 400) -> list[str]:
    """A realistic mix of public pages and API calls, drawn from the data set."""
    import psycopg

    rng = random.Random(7)
    with psycopg.connect(url) as conn:
        slugs = [row[0] for row in conn.execute(
            "SELECT slug FROM directory_program WHERE status = 'active' ORDER BY random() LIMIT 300")]
        zips = [row[0] for row in conn.execute("SELECT DISTINCT zip_code FROM directory_program LIMIT 2000")]
        articles = [row[0] for row in conn.execute("SELECT slug FROM articles_article LIMIT 20")]
        meetings = [row[0] for row in conn.execute("SELECT slug FROM meetings_meeting LIMIT 100")]
    kinds = [
        (20, lambda: "/"),
        (25, lambda: f"/programs/?near={rng.choice(zips)}&radius={rng.choice([10, 25, 50])}"),
        (10, lambda: f"/programs/?near={rng.choice(zips)}&medication=BU&payment=MD"),
        (8, lambda: f"/programs/?q={rng.choice(['methadone', 'detox', 'spanish', 'residential'])}"),
        (15, lambda: f"/programs/{rng.choice(slugs)}/"),
        (8, lambda: f"/meetings/?near={rng.choice(zips)}&day=today"),
        (3, lambda: f"/meetings/{rng.choice(meetings)}/" if meetings else "/meetings/"),
        (6, lambda: f"/learn/{rng.choice(articles)}/" if articles else "/learn/"),
        (5, lambda: f"/api/services?page={rng.randint(1, 50)}&per_page=20"),
    ]
    weights = [weight for weight, _ in kinds]
    return [rng.choices(kinds, weights)[0][1]() for _ in range(count)]


@dataclass
class Sample:
    started: float
    seconds: float
    status: int  # 0: the connection failed
    path: str


@dataclass
class Traffic:
    """Results of a load run."""

    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def run_traffic(host: str, paths: list[str], *, concurrency: int, seconds: float, traffic: Traffic | None = None,
                stop: threading.Event | None = None) -> Traffic:
    """`concurrency` keep-alive clients request `paths` round-robin for `seconds` (or until `stop` is set)."""
    traffic = traffic or Traffic()
    deadline = time.monotonic() + seconds
    stop = stop or threading.Event()

    def client(offset: int) -> None:
        connection = None
        n = offset
        while time.monotonic() < deadline and not stop.is_set():
            path = paths[n % len(paths)]
            n += concurrency
            started = time.monotonic()
            status = 0
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, timeout=30)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.05)  # a refused connection fails at once: do not spin
            traffic.add(Sample(started=started, seconds=time.monotonic() - started, status=status, path=path))
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return traffic


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def is_error(status: int) -> bool:
    return status == 0 or status >= 500


def summarize(samples: list[Sample], seconds: float) -> dict:
    times = [s.seconds * 1000 for s in samples]
    statuses = Counter(s.status for s in samples)
    return {
        "requests": len(samples),
        "rps": len(samples) / seconds if seconds else 0.0,
        "p50": statistics.median(times) if times else float("nan"),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "errors": sum(count for status, count in statuses.items() if is_error(status)),
        "statuses": dict(sorted(statuses.items())),
    }


def print_summary(label: str, summary: dict) -> None:
    say(f"{label}: {summary['requests']:,} requests, {summary['rps']:.1f} req/s, "
        f"p50 {summary['p50']:.0f} ms, p95 {summary['p95']:.0f} ms, p99 {summary['p99']:.0f} ms, "
        f"errors {summary['errors']} (statuses {summary['statuses']})")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
