"""A person reading articles in a real browser: from the index to an article to programs that offer the service."""
import re

import pytest
from playwright.sync_api import expect

from articles.demo import load_demo_articles
from directory.models import Category, Term
from directory.taxonomy import load_default_taxonomy
from tests.conftest import axe_violations
from tests.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library(transactional_db):
    # Transactional tests empty the tables afterwards, so the taxonomy the migrations made may be gone.
    load_default_taxonomy(category_model=Category, term_model=Term)
    load_demo_articles()
    return {
        "bup": make_program(name="Riverside Buprenorphine Clinic", terms=["BU", "OP"]),
        "counseling": make_program(name="Hillside Counseling Center", terms=["ORT"]),
    }


def assert_private(page) -> None:
    assert page.recorder.foreign_requests() == []
    assert page.context.cookies() == []


def test_read_an_article_and_follow_its_call_to_action_to_results(page, live_server, library):
    page.goto("/learn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn about opioid use and treatment")
    page.get_by_role("link", name="How buprenorphine works and what to expect").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("How buprenorphine works and what to expect")
    review_line = "Demo content, not reviewed by a clinician: checked against its sources on December 7, 2026"
    expect(page.get_by_text(review_line)).to_be_visible()
    contents = page.get_by_role("navigation", name="On this page")
    contents.get_by_role("link", name="Starting buprenorphine safely").click()
    expect(page.get_by_role("heading", name="Starting buprenorphine safely")).to_be_in_viewport()

    page.get_by_role("link", name="Find programs offering buprenorphine near you").first.click()
    page.wait_for_url(re.compile(r"/programs/\?medication=BU$"))
    results = page.get_by_role("heading", name=re.compile(r"^1 program found"))
    expect(results).to_be_visible()
    expect(page.get_by_role("link", name="Riverside Buprenorphine Clinic")).to_be_visible()
    expect(page.get_by_role("link", name="Hillside Counseling Center")).to_have_count(0)

    page.get_by_text("Change search").click()
    page.get_by_label("ZIP code or city").fill("22902")
    page.get_by_role("button", name="Update results").click()
    page.wait_for_url(re.compile(r"near=22902"))
    assert "medication=BU" in page.url
    expect(page.get_by_role("heading", name=re.compile(r"^1 program found"))).to_be_visible()
    expect(page.get_by_role("link", name="Riverside Buprenorphine Clinic")).to_be_visible()
    assert_private(page)


def test_search_articles_from_the_index(page, live_server, library):
    page.goto("/learn/")
    page.get_by_label("Search the articles").fill("naloxone overdose")
    page.get_by_role("button", name="Search").click()
    heading = page.get_by_role("heading", level=2, name=re.compile(r"articles? about “naloxone overdose”"))
    expect(heading).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    page.get_by_role("link", name="Naloxone and overdose, what everyone should know").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Naloxone and overdose, what everyone should know")
    assert_private(page)


@pytest.mark.parametrize(
    "path",
    [
        "/learn/",
        "/learn/buprenorphine/",
        "/learn/choosing-a-medication/",
        "/learn/search/?q=withdrawal",
        "/learn/search/?q=zzzz",
        "/learn/search/?q=%00&utm_source=x",
        "/learn/faq/",
        "/learn/topic/medications/",
    ],
)
def test_article_pages_pass_axe_and_stay_private(page, live_server, library, path):
    page.goto(path)
    assert axe_violations(page) == []
    assert_private(page)
    # Nothing (such as the comparison table) makes a phone-sized screen scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_article_can_be_printed(page, live_server, library):
    page.goto("/learn/methadone/")
    expect(page.get_by_role("button", name="Print this article")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name=re.compile("Find methadone clinics")).first).to_be_hidden()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
