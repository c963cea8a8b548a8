"""The servers' own access logs never hold a visitor's search (and so their location) or address.

These tests start the real servers in a child process, send a search, and read what each server
wrote: Django's development server (the `django.server` logger and its StripQueryStringFilter) and
gunicorn run exactly as the README's deployment step shows it.
"""
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.real_clock  # it starts other processes, which the suite clock does not move

ROOT = Path(__file__).resolve().parents[2]
SEARCH = "/programs/?near=Baltimore%2C+MD&q=methadone+tonight&radius=10"
SECRETS = ("Baltimore", "methadone", "tonight", "near=", "radius=")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def readme_gunicorn_command() -> list[str]:
    """The gunicorn command of the README's deployment steps, as written there."""
    match = re.search(r"Run `(gunicorn [^`]+)`", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert match, "the README's deployment steps no longer show a gunicorn command"
    return shlex.split(match.group(1))


def server_environment() -> dict[str, str]:
    """The test database (so the search page can run) and development settings (no static manifest)."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings", "DJANGO_DEBUG": "1",
            "PYTHONUNBUFFERED": "1"}


def run_and_open(command: list[str], port: int, paths: list[str], *, missing: tuple[str, ...] = ()) -> str:
    """Start a server, open each path once it answers (those in `missing` may answer 404), stop it,
    and return everything it printed."""
    process = subprocess.Popen(command, cwd=ROOT, env=server_environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{process.communicate()[0]}")
                time.sleep(0.3)
        for path in paths:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
                    assert response.status == 200
            except urllib.error.HTTPError as error:
                assert error.code == 404 and path in missing, f"{path}: {error.code}"
        time.sleep(0.5)  # let the log lines reach the pipe
    finally:
        process.terminate()
        try:
            output = process.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0]
    return output


def run_and_search(command: list[str], port: int) -> str:
    """Start a server, search once when it answers, stop it, and return everything it printed."""
    return run_and_open(command, port, [SEARCH])


@pytest.mark.django_db(transaction=True)
def test_development_server_log_has_no_search():
    port = free_port()
    output = run_and_search(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"], port
    )
    assert '"GET /programs/?[redacted] HTTP/1.1" 200' in output  # the search was logged, without its query
    for secret in SECRETS:
        assert secret not in output


@pytest.mark.django_db(transaction=True)
def test_gunicorn_as_deployed_logs_no_search_and_no_address():
    port = free_port()
    command = readme_gunicorn_command()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "1"
    command = [sys.executable, "-m", "gunicorn", *command[1:], "--access-logfile", "-"]
    output = run_and_search(command, port)
    access = [line for line in output.splitlines() if "/programs/" in line]
    assert access, output  # the search was logged
    for secret in SECRETS:
        assert secret not in output
    assert "127.0.0.1" not in "\n".join(access)  # no visitor address either
