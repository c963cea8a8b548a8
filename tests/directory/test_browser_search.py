"""Finding the nearest program from the navigation, and typed needs, in a real browser."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations
from tests.factories import CVILLE, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alphabet_trap(transactional_db):
    # Alphabetical order would put the far program first.
    make_program(name="Aardvark Recovery (far)", latitude=CVILLE[0] + 0.3, longitude=CVILLE[1], terms=["BU", "MD"])
    make_program(name="Zephyr Clinic (nearest)", latitude=CVILLE[0] + 0.01, longitude=CVILLE[1], terms=["BU"])
    make_program(name="Middle Counseling", latitude=CVILLE[0] + 0.1, longitude=CVILLE[1], terms=["METH", "MD"])


def test_find_treatment_then_a_zip_lists_the_nearest_first(page, alphabet_trap):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find treatment").click()
    expect(page.get_by_label("Sort by")).to_have_value("")  # nothing preselected: "Nearest first"
    page.get_by_label("ZIP code or city").fill("22902")
    page.get_by_role("button", name="Update results").click()
    cards = page.get_by_role("article")
    expect(cards).to_have_count(3)
    expect(cards.nth(0)).to_contain_text("Zephyr Clinic (nearest)")
    expect(cards.nth(2)).to_contain_text("Aardvark Recovery (far)")
    assert axe_violations(page) == []
    assert page.recorder.foreign_requests() == [] and page.context.cookies() == []


def test_typed_needs_show_as_removable_chips(page, alphabet_trap):
    page.goto("/")
    page.get_by_label("ZIP code or city").fill("22902")
    page.get_by_label(re.compile("^Keywords")).fill("bupe medicaid")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"near=22902.*medication=BU&payment=MD"))
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("article")).to_contain_text("Aardvark Recovery (far)")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Remove Medicaid").click()
    expect(page).not_to_have_url(re.compile("payment="))
    cards = page.get_by_role("article")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Zephyr Clinic (nearest)")


def test_nothing_found_offers_broader_searches(page, alphabet_trap):
    page.goto("/programs/?near=22902&radius=5&medication=METH&payment=MD")
    expect(page.get_by_role("heading", name="No programs match this search")).to_be_visible()
    page.get_by_role("link", name="Within 10 miles").click()
    expect(page.get_by_role("article")).to_contain_text("Middle Counseling")
    assert axe_violations(page) == []
