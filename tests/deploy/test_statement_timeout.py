"""Web requests are bounded by PostgreSQL's statement_timeout (PORTAL_STATEMENT_TIMEOUT_MS); management
commands, which legitimately run long, are not.

A query held up behind a lock (as an import or a migration can hold one) stands for a slow query:
under gunicorn as deployed, the page answers at once with an explanation instead of waiting for the
lock or for gunicorn's own timeout.
"""
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import connection

from tests.deploy.conftest import ROOT, production_env
from tests.factories import make_program

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]

SEARCH = "/programs/?near=22902&medication=BU"


def test_a_slow_query_in_a_web_request_answers_an_explanation_instead_of_hanging(gunicorn):
    make_program(name="Timeout Test Clinic", terms=["BU"])
    server = gunicorn("--workers", "1", PORTAL_STATEMENT_TIMEOUT_MS="500")
    status, body = server.get(SEARCH)
    assert status == 200 and b"Timeout Test Clinic" in body

    blocker = psycopg.connect(**connection.get_connection_params())
    try:
        blocker.execute("LOCK TABLE directory_program IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        status, headers, body = server.fetch(SEARCH, timeout=15)
        waited = time.monotonic() - started
        status_es, _, body_es = server.fetch("/es" + SEARCH, timeout=15)
    finally:
        blocker.rollback()
        blocker.close()
    page = body.decode()
    assert status == 503 and headers["Retry-After"] == "5"
    assert "this page took too long to prepare" in page and "try again in a moment" in page
    assert "988" in page  # the helplines, as on every error page
    assert waited < 10, f"the page took {waited:.1f} s"
    assert status_es == 503 and "tardó demasiado" in body_es.decode()

    status, body = server.get(SEARCH)  # the lock is gone: the same worker answers normally
    assert status == 200 and b"Timeout Test Clinic" in body


MANAGEMENT_QUERY = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    print("timeout", cursor.fetchone()[0])
    cursor.execute("SELECT pg_sleep(1.5)")
    print("slept")
"""


def test_management_commands_are_not_cut():
    env = production_env(connection.settings_dict, PORTAL_STATEMENT_TIMEOUT_MS="500")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", MANAGEMENT_QUERY], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "timeout 0" in result.stdout and "slept" in result.stdout


WEB_PROCESS_QUERY = """
import config.wsgi
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    print("timeout", cursor.fetchone()[0])
"""


def test_the_web_entry_point_sets_the_bound_from_the_setting():
    env = production_env(connection.settings_dict)
    for configured, shown in ((None, "5s"), ("2500", "2500ms"), ("0", "0")):
        run_env = dict(env, **({"PORTAL_STATEMENT_TIMEOUT_MS": configured} if configured else {}))
        result = subprocess.run([sys.executable, "-c", WEB_PROCESS_QUERY], cwd=ROOT, env=run_env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        assert f"timeout {shown}" in result.stdout
