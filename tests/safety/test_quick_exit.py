"""Quick exit, honestly: what a press of Back shows after it, measured in a browser with and without
JavaScript, and the sentence beside the button that says so."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import axe_violations
from tests.factories import make_program

BEFORE = "/robots.txt?before"  # a page that is not one of the portal's pages: where the visitor came from
EXIT = "/robots.txt?exit"  # stands in for the neutral website (tests make no requests elsewhere)


@pytest.fixture
def exit_url(settings, live_server):
    settings.PORTAL_QUICK_EXIT_URL = f"{live_server.url}{EXIT}"
    return settings.PORTAL_QUICK_EXIT_URL


def search_then_open_a_program(page) -> int:
    """Search, open a program, answer the guide; the history's length on the portal's first page."""
    page.goto(BEFORE)
    page.goto("/")
    first = page.evaluate("history.length")
    page.get_by_label("ZIP code or city").fill("22902")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/programs/?**")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment programs within 25 miles of 22902")
    page.get_by_role("link", name="Sunrise Detox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sunrise Detox")
    page.get_by_role("link", name="Which care?").click()
    page.get_by_text("Thoughts of suicide or of hurting yourself").check()
    page.get_by_role("button", name="See which care may fit").click()
    page.wait_for_url("**/guide/?**")
    return first


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_with_javascript_back_after_quick_exit_does_not_show_the_search(page, exit_url):
    make_program(name="Sunrise Detox", terms=["DT"])
    first = search_then_open_a_program(page)
    # Every page of the portal replaced the one before it: no history entry added after the first page.
    assert page.evaluate("history.length") == first
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(f"**{EXIT}")
    assert page.evaluate("history.length") == first  # the exit took the portal's place
    page.go_back()
    page.wait_for_load_state()
    # Back shows where the visitor was before the portal: not the search, the program or the answers.
    assert page.url.endswith(BEFORE), page.url
    body = page.content()
    assert "Treatment programs within" not in body and "self_harm" not in page.url
    # Forward is the neutral site, not the portal.
    page.go_forward()
    page.wait_for_load_state()
    assert page.url.endswith(EXIT)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_back_after_quick_exit_shows_the_last_page(browser, live_server, exit_url):
    """Without JavaScript a page cannot replace history: Back after Quick exit shows the portal's last
    page again. The sentence beside the button and the private-browsing page say so."""
    make_program(name="Sunrise Detox", terms=["DT"])
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844},
                                  base_url=live_server.url)
    page = context.new_page()
    try:
        first = search_then_open_a_program(page)
        assert page.evaluate("history.length") == first + 4  # results, program, guide, its answers: one entry each
        page.get_by_role("link", name="Quick exit").click()
        page.wait_for_url(f"**{EXIT}")
        page.go_back()
        page.wait_for_load_state()
        assert "/guide/?" in page.url and "safety=self_harm" in page.url  # what Back shows, measured
        for _ in range(3):  # the guide, the program, the search results: all still there
            page.go_back()
            page.wait_for_load_state()
        assert "/programs/?" in page.url
        expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment programs within 25 miles")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_sentence_beside_the_button_and_the_private_browsing_page(page, exit_url):
    page.goto("/")
    note = page.locator("#quick-exit-note")
    expect(note).to_contain_text("does not clear your browser's history")
    expect(page.get_by_role("link", name="Quick exit")).to_have_attribute("aria-describedby", "quick-exit-note")
    note.get_by_role("link", name="How to browse privately").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How to browse privately")
    assert axe_violations(page) == []
    page.goto("/es/browse-privately/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cómo navegar en privado")
    expect(page.locator("#quick-exit-note")).to_contain_text("no borra su historial")
    assert axe_violations(page) == []


@pytest.mark.django_db
def test_the_private_browsing_page_in_both_languages(client):
    assert "Use a private window" in client.get(reverse("browse-privately")).content.decode()
    assert "Use una ventana privada" in client.get("/es/browse-privately/").content.decode()
    assert 'href="/browse-privately/"' in client.get("/about/").content.decode()
