"""Lighthouse scores of the main pages, served as in production, on a phone profile.

    .venv/bin/python bench/lighthouse.py            # home, results, program, article, meetings
    .venv/bin/python bench/lighthouse.py --runs 2   # the median of two runs per page

It runs everything on this machine and sends nothing elsewhere: a database named `<your database>_lighthouse`
(created, migrated and given the demo data once, then reused), `collectstatic` into a temporary
folder, gunicorn with deploy/gunicorn.conf.py and the production settings (DEBUG off, WhiteNoise
manifest, compression) on 127.0.0.1, and npm's `lighthouse` driving Debian's Chromium
(CHROME_PATH, default /usr/bin/chromium). Lighthouse is installed with npm into
~/.cache/portal-bench/lighthouse (outside the repository) the first time, or taken from
LIGHTHOUSE_BIN. It prints the four category scores per page, the bytes transferred (the page with all
its assets), and the audits that cost points. Targets: performance 98+, accessibility and best
practices 100, SEO 100 on indexable pages (search results are noindex on purpose), results page under
50 KB and home under 30 KB. CPU-heavy: run it now and then, not in a loop.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "portal-bench" / "lighthouse"
TARGET_KB = {"home": 30, "results": 50}
NOINDEX = {"results"}  # search results carry X-Robots-Tag: noindex by design


def lighthouse_bin() -> str:
    """The lighthouse command: LIGHTHOUSE_BIN, or npm's package installed once into the cache folder."""
    if os.environ.get("LIGHTHOUSE_BIN"):
        return os.environ["LIGHTHOUSE_BIN"]
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            sys.exit("npm is needed to install Lighthouse (apt-get install npm), or set LIGHTHOUSE_BIN.")
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"Installing lighthouse with npm into {CACHE} ...", flush=True)
        subprocess.run(["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--silent", "lighthouse@12"],
                       check=True)
    return str(binary)


def lighthouse_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "").strip()
    if base:
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path="/" + (parts.path.lstrip("/") or "portal") + "_lighthouse"))
    sys.path.insert(0, str(ROOT))
    from portal.database import embedded_database_url

    return embedded_database_url().replace("/postgres?", "/portal_lighthouse?")


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def pages(env: dict) -> dict[str, str]:
    """One address of each kind, taken from the demo data."""
    script = (
        "import json; from directory.models import Program; from articles.models import Article;"
        "p = Program.objects.public().exclude(zip_code='').order_by('name').first();"
        "a = Article.objects.published().order_by('title').first();"
        "print(json.dumps({'program': p.get_absolute_url(), 'zip': p.zip_code, 'article': a.get_absolute_url()}))"
    )
    found = json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])
    return {
        "home": "/",
        "results": f"/programs/?near={found['zip']}&radius=25&medication=BU",
        "program": found["program"],
        "article": found["article"],
        "meetings": "/meetings/",  # the first visit: today's meetings (indexable; a place search is not)
    }


def run_lighthouse(binary: str, url: str, out: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    subprocess.run(
        [binary, url, "--quiet", "--output=json", f"--output-path={out}", "--form-factor=mobile",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"],
        check=True, env=env, timeout=300,
    )
    return json.loads(out.read_text())


def losses(report: dict) -> list[str]:
    """The audits that cost points in a category that is not perfect."""
    found = []
    for name in CATEGORIES:
        category = report["categories"][name]
        if category["score"] is not None and category["score"] >= 1:
            continue
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit.get("score") is not None and audit["score"] < 1:
                found.append(f"{name}: {audit['id']} ({audit['title']}) {audit.get('displayValue', '')}".rstrip())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is shown).")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    binary = lighthouse_bin()
    database = lighthouse_database_url()
    ensure_database(database)
    static_root = Path(tempfile.mkdtemp(prefix="portal-lighthouse-static-"))
    reports = Path(tempfile.mkdtemp(prefix="portal-lighthouse-reports-"))
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", PORTAL_ENV_FILE=os.devnull, DATABASE_URL=database,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(static_root), PORTAL_BIND=f"127.0.0.1:{port}", PORTAL_ACCESS_LOG="/dev/null",
        PYTHONWARNINGS="ignore",
    )
    manage(env, "migrate", "--noinput")
    manage(dict(env, PORTAL_DEMO="1"), "load_demo", "--if-empty")
    manage(env, "collectstatic", "--noinput")
    addresses = pages(env)

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--workers", str(args.workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urlopen(base + "/healthz", timeout=2)  # noqa: S310  (our own server on 127.0.0.1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("gunicorn did not start")
        for path in addresses.values():  # warm up each worker's caches
            for _ in range(args.workers * 2):
                urlopen(base + path, timeout=30).read()  # noqa: S310

        print(f"{'page':<10} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'seo':>5} {'KB':>7}  target")
        problems = []
        for page, path in addresses.items():
            runs = [run_lighthouse(binary, base + path, reports / f"{page}-{n}.json") for n in range(args.runs)]
            scores = {name: statistics.median(round(r["categories"][name]["score"] * 100) for r in runs)
                      for name in CATEGORIES}
            kilobytes = statistics.median(r["audits"]["total-byte-weight"]["numericValue"] for r in runs) / 1024
            target = []
            if page in TARGET_KB:
                target.append(f"< {TARGET_KB[page]} KB {'ok' if kilobytes < TARGET_KB[page] else 'MISSED'}")
            if page in NOINDEX:
                target.append("noindex by design")
            print(f"{page:<10} {scores['performance']:>5} {scores['accessibility']:>5} "
                  f"{scores['best-practices']:>5} {scores['seo']:>5} {kilobytes:>7.1f}  {'; '.join(target)}", flush=True)
            problems += [f"{page}: {line}" for line in losses(runs[-1])
                         if not (page in NOINDEX and "is-crawlable" in line)]
        if problems:
            print("\nAudits that cost points:")
            for line in problems:
                print("  " + line)
        print(f"\nReports (JSON): {reports}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
