"""A person on a phone finds treatment, in a real browser (Debian's Chromium driven by Playwright)."""
import re

import pytest
from playwright.sync_api import expect

from places.weekdays import Weekday
from tests.conftest import axe_violations
from tests.factories import CVILLE, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programs(transactional_db):
    make_program(name="Far Bupe Clinic", latitude=CVILLE[0] + 0.2, longitude=CVILLE[1], phone="(434) 555-0111",
                 terms=["BU", "MD", "ORT", "OP"], hours=[(Weekday.MONDAY, "09:00", "17:00")])
    make_program(name="Near Bupe Clinic", latitude=CVILLE[0] + 0.01, longitude=CVILLE[1], phone="(434) 555-0122",
                 terms=["BU", "MD", "OIT", "OP"], accepting_new_patients=True)
    make_program(name="Methadone Only", terms=["METH", "OTP", "MD"])


def test_zip_then_medication_then_nearest_program_then_call(page, programs):
    page.goto("/")
    assert axe_violations(page) == []
    page.get_by_label("ZIP code or city").fill("22902")
    page.get_by_label("How far can you travel?").select_option(label="Within 25 miles")
    page.get_by_text("Type of care, medication, payment").click()  # folded, so the button is on a phone's first screen
    page.get_by_label("Buprenorphine (Suboxone and others)").check()
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"near=22902.*medication=BU"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("within 25 miles of 22902")
    cards = page.get_by_role("article")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Near Bupe Clinic")
    expect(cards.nth(1)).to_contain_text("Far Bupe Clinic")
    expect(cards.nth(0)).to_contain_text("mi away")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Near Bupe Clinic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Near Bupe Clinic")
    call = page.get_by_role("link", name="Call (434) 555-0122")
    expect(call).to_have_attribute("href", "tel:+14345550122")
    assert axe_violations(page) == []

    assert page.recorder.foreign_requests() == []
    assert page.context.cookies() == []


def test_the_shared_url_reproduces_the_search(page, programs):
    page.goto("/programs/?near=22902&radius=25&medication=BU&payment=MD")
    expect(page.get_by_role("article")).to_have_count(2)
    expect(page.get_by_label("ZIP code or city")).to_have_value("22902")
    page.get_by_text("Change search").click()
    page.get_by_text("More filters").click()
    expect(page.get_by_role("checkbox", name=re.compile(r"^Medicaid"))).to_be_checked()


def test_unknown_place_and_empty_results_are_explained(page, programs):
    page.goto("/programs/?near=Charlotesville%2C+VA")
    expect(page.get_by_text("We could not find Charlotesville, VA")).to_be_visible()
    page.get_by_role("link", name="Charlottesville, VA").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Charlottesville, VA")
    page.goto("/programs/?near=22902&radius=5&care=HH")
    expect(page.get_by_role("heading", name="No programs match this search")).to_be_visible()
    assert axe_violations(page) == []


def test_use_my_location_fills_the_field_only_when_asked(browser, live_server, programs):
    context = browser.new_context(
        base_url=live_server.url, geolocation={"latitude": 38.031234, "longitude": -78.476789},
        permissions=["geolocation"], viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    page.goto("/")
    field = page.get_by_label("ZIP code or city")
    expect(field).to_have_value("")
    page.get_by_role("button", name="Use my location").click()
    expect(field).to_have_value("38.03,-78.48")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("your location")
    context.close()


def test_works_without_javascript_and_quick_exit_is_a_plain_link(browser, live_server, programs):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
    exit_link = page.get_by_role("link", name=re.compile("Quick exit"))
    expect(exit_link).to_have_attribute("href", "https://www.weather.gov/")
    page.get_by_label("ZIP code or city").fill("Charlottesville, VA")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("article")).to_have_count(3)
    context.close()


def test_crisis_lines_are_on_every_page(page, programs):
    for path in ["/", "/programs/", "/about/", "/programs/?near=22902"]:
        page.goto(path)
        crisis = page.get_by_role("complementary", name="Crisis lines")
        expect(crisis.get_by_role("link", name=re.compile("988"))).to_have_attribute("href", "tel:988")
        expect(crisis.get_by_role("link", name=re.compile("1-800-662-4357"))).to_have_attribute("href", "tel:+18006624357")
        expect(crisis.get_by_role("link", name=re.compile("911"))).to_have_attribute("href", "tel:911")
    assert page.context.cookies() == []


def test_pages_are_light(page, programs):
    sizes = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto("/programs/?near=22902")
    page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    assert total < 80_000, sizes


def test_report_a_problem_from_a_listing(page, programs):
    from directory.models import ProblemReport

    page.goto("/programs/?near=22902&medication=BU")
    page.get_by_role("link", name="Near Bupe Clinic").click()
    page.get_by_role("link", name="Report a problem with this listing").click()
    assert axe_violations(page) == []
    page.get_by_label("The phone number is wrong").check()
    page.get_by_label("Tell us more (optional)").fill("They answer on 555-0199 now.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    assert axe_violations(page) == []
    report = ProblemReport.objects.get()
    assert (report.kind, report.details, report.program.name) == (
        "wrong_phone", "They answer on 555-0199 now.", "Near Bupe Clinic"
    )
    assert page.context.cookies() == []
    assert page.recorder.foreign_requests() == []
