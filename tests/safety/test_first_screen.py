"""The phone's first screen (390×844), everywhere: the home page's place field and search button,
and the crisis bar's "Call or text 988" as a large touch target (WCAG 2.2, 2.5.8)."""
import pytest
from playwright.sync_api import expect

from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_HEIGHT = 844


def bottom(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"]


@pytest.mark.parametrize(("path", "place", "button", "needs"), [
    ("/", "ZIP code or city", "Search", "Type of care, medication, payment"),
    ("/es/", "Código postal o ciudad", "Buscar", "Atención, medicamento, pago"),
])
def test_the_home_page_search_fits_the_first_screen(page, settings, path, place, button, needs):
    settings.PORTAL_DEMO = True  # the banner takes room on the first screen too
    page.goto(path)
    field = page.get_by_label(place)
    submit = page.get_by_role("button", name=button, exact=True)
    print(f"{path}: place field bottom {bottom(field):.0f} px, button bottom {bottom(submit):.0f} px")
    assert bottom(field) <= SCREEN_HEIGHT
    assert bottom(submit) <= SCREEN_HEIGHT
    # The needs are folded (as on the results page), one tap away, and still sent with the search.
    page.get_by_text(needs).click()
    page.get_by_role("checkbox", name="Medicaid").check()
    field.fill("22902")
    submit.click()
    page.wait_for_url("**/programs/?**")
    assert "payment=MD" in page.url
    page.goto(path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/es/", "/programs/?near=22902", "/meetings/", "/learn/"])
def test_the_988_link_is_a_large_touch_target(page, path):
    page.goto(path)
    bar = page.get_by_role("complementary", name=("Crisis lines" if not path.startswith("/es/") else "Líneas de crisis"))
    link = bar.get_by_role("link").first
    expect(link).to_contain_text("988")
    box = link.bounding_box()
    print(f"{path}: 988 link {box['width']:.0f}×{box['height']:.0f} px at y={box['y']:.0f}")
    assert box["height"] >= 44 and box["width"] >= 44, box
    # No neighbour within its box grown to 44×44 (so a finger aimed at it hits it).
    for other in bar.get_by_role("link").all()[1:]:
        o = other.bounding_box()
        apart = o["x"] >= box["x"] + box["width"] or o["x"] + o["width"] <= box["x"] or \
            o["y"] >= box["y"] + box["height"] or o["y"] + o["height"] <= box["y"]
        assert apart, (box, o)
        assert o["height"] >= 24, o
