"""Several app servers share one Redis cache: a save on one server is seen by the others at once.

A second process stands for another app server: it reads the taxonomy and the time zones in use
through the portal's own functions, with the same CACHE_URL (a real Redis, 127.0.0.1:6379 unless
PORTAL_TEST_REDIS_URL names another). This process saves in the admin's way (model saves, whose
signals clear the shared entries); the other process's next read shows the change, well within the
minute its cached copy would otherwise have lasted.
"""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from directory.models import Category, Term
from tests.meetings.conftest import reference_data  # noqa: F401 (the fellowships a meeting needs)
from tests.meetings.factories import make_meeting
from tests.opendata.test_worker_process import database_url

pytestmark = pytest.mark.real_clock  # it starts other processes, which the suite clock does not move

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

OTHER_SERVER = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.conf import settings
# CACHE_URL names the server; the key prefix keeps this test's entries apart from anyone else's.
settings.CACHES["default"]["KEY_PREFIX"] = os.environ["TEST_CACHE_PREFIX"]
from directory.filters import load_categories
from meetings.models import zones_in_use
for line in sys.stdin:
    terms = sorted(term.name for entry in load_categories() for term in entry.terms)
    print(json.dumps({"terms": terms, "zones": zones_in_use()}), flush=True)
"""


def redis_reachable() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"the shared-cache tests need a Redis server at {REDIS_URL} ({error}); start one, or set "
                    "PORTAL_TEST_REDIS_URL")


@pytest.fixture
def shared_cache(transactional_db):
    """This process and another one on the same Redis, under a key prefix of this test's own."""
    redis_reachable()
    prefix = f"test-{uuid.uuid4().hex}"
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": prefix}}
    env = {**os.environ, "DATABASE_URL": database_url(), "CACHE_URL": REDIS_URL, "TEST_CACHE_PREFIX": prefix,
           "DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_ALLOW_INSECURE_KEY": "1",
           "PORTAL_ENV_FILE": "/nonexistent", "PYTHONWARNINGS": "ignore"}
    other = subprocess.Popen([sys.executable, "-c", OTHER_SERVER], cwd=ROOT, env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def read_other() -> dict:
        other.stdin.write("read\n")
        other.stdin.flush()
        line = other.stdout.readline()
        assert line, "the other server process stopped"
        return json.loads(line)

    with override_settings(CACHES=caches):
        from django.core.cache import cache

        try:
            yield read_other
        finally:
            cache.delete_many(["directory:taxonomy", "meetings:zones-in-use:default"])
            other.stdin.close()
            other.wait(timeout=20)


def test_saves_here_are_seen_by_the_other_server_at_once(shared_cache):
    from django.core.cache import cache

    before = shared_cache()
    assert "Hyperbaric aftercare" not in before["terms"] and "Pacific/Honolulu" not in before["zones"]
    assert cache.get("directory:taxonomy") is not None  # the other server filled the shared entry

    # A new term, a renamed term, a meeting in a new time zone: each shows on the other server's next read.
    Term.objects.create(category=Category.objects.first(), code="HYPX", name="Hyperbaric aftercare")
    assert "Hyperbaric aftercare" in shared_cache()["terms"]

    term = Term.objects.exclude(code="HYPX").first()
    term.name = "Renamed for the shared cache test"
    term.save()
    assert "Renamed for the shared cache test" in shared_cache()["terms"]

    make_meeting(timezone="Pacific/Honolulu")
    assert "Pacific/Honolulu" in shared_cache()["zones"]
    assert connection.settings_dict["NAME"].startswith("test_")
