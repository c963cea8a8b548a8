"""Words of danger meet help first on every page where people type or answer: the program finder,
the home page's search (which sends to it), the meeting finder, the articles search and the guide."""
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from portal import caching
from safety.models import DangerPhrase
from tests.factories import make_program

pytestmark = pytest.mark.django_db

PROGRAMS = reverse("directory:program-search")
MEETINGS = reverse("meetings:finder")
with translation.override("es"):
    PROGRAMS_ES = reverse("directory:program-search")
    MEETINGS_ES = reverse("meetings:finder")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    caching._held.clear()


def main_text(response) -> str:
    html = response.content.decode()
    main = html.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def panel(response) -> str:
    html = response.content.decode()
    found = re.search(r'<section class="danger-panel".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_suicidal_words_in_the_program_finder_answer_with_988_first(client):
    make_program(name="Sunrise Detox", terms=["DT"])
    response = client.get(PROGRAMS, {"q": "i want to die"}, follow=True)
    html = response.content.decode()
    assert 'href="tel:988"' in panel(response) and 'href="sms:988"' in panel(response)
    # The panel comes first in the main content, before the page's own heading.
    main = html.split('<main id="main-content"', 1)[1]
    assert main.index("danger-panel") < main.index("<h1")
    text = main_text(response)
    assert "“die”" not in text and "Articles about" not in text
    # The words of danger are neither searched for nor kept in the address.
    final = response.redirect_chain[-1][0]
    assert "die" not in final and "help=988" in final
    assert not response.context["filterset"].keywords


def test_danger_words_with_a_need_still_search_for_the_need(client):
    make_program(name="Sunrise Detox", terms=["DT"])
    make_program(name="Harbor Counseling", terms=["ODT"])
    response = client.get(PROGRAMS, {"q": "i want to die need detox"}, follow=True)
    assert 'href="tel:988"' in panel(response)
    assert [p.name for p in response.context["page"].object_list] == ["Sunrise Detox"]
    assert "care=DT" in response.redirect_chain[-1][0]
    assert "die" not in response.redirect_chain[-1][0]
    assert "Your search is below." in panel(response)


def test_an_overdose_in_progress_answers_with_911_naloxone_and_good_samaritan(client):
    response = client.get(PROGRAMS, {"q": "he's not breathing"}, follow=True)
    text = panel(response)
    assert 'href="tel:911"' in text
    assert "naloxone" in text.lower() and "Good Samaritan" in text
    assert "988" not in text


def test_spanish_words_on_the_spanish_pages(client):
    response = client.get(PROGRAMS_ES, {"q": "quiero morir"}, follow=True)
    text = panel(response)
    assert 'href="tel:988"' in text and "No tiene que pasar por esto solo" in text
    assert "morir" not in main_text(response)
    response = client.get(PROGRAMS_ES, {"q": "mi hermano no respira"}, follow=True)
    assert 'href="tel:911"' in panel(response) and "Buen Samaritano" in panel(response)


def test_the_home_page_search_sends_to_the_program_finder(client):
    html = client.get(reverse("home")).content.decode()
    assert f'action="{PROGRAMS}"' in html and 'name="q"' in html


@pytest.mark.parametrize("words", [
    "methadone", "rehab for my son", "overdose prevention", "narcan", "naloxone", "dying to get clean",
    "cutting back on methadone", "metadona", "prevención de sobredosis",
])
def test_ordinary_searches_never_show_the_panel(client, words):
    response = client.get(PROGRAMS, {"q": words}, follow=True)
    assert response.status_code == 200
    assert not panel(response), words
    assert "help=" not in response.redirect_chain[-1][0] if response.redirect_chain else True


def test_meeting_finder(client):
    response = client.get(MEETINGS, {"q": "i want to kill myself"}, follow=True)
    assert 'href="tel:988"' in panel(response)
    assert "kill" not in response.redirect_chain[-1][0]
    assert "myself" not in main_text(response)
    response = client.get(MEETINGS_ES, {"q": "quiero morir reuniones de na en linea"}, follow=True)
    assert 'href="tel:988"' in panel(response)
    final = response.redirect_chain[-1][0]
    assert "fellowship=na" in final and "attendance=online" in final and "morir" not in final
    response = client.get(MEETINGS, {"q": "narcotics anonymous"}, follow=True)
    assert not panel(response)


def test_articles_search_never_searches_the_danger_words(client):
    response = client.get(reverse("articles:search"), {"q": "i want to die"})
    assert 'href="tel:988"' in panel(response)
    assert response.context["text"] == ""
    response = client.get(reverse("articles:search"), {"q": "die"})
    assert not panel(response)


def test_the_guide_answers_thoughts_of_self_harm_with_988_first(client):
    response = client.get(reverse("guide:level-of-care"), {"safety": "self_harm"})
    html = response.content.decode()
    main = html.split('<main id="main-content"', 1)[1]
    assert main.index("danger-panel") < main.index("<h1")
    assert 'href="tel:988"' in panel(response)
    response = client.get(reverse("guide:level-of-care"), {"safety": "unsafe_home"})
    assert not panel(response)


def test_unknown_help_values_are_ignored_with_a_note(client):
    response = client.get(PROGRAMS, {"help": "<b>x</b>"})
    assert response.status_code == 200
    assert not panel(response)
    assert "We did not recognise a “help” value" in response.content.decode()


def test_staff_add_a_phrase_in_the_admin_and_it_takes_effect(admin_client, client):
    assert not panel(client.get(PROGRAMS, {"q": "want to sleep forever"}, follow=True))
    response = admin_client.post(reverse("admin:safety_dangerphrase_add"), {
        "phrase": "Want to sleep forever", "kind": "suicide", "note": "Heard on the line",
    })
    assert response.status_code == 302
    assert DangerPhrase.objects.filter(phrase="Want to sleep forever").exists()
    assert 'href="tel:988"' in panel(client.get(PROGRAMS, {"q": "i want to sleep forever"}, follow=True))
    # And a phrase that only looks like danger can be taken back.
    admin_client.post(reverse("admin:safety_dangerphrase_add"), {"phrase": "cutting", "kind": "not_danger"})
    assert not panel(client.get(PROGRAMS, {"q": "cutting"}, follow=True))


def test_the_admin_refuses_an_empty_phrase(admin_client):
    response = admin_client.post(reverse("admin:safety_dangerphrase_add"), {"phrase": "?!", "kind": "suicide"})
    assert response.status_code == 200
    assert "Type at least one word." in response.content.decode()
