"""Things a person noticed on every page: the footer's helplines, the demo banner, the report form."""
import re

import pytest

from tests.factories import make_program

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_footer_names_each_helpline_once(client):
    footer = client.get("/").content.decode().split("<footer", 1)[1]
    text = text_of(footer)
    assert "988 Suicide & Crisis Lifeline" in text.replace("&amp;", "&")
    assert "988 988" not in text
    assert "1-800-662-4357 SAMHSA National Helpline" in text


def test_the_demo_banner_sits_inside_the_header(client, settings):
    settings.PORTAL_DEMO = True
    html = client.get("/").content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    assert "Demonstration site: every listing here is fictional." in header


def test_the_report_form_has_no_empty_choice_ticked(client):
    program = make_program()
    html = client.get(f"/programs/{program.slug}/report/").content.decode()
    radios = re.findall(r'<input type="radio" name="kind"[^>]*>', html)
    assert len(radios) == 4
    assert all('value=""' not in radio and "checked" not in radio and "required" in radio for radio in radios)
    assert "---------" not in html
    # Sent without a choice, it asks for one.
    response = client.post(f"/programs/{program.slug}/report/", {"details": "Wrong number"})
    assert response.status_code == 400
    assert "Choose what is wrong." in response.content.decode()
