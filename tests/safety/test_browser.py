"""In a phone's browser (390×844): words of danger typed in a search box are answered first, on the
first screen, with a call link big enough to tap."""
import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations
from tests.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_HEIGHT = 844


def assert_on_first_screen_and_tappable(link):
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box["y"] + box["height"] <= SCREEN_HEIGHT, box
    assert box["height"] >= 44 and box["width"] >= 44, box


@pytest.mark.parametrize(("start", "box_label", "words", "link_name"), [
    ("/", "Keywords (optional)", "i want to die", "Call 988"),
    ("/es/", "Palabras clave (opcional)", "quiero morir", "Llame al 988"),
    ("/programs/", "Keywords (optional)", "he's not breathing", "Call 911"),
    ("/meetings/", None, "kill myself", "Call 988"),
])
def test_the_panel_comes_first_on_a_phone(page, settings, start, box_label, words, link_name):
    settings.PORTAL_DEMO = True  # the banner takes room on the first screen too
    make_program(name="Sunrise Detox", terms=["DT"])
    page.goto(start)
    if box_label:
        page.get_by_label(box_label).fill(words)
        page.get_by_label(box_label).press("Enter")
    else:
        page.goto(f"{start}?q={words}")
    page.wait_for_load_state()
    assert_on_first_screen_and_tappable(page.get_by_role("link", name=link_name).first)
    assert words.split()[-1] not in page.url
    assert axe_violations(page) == []
    assert page.recorder.foreign_requests() == []


def test_an_overdose_and_suicide_together_show_every_line_on_the_first_screen(page, settings):
    settings.PORTAL_DEMO = True
    page.goto("/programs/?q=he+overdosed+and+i+want+to+die")
    page.wait_for_load_state()
    for name in ("Call 911", "Call 988", "Text 988"):
        assert_on_first_screen_and_tappable(page.get_by_role("link", name=name).first)
    assert axe_violations(page) == []
