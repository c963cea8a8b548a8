"""The finder's result cards as a visitor reads them: rendered with each page, so an edit, another
minute or another day shows at once, with nothing to clear; and a Spanish page's cards are in Spanish."""
import datetime
import re
from html import unescape

import pytest

from meetings.models import Fellowship, Meeting

from .conftest import at
from .factories import make_meeting, make_online_meeting

pytestmark = pytest.mark.django_db

T = datetime.time
WEDNESDAY = "2026-03-04 18:40"  # Eastern


def card_texts(html: str) -> dict[str, str]:
    """Each result card's text as a visitor reads it (with the label the browser fills in for the
    visitor's own time), by meeting name."""
    cards = {}
    for card in re.findall(r'<li class="meeting-card[^"]*">(.*?)</li>', html, re.S):
        name = unescape(re.search(r'<h[34] id="meeting-[^"]+"><a href="[^"]+">([^<]+)</a>', card).group(1))
        card = re.sub(r'<[^>]*\bdata-label="([^"]*)"[^>]*>', r" \1 ", card)
        cards[name] = " ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split())
    return cards


@pytest.fixture
def meetings(fixed_now):
    fixed_now(at(WEDNESDAY, "America/New_York"))
    make_meeting(name="Casa Uno", days=[3], start_time=T(19), end_time=T(20), types=["O", "W"],
                 last_verified=datetime.date(2026, 2, 1))  # starts in 20 minutes
    make_online_meeting(name="Casa Dos", days=[3], start_time=T(17, 50), timezone="America/Chicago",
                        last_verified=None)  # starts in 10 minutes
    make_meeting(name="Casa Tres", days=[1, 3, 5], start_time=T(18), conference_url="https://meet.example.org/tres")
    make_meeting(name="Casa Cuatro", days=[3], start_time=T(7), end_time=T(8))  # over this morning


SEARCHES = ["/meetings/?day=today", "/meetings/?near=21201", "/meetings/?when=soon", "/meetings/?when=now",
            "/meetings/?attendance=online&day="]
# What the cards say in English: each is on some English card, and on no Spanish one.
ENGLISH = ["Verified", "Not yet verified", "Meeting types:", "Your time:", "PM to", "PM", "Eastern time",
           "Central time", "In person", "Online", "hybrid", "Wednesdays", "Mondays", "Starts in", "In progress",
           "Ended earlier today", "away", "Open", "Women", "Narcotics Anonymous"]


def test_a_spanish_card_shows_no_english(client, meetings):
    english = [card_texts(client.get(search).content.decode()) for search in SEARCHES]
    spanish = [card_texts(client.get("/es" + search).content.decode()) for search in SEARCHES]
    assert [set(cards) for cards in spanish] == [set(cards) for cards in english]
    english_text = " | ".join(text for cards in english for text in cards.values())
    spanish_text = " | ".join(text for cards in spanish for text in cards.values())
    assert [phrase for phrase in ENGLISH if phrase not in english_text] == []
    assert [phrase for phrase in ENGLISH if phrase in spanish_text] == []
    for phrase in ("Revisado el 1 Feb 2026", "Todavía sin revisar", "Tipos de reunión: Abierta, Mujeres",
                   "Su hora: %(time)s", "Los miércoles, de 7:00 p.m. a 8:00 p.m.", "hora del Centro",
                   "Narcóticos Anónimos", "Empieza en 20 minutos", "En curso: empezó hace 40 minutos",
                   "Terminó hoy más temprano"):
        assert phrase in spanish_text, phrase


def test_an_edited_meeting_shows_at_once(client, meetings):
    before = card_texts(client.get("/meetings/?near=21201").content.decode())
    assert before == card_texts(client.get("/meetings/?near=21201").content.decode())  # the same page again
    assert "Wednesdays, 7:00 PM to 8:00 PM" in before["Casa Uno"] and "Women" in before["Casa Uno"]
    meeting = Meeting.objects.get(name="Casa Uno")
    meeting.name, meeting.days, meeting.end_time = "Casa Uno Nueva", [2, 3], T(20, 30)
    meeting.last_verified = datetime.date(2026, 3, 2)
    meeting.save()
    meeting.types.set(meeting.types.filter(code="O"))
    na = Fellowship.objects.get(slug="na")
    na.name = "Narcotics Anonymous World Services"
    na.save()
    after = card_texts(client.get("/meetings/?near=21201").content.decode())
    assert "Casa Uno" not in after
    card = after["Casa Uno Nueva"]
    assert "Tuesdays and Wednesdays, 7:00 PM to 8:30 PM" in card and "Verified Mar 2, 2026" in card
    assert "Meeting types: Open" in card and "Women" not in card
    assert "Narcotics Anonymous World Services" in card


def test_a_card_follows_the_clock(client, meetings, fixed_now):
    assert card_texts(client.get("/meetings/?day=today").content.decode())["Casa Uno"].count("Starts in") == 0
    soon = card_texts(client.get("/meetings/?when=soon").content.decode())
    assert "Starts in 20 minutes" in soon["Casa Uno"] and "Starts in 10 minutes" in soon["Casa Dos"]
    fixed_now(at("2026-03-04 18:45", "America/New_York"))
    soon = card_texts(client.get("/meetings/?when=soon").content.decode())
    assert "Starts in 15 minutes" in soon["Casa Uno"] and "Starts in 5 minutes" in soon["Casa Dos"]
    fixed_now(at("2026-03-04 20:30", "America/New_York"))  # Casa Uno is over
    html = client.get("/meetings/?day=today").content.decode()
    assert "Ended earlier today, at 8:00 PM" in card_texts(html)["Casa Uno"]
    assert re.search(r'<li class="meeting-card ended">\s*<article aria-labelledby="meeting-\d+-3">\s*<h4 id="meeting-\d+-3">'
                     r'<a href="/meetings/[^"]+/">Casa Uno</a>', html)


def test_the_line_for_the_visitors_own_time_is_in_the_pages_language_on_the_card_and_the_page(client, meetings):
    from django.utils import translation

    meeting = Meeting.objects.get(name="Casa Dos")
    for language, label in (("en", "Your time: %(time)s"), ("es", "Su hora: %(time)s")):
        prefix = "/es" if language == "es" else ""
        with translation.override(language):
            address = meeting.get_absolute_url()
        card = client.get(prefix + "/meetings/?attendance=online&day=").content.decode()
        page = client.get(address).content.decode()
        assert (f'<p class="local-time" data-local-time data-zone="America/Chicago" data-time="17:50" '
                f'data-label="{label}" hidden></p>') in card
        assert (f'<p class="local-time" data-local-time data-zone="America/Chicago" '
                f'data-start="2026-03-04T17:50:00-06:00" data-label="{label}" hidden></p>') in page


def test_no_kept_piece_of_a_card_holds_its_distance_from_the_place_searched(client, meetings):
    from portal import fragments

    fragments._kept.clear()
    cards = card_texts(client.get("/meetings/?near=21201").content.decode())
    assert any(" mi away" in text for text in cards.values())  # the page shows distances

    def values(item):
        if isinstance(item, tuple):
            for part in item:
                yield from values(part)
        else:
            yield item

    kept = [value for key in fragments._kept for value in values(key)]
    assert kept, "nothing was kept: this test would check nothing"
    assert not any(isinstance(value, float) for value in kept)
    assert not any("21201" in str(value) for value in kept)
