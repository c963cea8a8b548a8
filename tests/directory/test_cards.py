"""Result cards show every change at once, with nothing to clear, whoever made it (a form, a bulk
update, an import, a renamed service), in the page's language, and never carry one search into another."""
import re

import pytest
from django.utils import translation

from directory.models import Organization, Program, Term
from tests.factories import make_program

pytestmark = pytest.mark.django_db

SEARCH = "/programs/"


def card_texts(html: str) -> dict[str, str]:
    """Each card's visible text by program name."""
    cards = re.findall(r'<li class="program-card">(.*?)</li>\s*(?=<li class="program-card">|</ol>)', html, re.S)
    texts = {}
    for card in cards:
        name = re.search(r"<h3[^>]*><a[^>]*>([^<]+)</a>", card).group(1)
        texts[name] = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    return texts


def test_a_card_follows_every_change_at_once(client):
    program = make_program(name="Lantern House", organization="Hill Org", phone="(434) 555-0101",
                           terms=["BU", "MD"], accepting_new_patients=True)
    before = card_texts(client.get(SEARCH, {"near": "22902"}).content.decode())["Lantern House"]
    assert "Hill Org" in before and "Call (434) 555-0101" in before and "Accepting new patients" in before

    # A bulk update sends no signal; an organization renamed elsewhere; a service renamed by staff.
    Program.objects.filter(pk=program.pk).update(phone="(434) 555-0199", accepting_new_patients=False)
    Organization.objects.filter(name="Hill Org").update(name="Valley Org")
    term = Term.objects.get(code="MD")
    term.name = "Medicaid (all plans)"
    term.save()

    after = card_texts(client.get(SEARCH, {"near": "22902"}).content.decode())["Lantern House"]
    assert "Valley Org" in after and "Hill Org" not in after
    assert "Call (434) 555-0199" in after and "Not taking new patients right now" in after
    assert "Medicaid (all plans)" in after


def test_cards_in_spanish_are_in_spanish(client):
    make_program(name="Clinica Uno", terms=["BU"], accepting_new_patients=True)
    english = card_texts(client.get(SEARCH, {"near": "22902"}).content.decode())["Clinica Uno"]
    spanish = card_texts(client.get("/es" + SEARCH, {"near": "22902"}).content.decode())["Clinica Uno"]
    assert "Accepting new patients" in english
    assert "Acepta pacientes nuevos" in spanish and "Accepting new patients" not in spanish


def test_the_search_is_never_kept_in_another_search_card(client):
    make_program(name="Back Link Clinic")
    first = client.get(SEARCH, {"near": "22902", "q": "back link"}, follow=True).content.decode()
    second = client.get(SEARCH, {"near": "22902"}).content.decode()
    assert re.search(r'<a href="/programs/back-link-clinic[^"]*q%3Dback', first)
    assert "q%3Dback" not in second


def test_availability_reads_the_same_on_the_card_and_the_page_in_both_languages(client):
    import datetime

    program = make_program(name="Casa Abierta", accepting_new_patients=True, typical_wait_days=1, beds_available=2,
                           beds_updated=datetime.date(2026, 11, 20))
    make_program(name="Same Day Place", typical_wait_days=0)
    english = card_texts(client.get(SEARCH, {"near": "22902"}).content.decode())
    assert "Typical wait: about 1 day. Beds available: 2 (as of Nov 20)." in english["Casa Abierta"]
    assert "Usually sees new patients the same day." in english["Same Day Place"]
    assert "Beds available" not in english["Same Day Place"]
    spanish = card_texts(client.get("/es" + SEARCH, {"near": "22902"}).content.decode())["Casa Abierta"]
    with translation.override("es"):
        address = program.get_absolute_url()
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(address).content.decode()).split())
    assert "Acepta pacientes nuevos" in spanish and "Acepta pacientes nuevos" in page
    sentence = re.search(r"Espera habitual[^<]*?\)\.", spanish)
    assert sentence and "1 día" in sentence.group(0) and sentence.group(0) in page
