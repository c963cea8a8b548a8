"""gunicorn as the README deploys it: nothing private in its logs, and no 500 after a database restart."""
import json
import threading

import psycopg
import pytest
from django.db import connection

from tests.deploy.conftest import CLIENT_HOST, SERVER_HOST
from tests.factories import make_program

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]

SEARCH = "/programs/?near=22902&radius=25&medication=METH"
SECRETS = ["22902", "medication=", "near=", "Charlottesville", "hidingplace", CLIENT_HOST, "203.0.113.7"]


def test_logs_hold_no_search_and_no_address_even_for_a_request_aborted_at_the_timeout(gunicorn):
    make_program(name="Methadone Clinic for Pregnant Women", terms=["METH"])
    # One sync worker with a 3-second timeout, so that a blocked request is aborted by gunicorn.
    server = gunicorn("--worker-class", "sync", "--threads", "1", "--workers", "1", "--timeout", "3")

    status, body = server.get(SEARCH, headers={
        "Referer": "https://treatment.example.org/programs/?near=hidingplace",
        "X-Forwarded-For": "203.0.113.7",
        "User-Agent": "test near=22902",
    })
    assert status == 200 and b"Methadone Clinic for Pregnant Women" in body

    # A request stuck behind a lock until gunicorn aborts the worker.
    blocker = psycopg.connect(**connection.get_connection_params())
    try:
        blocker.execute("LOCK TABLE directory_program IN ACCESS EXCLUSIVE MODE")
        outcome = {}

        def aborted_request():
            try:
                outcome["status"] = server.get("/programs/?near=Charlottesville%2C+VA&medication=BU&sort=name", timeout=20)[0]
            except OSError as error:
                outcome["error"] = error

        thread = threading.Thread(target=aborted_request)
        thread.start()
        thread.join(25)
    finally:
        blocker.rollback()
        blocker.close()
    assert outcome.get("status", 500) >= 500 or "error" in outcome

    assert server.get("/healthz")[0] == 200
    server.stop()

    access = server.access_log.read_text()
    errors = server.error_log.read_text()
    assert '"GET /programs/ HTTP/1.1" 200' in access  # the path is logged, the query is not
    assert f"Listening at: http://{SERVER_HOST}:" in errors  # the server's own address stays
    assert "WORKER TIMEOUT" in errors and "Error handling request GET /programs/?[redacted]" in errors
    for secret in SECRETS:
        assert secret not in access + errors, f"{secret!r} written to a gunicorn log"


def test_first_request_after_the_database_drops_every_connection_is_not_an_error(gunicorn):
    make_program(name="Open Door Recovery", terms=["BU"])
    server = gunicorn("--workers", "1", "--threads", "2")
    for _ in range(4):  # every thread holds a kept connection
        assert server.get(SEARCH)[0] == 200

    # What a PostgreSQL restart does to the kept connections.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1

    statuses = [server.get(SEARCH)[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 200]
    assert server.get("/healthz")[0] == 200


def test_health_endpoints_tell_a_load_balancer_when_the_database_is_away(gunicorn):
    server = gunicorn("--workers", "1")
    for path in ("/healthz", "/readyz"):
        status, body = server.get(path)
        assert status == 200 and json.loads(body)["status"] == "ok"

    unreachable = gunicorn("--workers", "1", DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere")
    for path in ("/healthz", "/readyz"):
        status, body = unreachable.get(path)
        assert status == 503
        assert json.loads(body) == {"status": "unavailable", "database": "unreachable"}


def test_pages_are_compressed_and_static_files_cached_for_a_year_but_staff_pages_are_not_compressed(gunicorn):
    import gzip
    import re

    make_program(name="Harbor Recovery", terms=["BU"])
    server = gunicorn("--workers", "1")
    connection_headers = {"Accept-Encoding": "gzip"}

    status, headers, body = server.fetch("/", connection_headers)
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    home = gzip.decompress(body).decode()
    status, headers, body = server.fetch(SEARCH, connection_headers)
    assert status == 200 and headers.get("Content-Encoding") == "gzip"

    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', home).group(1)
    status, headers, _ = server.fetch(stylesheet, connection_headers)
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1)) >= 365 * 24 * 3600

    # The sign-in page carries a CSRF token: never compressed (BREACH).
    status, headers, _ = server.fetch("/admin/login/", connection_headers)
    assert status == 200 and "Content-Encoding" not in headers
