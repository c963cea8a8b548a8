"""Quick exit, as someone who must leave the site in a hurry uses it."""
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def exit_page(settings, live_server):
    # A neutral page of the test server stands in for the weather site (no request leaves the machine).
    settings.PORTAL_QUICK_EXIT_URL = f"{live_server.url}/healthz"
    make_program(name="Harbor Recovery", terms=["BU"])
    Client().get("/programs/?near=22902")  # the first search loads the gazetteer: not what is tested here
    return settings.PORTAL_QUICK_EXIT_URL


def search(page):
    page.goto("/")
    page.get_by_label("ZIP code or city").fill("22902")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/programs/\?"))
    page.wait_for_load_state("load")  # the page's script (which listens for Escape) has run


def test_quick_exit_replaces_the_search_in_the_history(page, exit_page):
    search(page)
    page.get_by_role("link", name=re.compile("Quick exit")).click()
    expect(page).to_have_url(exit_page)
    page.go_back()
    # Back leads to the page before the search, never to the search itself.
    assert "/programs/" not in page.url


def test_pressing_escape_twice_leaves_too(page, exit_page):
    search(page)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(page).to_have_url(exit_page)
    page.go_back()
    assert "/programs/" not in page.url


def test_quick_exit_works_without_javascript(browser, live_server, exit_page):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    search(page)
    page.get_by_role("link", name=re.compile("Quick exit")).click()
    expect(page).to_have_url(exit_page)
    context.close()
