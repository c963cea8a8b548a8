"""A real gunicorn, started with deploy/gunicorn.conf.py and the production settings, on the test database."""
import os
import signal
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_HOST = "127.0.0.2"  # any loopback address; the client speaks from another one
CLIENT_HOST = "127.0.0.3"


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = settings_dict.get("PORT") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    url = f"postgres://{auth}{host}{':' + str(port) if port else ''}/{settings_dict['NAME']}"
    socket_dir = (settings_dict.get("OPTIONS") or {}).get("host")  # the embedded server's socket folder
    return f"{url}?host={quote(socket_dir)}" if socket_dir else url


def production_env(settings_dict: dict, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PORTAL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PORTAL_ENV_FILE=os.devnull,  # ignore a developer's .env
        DJANGO_SECRET_KEY="a-test-secret-key-that-is-long-enough-for-check-deploy-0123456789",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS=SERVER_HOST,
        DATABASE_URL=database_url(settings_dict),
        PYTHONWARNINGS="ignore",
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory, django_db_setup, django_db_blocker):
    """collectstatic once, as the README's deployment does (manifest, compressed copies)."""
    from django.db import connection

    root = tmp_path_factory.mktemp("staticfiles")
    with django_db_blocker.unblock():
        env = production_env(connection.settings_dict, DJANGO_STATIC_ROOT=str(root))
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return root


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, env: dict, args: list[str], logs: Path):
        self.port = free_port(SERVER_HOST)
        self.access_log = logs / "access.log"
        self.error_log = logs / "error.log"
        env = dict(env, PORTAL_BIND=f"{SERVER_HOST}:{self.port}",
                   PORTAL_ACCESS_LOG=str(self.access_log), PORTAL_ERROR_LOG=str(self.error_log))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), *args],
            cwd="/", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.error_log.read_text() if self.error_log.exists() else "died"
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("gunicorn did not answer within 60 s")

    def fetch(self, path: str, headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
        connection = HTTPConnection(SERVER_HOST, self.port, timeout=timeout, source_address=(CLIENT_HOST, 0))
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def get(self, path: str, headers: dict | None = None, timeout: float = 30) -> tuple[int, bytes]:
        status, _, body = self.fetch(path, headers, timeout)
        return status, body

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def logs(self) -> str:
        return "".join(path.read_text() for path in (self.access_log, self.error_log) if path.exists())


@pytest.fixture
def gunicorn(transactional_db, collected_static, tmp_path):
    """Start gunicorn with extra command-line options; stopped after the test."""
    from django.db import connection

    started = []

    def start(*args: str, **env) -> Gunicorn:
        server = Gunicorn(
            production_env(connection.settings_dict, DJANGO_STATIC_ROOT=str(collected_static), **env),
            list(args), tmp_path,
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
