"""A Redis outage costs speed, not pages: with the shared cache stopped every page still answers.

The portal runs on a Redis server of this test's own (`redis-server` on a free port, nothing saved
to disk), which the test kills in the middle, as an operator's Redis would stop. The machine's
shared Redis is never touched. A second test points the cache at a port where nothing listens.
"""
import logging
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from directory.models import Term
from tests.factories import make_program
from tests.meetings.conftest import reference_data  # noqa: F401 (the fellowships a meeting needs)
from tests.meetings.factories import make_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.real_clock]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
SEARCH_WORDS = "quietlyhiddenword"  # what a visitor typed: must never reach a log
PAGES = [
    "/",
    f"/programs/?near=22902&q={SEARCH_WORDS}",
    "/programs/?near=22902&medication=BU",
    "/es/programs/?near=22902",
    "/meetings/?near=21201",
    "/learn/",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resilient_cache(url: str) -> dict:
    return {
        "default": {"BACKEND": "portal.cache_backends.ResilientRedisCache", "LOCATION": url,
                    "KEY_PREFIX": "outage-test"},
        "template_fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"},
    }


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own; `.stop()` kills it (SIGKILL, as a crash would)."""
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("redis-server is needed for the cache outage test: run `make test`, which installs it")
    import redis

    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
            break
        except redis.RedisError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)

    def stop() -> None:
        process.kill()
        process.wait(timeout=10)

    process.url = url
    process.stop = stop
    yield process
    if process.poll() is None:
        stop()


@pytest.fixture
def programs_and_meetings(reference_data):  # noqa: F811
    make_program(terms=["BU", "NAL"], name="Outage Test Clinic")
    make_meeting(name="Outage Test Meeting")


def save_a_term_in_the_admin(admin_client) -> int:
    term = Term.objects.get(code="NAL")
    url = reverse("admin:directory_term_change", args=[term.pk])
    opened = admin_client.get(url)
    assert opened.status_code == 200
    response = admin_client.post(url, {
        "opened_version": opened.context["adminform"].form.initial["opened_version"],
        "category": term.category_id, "code": "NAL", "name": "Naloxone (renamed during the outage)",
        "name_es": "", "description": "", "position": term.position, "synonyms": "narcan", "synonyms_es": "",
        "samhsa_labels": "",
    })
    return response.status_code


def test_pages_answer_while_redis_is_stopped_and_readyz_says_degraded(
    private_redis, programs_and_meetings, client, admin_client, caplog
):
    with override_settings(CACHES=resilient_cache(private_redis.url)):
        cache = caches["default"]
        for path in PAGES:
            assert client.get(path).status_code == 200, path
        assert cache.get("directory:taxonomy:version") is not None  # the pages really used Redis
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["cache"] == "ok"

        private_redis.stop()  # Redis stops in the middle of the day
        client.raise_request_exception = False
        admin_client.raise_request_exception = False
        caplog.set_level(logging.INFO)

        started = time.monotonic()
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
        search = client.get("/programs/?near=22902&medication=BU").content.decode()
        assert "Outage Test Clinic" in search
        assert "Outage Test Meeting" in client.get("/meetings/?near=21201").content.decode()
        assert save_a_term_in_the_admin(admin_client) == 302
        assert Term.objects.get(code="NAL").name == "Naloxone (renamed during the outage)"
        # The renamed service shows at once: nothing stale is served from a cache that is gone.
        assert "Naloxone (renamed during the outage)" in client.get("/programs/?near=22902").content.decode()
        assert time.monotonic() - started < 20  # no request waits long for the lost server

        # Alive, but not at full strength: the load balancer keeps the server, the monitor sees why.
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "degraded", "database": "ok", "migrations": "applied", "cache": "unreachable"}

    cache_lines = [record.getMessage() for record in caplog.records if record.name == "portal.cache"]
    assert len(cache_lines) == 1, cache_lines  # logged once for the outage, not once per request
    assert "cannot be reached" in cache_lines[0]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert SEARCH_WORDS not in logged and "22902" not in logged and "21201" not in logged


def test_a_cache_where_nothing_listens_is_a_miss_not_an_error(client, programs_and_meetings):
    with override_settings(CACHES=resilient_cache("redis://127.0.0.1:1/0")):
        cache = caches["default"]
        assert cache.get("anything", "default") == "default"
        cache.set("anything", 1)
        assert cache.get_many(["anything"]) == {}
        assert cache.add("anything", 1) is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        cache.delete_many(["a", "b"])
        with pytest.raises(ValueError):
            cache.incr("anything")
        for path in PAGES:
            assert client.get(path).status_code == 200, path
        assert client.get("/readyz").json()["cache"] == "unreachable"


OPERATOR_SETUP = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(raise_request_exception=False)
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "home": client.get("/").status_code,
                  "readyz": client.get("/readyz").json()}))
"""


@pytest.mark.django_db(transaction=True)
def test_cache_url_naming_redis_selects_the_degrading_backend():
    """Configured as an operator would (CACHE_URL in the environment), with that Redis down."""
    import json
    import os
    import sys
    from pathlib import Path

    from tests.opendata.test_worker_process import database_url

    env = {**os.environ, "DATABASE_URL": database_url(), "CACHE_URL": "redis://127.0.0.1:1/1",
           "DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_ALLOW_INSECURE_KEY": "1",
           "PORTAL_ENV_FILE": "/nonexistent", "PYTHONWARNINGS": "ignore", "DJANGO_ALLOWED_HOSTS": "testserver",
           "DJANGO_DEBUG": "1"}
    result = subprocess.run([sys.executable, "-c", OPERATOR_SETUP], cwd=Path(__file__).resolve().parents[2],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["backend"] == "portal.cache_backends.ResilientRedisCache"
    assert seen["home"] == 200
    assert seen["readyz"]["status"] == "degraded" and seen["readyz"]["cache"] == "unreachable"
