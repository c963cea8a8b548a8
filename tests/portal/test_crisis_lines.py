"""The crisis lines are written once (portal/context_processors.py) and every page shows them from there."""
import re
from pathlib import Path

import pytest

from portal.context_processors import CRISIS_LINES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_writes_a_phone_number_of_its_own():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"tel:[+\d]|662-4357|\b988\b|\b911\b", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/about/", "/programs/?near=22901", "/meetings/", "/no-such-page/"])
def test_every_page_offers_the_three_lines(client, url):
    html = client.get(url).content.decode()
    for line in CRISIS_LINES:
        assert f'href="tel:{line["tel"]}"' in html
    assert {line["display"] for line in CRISIS_LINES} == {"988", "1-800-662-4357", "911"}
