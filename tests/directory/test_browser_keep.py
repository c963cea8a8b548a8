"""In a real browser: the map with and without JavaScript, saving programs on the device and seeing
them offline, and sharing."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PageRecorder, axe_violations
from tests.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BALTIMORE = (39.2904, -76.6122)


@pytest.fixture
def programs(transactional_db):
    made = []
    for index, (dlat, dlng) in enumerate([(0.01, 0), (0.05, 0.05), (-0.08, 0.02)]):
        made.append(make_program(
            name=f"Harbor Clinic {index + 1}", street1="" if index == 2 else f"{index + 1} Pratt St", city="Baltimore",
            state="MD", zip_code="21201", latitude=BALTIMORE[0] + dlat, longitude=BALTIMORE[1] + dlng,
            phone=f"(410) 555-01{index + 10}", terms=["OP", "BU"],
        ))
    make_program(name="Statewide Video Care", city="Cumberland", state="MD", zip_code="21502", latitude=39.65,
                 longitude=-78.76, telehealth_states=["MD"], terms=["TELE", "BU"])
    return made


def check_map(page, programs, *, axe: bool = True):
    """The map as a person sees it (axe needs script in the page: checked where JavaScript runs)."""
    page.goto("/programs/?near=21201&radius=10")
    listed = page.get_by_role("list").filter(has=page.get_by_role("link", name="Harbor Clinic 1", exact=True)).first
    expect(listed.get_by_role("article")).to_have_count(3)
    figure = page.get_by_role("img", name=re.compile("^Map of the programs listed"))
    expect(figure).to_be_visible()
    markers = page.locator("a.map-marker")
    expect(markers).to_have_count(3)
    for number, program in enumerate(programs, start=1):
        marker = page.locator(f'a.map-marker[data-marker="{number}"]')
        expect(marker).to_have_attribute("href", re.compile(f"^/programs/{program.slug}/"))
    expect(page.locator("a.map-marker.is-approximate")).to_have_count(1)
    expect(page.get_by_role("heading", name="Telehealth: serves Maryland")).to_be_visible()
    assert not axe or axe_violations(page) == []
    page.locator('a.map-marker[data-marker="2"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Clinic 2")
    expect(page.get_by_role("img", name=re.compile(r"^Map of the location of Harbor Clinic 2\. Scale: \d+ miles\.$"))).to_be_visible()
    assert not axe or axe_violations(page) == []
    assert page.recorder.foreign_requests() == []


def test_the_map_with_javascript(page, programs):
    check_map(page, programs)


def test_the_map_without_javascript(browser, live_server, programs):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url,
                                  java_script_enabled=False)
    page = context.new_page()
    page.recorder = PageRecorder(page, live_server.url)
    check_map(page, programs, axe=False)
    # Without JavaScript the Save button is not shown, and the page says why.
    expect(page.get_by_role("button", name="Save on this device")).to_be_hidden()
    expect(page.get_by_text("Saving needs JavaScript, which is off or blocked in this browser.")).to_be_visible()
    expect(page.get_by_role("link", name="Text message")).to_have_attribute(
        "href", re.compile(r"^sms:\?&body=http%3A%2F%2F[^&]+%2Fprograms%2Fharbor-clinic-2-baltimore-md%2F$"))
    context.close()


def test_saving_two_programs_then_seeing_them_offline(page, programs):
    for program in programs[:2]:
        page.goto(program.get_absolute_url())
        expect(page.get_by_text("Saving needs JavaScript")).to_be_hidden()
        page.get_by_role("button", name="Save on this device").click()
        expect(page.get_by_role("button", name="Saved on this device: remove")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("link", name="Saved", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved on this device")
    saved = page.get_by_role("list", name="Your saved list").get_by_role("heading")
    expect(saved).to_have_text(["Harbor Clinic 1", "Harbor Clinic 2"])
    expect(page.get_by_role("link", name="Call (410) 555-0110")).to_have_attribute("href", "tel:+14105550110")
    assert axe_violations(page) == []
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    expect(saved).to_have_text(["Harbor Clinic 1", "Harbor Clinic 2"])
    # The service worker controls the page once it is active: then the connection can go.
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved on this device")
    expect(saved).to_have_text(["Harbor Clinic 1", "Harbor Clinic 2"])
    expect(page.get_by_role("link", name=re.compile("988")).first).to_be_visible()  # the crisis lines
    page.goto("/programs/?near=21201")  # any other page without a connection: the Saved page
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved on this device")
    page.context.set_offline(False)

    page.goto("/saved/")
    page.get_by_role("button", name="Remove Harbor Clinic 1").click()
    expect(saved).to_have_text(["Harbor Clinic 2"])
    assert page.context.cookies() == []
    assert page.recorder.foreign_requests() == []


def test_sharing_offers_copy_link_where_there_is_no_share_sheet(page, programs):
    page.goto(programs[0].get_absolute_url())
    has_share = page.evaluate("typeof navigator.share === 'function'")
    if has_share:
        expect(page.get_by_role("button", name="Share this page")).to_be_visible()
    else:
        expect(page.get_by_role("button", name="Copy link")).to_be_visible()
        expect(page.get_by_role("link", name="Email")).to_have_attribute(
            "href", re.compile(r"^mailto:\?body=http%3A%2F%2F.+%2Fprograms%2Fharbor-clinic-1-baltimore-md%2F$"))
