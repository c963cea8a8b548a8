"""Shared fixtures: the test settings, the taxonomy, and a real browser for page tests."""
import datetime
import os
import shutil
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests
# (and by the live server thread) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property-based tests: a quick look by default, a deep search on demand (HYPOTHESIS_PROFILE=deep).
# Each example is a real request against PostgreSQL, so the number of examples sets the cost.
_HYPOTHESIS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
hypothesis_settings.register_profile("fast", max_examples=25, **_HYPOTHESIS)
hypothesis_settings.register_profile("deep", max_examples=1000, **_HYPOTHESIS)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PORTAL_DEMO = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def run_jobs(monkeypatch):
    """Run every queued background task with the real database worker (`manage.py db_worker --batch`).

    Tasks are enqueued when a transaction commits; inside a test's transaction that is simulated by
    running the pending on-commit callbacks first. The worker's between-task reconnect is skipped:
    it would close the connection that holds the test's transaction.
    """
    from django.db import connection
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def commit_callbacks() -> None:
        while connection.run_on_commit:
            pending = list(connection.run_on_commit)
            connection.run_on_commit.clear()
            for _, callback, _ in pending:
                callback()

    def run(*, queue_names=("default",)) -> int:
        commit_callbacks()
        worker = db_worker.Worker(
            queue_names=list(queue_names), interval=0, batch=True, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id="pytest", excluded_queue_names=[],
        )
        worker.run()
        commit_callbacks()  # what the tasks queued in turn stays queued for the next run
        return worker._run_tasks

    run.commit_callbacks = commit_callbacks
    return run


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it.")
    from playwright.sync_api import sync_playwright

    from places import geo

    # The live server shares this process: load the ZIP gazetteer once here (the server loads it at
    # startup in production), not inside the first search a test times, which a busy machine slows.
    geo.gazetteer()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class PageRecorder:
    """Everything a page asked for, so tests can assert it stayed on the portal's own host."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))

    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.base_url).netloc
        return [
            url for url in self.requests
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != own
        ]


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on a phone-sized screen, with requests recorded."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.recorder = PageRecorder(page, live_server.url)
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """Run axe-core (shipped inside the axe-playwright-python package) and list its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: "
        f"{[node['target'] for node in violation['nodes'][:3]]})"
        for violation in results.response["violations"]
    ]


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request to a Spanish page leaves Spanish active in the thread: each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _taxonomy_after_flush(request):
    """Transactional tests flush every table, data migrations included: put the default taxonomy back."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from directory.models import Category, Term
        from directory.taxonomy import load_default_taxonomy

        load_default_taxonomy(category_model=Category, term_model=Term)
        # The installation's identifier namespace, made by a data migration too (a worker's read-only
        # snapshot of the database cannot make it).
        from opendata.hsds import forget_namespace
        from opendata.models import IdentifierNamespace

        IdentifierNamespace.objects.get_or_create(pk=1)
        forget_namespace()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rolled-back rows send no signal to clear it)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


def pytest_sessionstart(session):
    """Compile the .po files first, so the suite always tests the Spanish catalogue in the repository."""
    from django.utils.translation import trans_real

    from portal.translations import compile_all

    compile_all()
    trans_real._translations = {}
    trans_real._default = None


def parse_instant(text: str) -> datetime.datetime:
    """An aware instant from ISO 8601 with an offset, or 'YYYY-MM-DD HH:MM Zone/Name' (a wall-clock time there)."""
    stamp, _, zone = text.strip().rpartition(" ")
    if not stamp or not (zone == "UTC" or "/" in zone):
        stamp, zone = text.strip(), ""
    moment = datetime.datetime.fromisoformat(stamp)
    if zone:
        return moment.replace(tzinfo=ZoneInfo(zone))
    if moment.tzinfo is None:
        raise ValueError(f"PORTAL_TEST_NOW={text!r} needs an offset (-05:00) or a zone name (America/New_York)")
    return moment


def pytest_configure(config):
    """Run the whole suite at the instant PORTAL_TEST_NOW names (read by tests/settings.py), the clock ticking on."""
    from django.conf import settings

    text = getattr(settings, "TEST_NOW", "")
    if text:
        moment = parse_instant(text)
        config._portal_clock = time_machine.travel(moment, tick=True)
        config._portal_clock.start()


@pytest.fixture(autouse=True)
def _real_clock_for_other_processes(request):
    """A test marked real_clock starts other processes (a server, a worker), which PORTAL_TEST_NOW does
    not move: it runs on the real clock too, so that what it signs or dates agrees with them."""
    clock = getattr(request.config, "_portal_clock", None)
    if clock is None or request.node.get_closest_marker("real_clock") is None:
        yield
        return
    clock.stop()
    try:
        yield
    finally:
        clock.start()


def pytest_report_header(config):
    from django.conf import settings

    text = getattr(settings, "TEST_NOW", "")
    return f"suite clock: {parse_instant(text).isoformat()} (PORTAL_TEST_NOW)" if text else "suite clock: real time"


@pytest.fixture
def fixed_now():
    """Freeze the whole process's clock at a given instant: fixed_now(datetime) returns it.

    Everything that asks the time (views, querysets, model defaults, the cache) sees the same instant
    until the test ends; a later call moves the clock again.
    """
    travellers = []

    def freeze(moment: datetime.datetime) -> datetime.datetime:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)
        return moment

    yield freeze
    for traveller in travellers:
        traveller.stop()
