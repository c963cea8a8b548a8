"""A Spanish speaker on a phone: search, filter, a program, an article and meetings, all in Spanish."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.articles.factories import make_article
from tests.conftest import axe_violations
from tests.factories import CVILLE, make_program
from tests.meetings.factories import make_meeting, make_online_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listings(transactional_db):
    from meetings.models import Fellowship, MeetingType
    from meetings.seed import load_reference_data

    load_reference_data(fellowship_model=Fellowship, type_model=MeetingType)  # flushed by transactional tests
    # Monday (places.weekdays counts from Sunday = 0).
    make_program(name="Clínica Cercana", latitude=CVILLE[0] + 0.01, longitude=CVILLE[1], phone="(434) 555-0122",
                 terms=["BU", "MD", "OP"], accepting_new_patients=True, hours=[(1, datetime.time(9), datetime.time(17))])
    make_program(name="Clínica Lejana", latitude=CVILLE[0] + 0.2, longitude=CVILLE[1], phone="(434) 555-0111",
                 terms=["BU", "PI", "OP"])
    make_article(title="La naloxona salva vidas", slug="naloxona", language="es",
                 summary="Cómo usar la naloxona.", body="## Qué hacer\n\nLlame al 911 y use la naloxona.\n")
    every_day = list(range(7))
    make_meeting(name="Grupo Esperanza", days=every_day, start_time=datetime.time(19))
    make_online_meeting(name="Grupo en Línea", days=every_day, start_time=datetime.time(12))


def spanish_page_checks(page):
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert axe_violations(page) == []


def test_a_spanish_walk_on_a_phone(page, listings):
    page.set_default_timeout(60000)  # the first search loads the ZIP gazetteer, slow on a busy machine
    page.goto("/")
    page.get_by_role("link", name="Español").click()
    expect(page).to_have_url(re.compile(r"/es/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Encuentre tratamiento para el uso de opioides cerca de usted")
    expect(page.get_by_text("(oprima 2 para español)")).to_be_visible()
    spanish_page_checks(page)

    # Search near a ZIP code for buprenorphine.
    page.get_by_label("Código postal o ciudad").fill("22902")
    page.get_by_label("¿Qué tan lejos puede ir?").select_option(label="A menos de 25 millas")
    page.get_by_text("Atención, medicamento, pago").click()  # folded, so the button is on a phone's first screen
    page.get_by_role("checkbox", name=re.compile(r"^Buprenorfina")).check()
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page).to_have_url(re.compile(r"/es/programs/\?.*near=22902"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("a menos de 25 millas de 22902")
    cards = page.get_by_role("article")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Clínica Cercana")
    expect(cards.nth(0)).to_contain_text("Acepta pacientes nuevos")
    spanish_page_checks(page)

    # The "English" link is the same search in English.
    english = page.get_by_role("link", name="English")
    expect(english).to_have_attribute("href", re.compile(r"^/programs/\?.*near=22902.*medication=BU"))

    # Filter: private insurance only.
    page.get_by_text("Cambiar la búsqueda").click()
    page.get_by_text("Más filtros").click()
    page.get_by_role("checkbox", name=re.compile(r"^Seguro médico privado")).check()
    page.get_by_role("button", name="Actualizar resultados").click()
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("heading", level=2, name=re.compile("Se encontró 1 programa"))).to_be_visible()
    spanish_page_checks(page)

    # The program's page.
    page.goto("/es/programs/?near=22902&medication=BU")
    page.get_by_role("link", name="Clínica Cercana").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clínica Cercana")
    expect(page.get_by_role("link", name="Llamar al (434) 555-0122")).to_have_attribute("href", "tel:+14345550122")
    expect(page.get_by_role("rowheader", name="Lunes")).to_be_visible()
    expect(page.get_by_text("¿Qué tan al día está esta información?")).to_be_visible()
    spanish_page_checks(page)

    # An article in Spanish.
    page.get_by_role("link", name="Aprenda").click()
    page.get_by_role("link", name="La naloxona salva vidas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La naloxona salva vidas")
    spanish_page_checks(page)

    # Meetings: today's, with day names and "hoy" in Spanish.
    page.get_by_role("link", name="Buscar una reunión").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buscar una reunión de un grupo de apoyo")
    expect(page.get_by_label("Día", exact=True)).to_contain_text("Hoy (")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"reuniones? el [^ ]+ \(hoy\)"))).to_be_visible()
    expect(page.get_by_text("Grupo en Línea")).to_be_visible()
    spanish_page_checks(page)
    page.get_by_role("radio", name="En curso ahora").check()
    page.get_by_role("button", name="Buscar reuniones").click()
    expect(page).to_have_url(re.compile(r"/es/meetings/\?.*when=now"))
    spanish_page_checks(page)

    assert page.recorder.foreign_requests() == []
    assert page.context.cookies() == []


def test_a_browser_that_prefers_spanish_is_offered_it(browser, live_server, listings):
    context = browser.new_context(base_url=live_server.url, locale="es-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/programs/?near=22902")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Véala en español").click()
    expect(page).to_have_url(re.compile(r"/es/programs/\?near=22902$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name="English").click()
    # Back in English from one of our pages: no second offer.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Esta página también está en español.")).to_have_count(0)
    assert context.cookies() == []
    context.close()
