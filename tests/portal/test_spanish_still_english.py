"""Spanish pages with no English left: the guide's links to articles not yet in Spanish say so, the
report limit speaks Spanish, and a Spanish address not found in development shows the portal's page."""
import pytest

from directory.models import ProblemReport
from tests.articles.factories import make_article
from tests.factories import make_program

pytestmark = pytest.mark.django_db

ANSWERS = {"last_use": "week", "home": "support", "insurance": "none"}


def test_the_guide_says_when_a_read_more_link_is_in_english(client):
    english = make_article(title="Levels of care", slug="levels-of-care")
    make_article(title="Tipos de tratamiento", slug="tipos-de-tratamiento", language="es", translation_of=english)
    make_article(title="Paying for treatment", slug="paying-for-treatment")
    spanish = client.get("/es/guide/", ANSWERS).content.decode()
    assert ('<a href="/learn/paying-for-treatment/" hreflang="en" lang="en">Paying for treatment</a> (en inglés)'
            in spanish)
    assert '<a href="/es/learn/tipos-de-tratamiento/">Tipos de tratamiento</a></li>' in spanish
    english_page = client.get("/guide/", ANSWERS).content.decode()
    assert "(in English)" not in english_page and "(en inglés)" not in english_page


def test_the_per_listing_report_limit_speaks_spanish(client, settings):
    settings.PORTAL_REPORTS_PER_LISTING_PER_DAY = 2
    program = make_program(name="Harbor")
    for n in range(2):
        ProblemReport.objects.create(program=program, kind="other", visitor_key=f"k{n}")
    refused = client.post(f"/es/programs/{program.slug}/report/", {"kind": "other"}, REMOTE_ADDR="198.51.100.9")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Este listado ya se reportó varias veces hoy" in html
    assert "already been reported" not in html


@pytest.mark.parametrize("address", ["/es/no-hay-tal-pagina/", "/es/programs/no-such-program/", "/es/learn/nada/"])
def test_a_spanish_address_not_found_in_development_shows_the_spanish_404_page(client, settings, address):
    settings.DEBUG = True
    response = client.get(address)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="es">' in html and "No pudimos encontrar esa página" in html
    assert "DEBUG = True" not in html


def test_english_addresses_keep_the_debug_page_for_developers(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "DEBUG = True" in response.content.decode()
