"""Staff pages pass axe (WCAG 2.2 AA and best practices): the program form, a list and the sign-in page."""
import datetime

import pytest
from playwright.sync_api import expect

from places.weekdays import Weekday
from tests.conftest import axe_violations
from tests.factories import make_program
from tests.security.test_admin_browser import staff_page  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_passes_axe(page):
    page.goto("/admin/login/")
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    assert axe_violations(page) == []


def test_the_program_form_and_a_list_pass_axe(staff_page):  # noqa: F811
    page = staff_page
    program = make_program(
        name="Harbor Recovery", terms=["BU", "MD", "OTP", "OP", "SS", "RS"],
        hours=[(day, datetime.time(8), datetime.time(16)) for day in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY,
                                                                        Weekday.THURSDAY, Weekday.FRIDAY, Weekday.SATURDAY)],
    )
    found = {}
    for path in [f"/admin/directory/program/{program.pk}/change/", "/admin/directory/program/", "/admin/",
                 "/admin/directory/program/add/"]:
        page.goto(path)
        found[path] = axe_violations(page)
    assert found == {path: [] for path in found}

    # Each opening-hours field is named by its column and row; the pickers by their field's label.
    page.goto(f"/admin/directory/program/{program.pk}/change/")
    expect(page.get_by_label("Weekday, row 2")).to_have_value(str(Weekday.TUESDAY.value))
    expect(page.get_by_label("Opens, row 6")).to_have_value("08:00:00")
    expect(page.get_by_role("combobox", name="Organization")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search Services")).to_be_attached()
    # The breadcrumb links are underlined, not told apart by colour alone.
    link = page.locator("div.breadcrumbs a").first
    assert "underline" in link.evaluate("element => getComputedStyle(element).textDecorationLine")
