"""The finder's fields are rendered once per process for the same values: what they show still follows
every choice, the language, and the fellowships' names."""
import re

import pytest

from meetings.models import Fellowship

from .conftest import at

pytestmark = pytest.mark.django_db


def selected(html: str, name: str) -> list[str]:
    select = html.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_fields_follow_choices_language_and_names(client, fixed_now):
    fixed_now(at("2026-03-04 09:00", "America/New_York"))
    for _ in range(2):  # the second time from the kept rendering
        html = client.get("/meetings/?day=3&time=evening").content.decode()
        assert selected(html, "day") == ["3"] and selected(html, "time") == ["evening"]
        assert "Any time this week" in html
    html = client.get("/meetings/?day=4&time=evening&fellowship=na").content.decode()
    assert selected(html, "day") == ["4"]
    assert re.search(r'<input type="checkbox" name="fellowship" value="na" checked> Narcotics Anonymous', html)
    spanish = client.get("/es/meetings/?day=3&time=evening").content.decode()
    assert selected(spanish, "day") == ["3"] and "Any time this week" not in spanish
    na = Fellowship.objects.get(slug="na")
    na.name = "Narcotics Anonymous World Services"
    na.save()
    html = client.get("/meetings/?day=3&time=evening").content.decode()
    assert 'value="na"> Narcotics Anonymous World Services</label>' in html
    # A place that is not understood: its message and suggestions, never a kept rendering.
    html = client.get("/meetings/?near=Baltimor&day=3&time=evening").content.decode()
    assert 'aria-invalid="true"' in html and 'value="Baltimor"' in html


def test_what_was_typed_is_shown_and_never_kept(client, fixed_now):
    import pickle

    from django.core.cache import caches

    from .factories import make_meeting

    fixed_now(at("2026-03-04 09:00", "America/New_York"))
    for n in range(25):
        make_meeting(name=f"Hope {n}", days=[3])
    for place in ("21201", "Baltimore, MD", "21201"):
        html = client.get("/meetings/", {"near": place, "day": "3"}).content.decode()
        assert f'name="near" id="id_near" value="{place}"' in html
        near = place.replace(",", "%2C").replace(" ", "+")
        assert f'href="?near={near}&amp;day=3&amp;page=2"' in html
    html = client.get("/meetings/", {"near": "21201", "day": "3", "q": "hope"}).content.decode()
    assert 'name="q" id="id_q" value="hope"' in html and "“hope”" in html
    # Every fragment the pages cached (the finder's choices; the cards are rendered with each page,
    # tests/meetings/test_cards.py), as the cache holds them.
    kept = " ".join(str(pickle.loads(value)) for value in caches["template_fragments"]._cache.values())
    assert kept and 'value="21201"' not in kept and "near=21201" not in kept
    assert 'value="Baltimore, MD"' not in kept and "near=Baltimore" not in kept
    assert "“hope”" not in kept and "q=hope" not in kept
