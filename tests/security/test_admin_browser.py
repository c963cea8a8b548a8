"""Staff pages in a real browser: they work under the strict CSP, and their lists fit a 1280 px screen."""
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from directory.models import ProblemReport
from meetings.models import Fellowship, MeetingType
from meetings.seed import load_reference_data
from tests.articles.factories import make_article
from tests.factories import make_program
from tests.meetings.factories import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("PORTAL_SCREENSHOTS", tempfile.gettempdir()))
ADMIN_PAGES = [
    "/admin/",
    "/admin/directory/program/",
    "/admin/directory/program/add/",
    "/admin/directory/problemreport/",
    "/admin/directory/term/",
    "/admin/articles/article/",
    "/admin/meetings/meeting/",
    "/admin/opendata/import/",
]


@pytest.fixture
def staff_page(browser, live_server):
    User.objects.create_superuser("editor", "editor@example.org", "a long test passphrase")
    program = make_program(name="Riverside Recovery Center with a Rather Long Name for Column Widths",
                           organization="Riverside Health Cooperative of the Valley", terms=["BU", "MD"])
    make_article(title="What to expect at a first appointment")
    make_program(name="Hillside Outpatient Services of the Blue Ridge Region", last_verified=None)
    ProblemReport.objects.create(program=program, kind="wrong_phone", details="The number rings at a bakery. " * 5)
    load_reference_data(fellowship_model=Fellowship, type_model=MeetingType)  # flushed by transactional tests
    make_meeting(last_verified=None, name="Tuesday Night Hope and Recovery Candlelight Discussion Group")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long test passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.program = program
    yield page
    context.close()


def test_admin_works_under_the_content_security_policy(staff_page):
    page = staff_page
    for path in ADMIN_PAGES + [f"/admin/directory/program/{page.program.pk}/change/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
    # The service picker (autocomplete) and the collapsible sections still work.
    page.goto(f"/admin/directory/program/{page.program.pk}/change/")
    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    assert page.csp_violations == []


def test_admin_lists_fit_a_1280_pixel_screen(staff_page, tmp_path):
    page = staff_page
    checked = []
    for path in ["/admin/directory/program/", "/admin/directory/problemreport/", "/admin/articles/article/",
                 "/admin/meetings/meeting/", "/admin/directory/listingtoverify/", "/admin/meetings/meetingtoverify/"]:
        page.goto(path)
        table = page.locator("#result_list")
        if table.count():
            page.screenshot(path=str(SCREENSHOTS / (re.sub(r"\W+", "-", path).strip("-") + ".png")))
            # The admin scrolls a too-wide table inside its box: every column must show without that.
            widths = page.evaluate("() => { const box = document.querySelector('.results');"
                                   " return [box.scrollWidth, box.clientWidth]; }")
            assert widths[0] <= widths[1], f"{path}: the list is {widths[0]} px wide in a {widths[1]} px box"
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
            checked.append(path)
    assert len(checked) == 6, checked
