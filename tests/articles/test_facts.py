"""The facts a clinical review corrected, as a reader sees them on the rendered demo articles."""
import re

import pytest

from articles.demo import load_demo_articles
from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def read(client):
    """The visible text of a demo article's page, by slug, with its source links kept as 'text <url>'."""
    load_demo_articles()

    def page_text(slug: str) -> str:
        response = client.get(Article.objects.get(slug=slug).get_absolute_url())
        assert response.status_code == 200, slug
        html = re.sub(r'<a href="([^"]+)"[^>]*>', r" <\1> ", response.content.decode())
        return re.sub(r"\s+", " ", re.sub(r"<(?!https?:)[^>]+>", " ", html))

    return page_text


def sentences_with(text: str, word: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if re.search(word, s, re.IGNORECASE)]


def test_naltrexone_is_never_said_to_lower_overdose_deaths(read):
    for slug in ["what-is-opioid-use-disorder", "choosing-a-medication", "aftercare-and-relapse-prevention"]:
        text = read(slug)
        for sentence in sentences_with(text, "naltrexone"):
            if re.search(r"lower|prevent", sentence) and re.search(r"overdose", sentence):
                assert "not been shown" in sentence, (slug, sentence)
    row = re.search(r"Lowers overdose deaths\? (.+?) Can cause dependence", read("choosing-a-medication")).group(1)
    assert row.strip().endswith("Not shown; high risk of overdose if stopped") and "Helps" not in row
    # The Spanish library says the same.
    assert "no se ha demostrado" in read("que-es-el-trastorno-por-consumo-de-opioides")


def test_the_end_of_the_x_waiver_is_dated_and_open_to_any_registered_prescriber(read):
    english = read("buprenorphine")
    assert "early 2023" not in english and "Since 2023" not in english and "Now most" not in english
    assert "signed on 29 December 2022" in english
    assert "any doctor, nurse practitioner or physician assistant whose DEA registration covers Schedule III" in english
    spanish = read("buprenorfina")
    assert "En 2023" not in spanish
    assert "29 de diciembre de 2022" in spanish and "Lista III" in spanish


def test_telehealth_names_federal_rules_and_the_end_of_the_flexibilities(read):
    english = read("buprenorphine")
    assert "Federal DEA rules, along with your state's laws" in english and "31 December 2026" in english
    spanish = read("buprenorfina")
    assert "según las reglas de su estado" not in spanish
    assert "reglas federales de la DEA" in spanish and "31 de diciembre de 2026" in spanish


SPANISH_WITH_988 = [
    "que-es-el-trastorno-por-consumo-de-opioides", "abstinencia-y-desintoxicacion", "embarazo-y-opioides",
    "como-apoyar-a-un-familiar",
]


@pytest.mark.parametrize("slug", SPANISH_WITH_988)
def test_spanish_988_press_2_on_a_call_and_ayuda_by_text(read, slug):
    text = read(slug)
    assert "mande un texto al 988 y oprima 2" not in text
    assert "llame al 988 y oprima 2 para español" in text
    assert "mande un mensaje de texto con la palabra AYUDA al 988" in text


def test_programs_for_native_people_and_military_retirees_are_named_right(read):
    spanish = read("como-pagar-el-tratamiento")
    assert "indígenas americanos y nativos de Alaska" in spanish
    assert "indígenas de Estados Unidos y Alaska" not in spanish
    assert "militares retirados" in spanish and "jubilados del ejército" not in spanish
    assert "service members, military retirees and their families" in read("paying-for-treatment")


def test_paying_articles_tell_readers_to_ask_about_the_work_requirement_exemption(read):
    english = read("paying-for-treatment")
    assert "From 1 January 2027" in english and "19 to 64" in english
    assert "people in treatment for substance use and people who are medically frail are exempt" in english
    assert "ask your Medicaid office about the exemption" in english
    spanish = read("como-pagar-el-tratamiento")
    assert "1 de enero de 2027" in spanish and "pregunte en su oficina de Medicaid por la exención" in spanish


@pytest.mark.parametrize("slug, warning", [
    ("levels-of-care", "the body's tolerance drops"),
    ("tipos-de-tratamiento", "el cuerpo pierde la tolerancia"),
])
def test_levels_of_care_warn_that_tolerance_drops_after_residential_care(read, slug, warning):
    text = read(slug)
    assert warning in text and re.search(r"overdose|sobredosis", text[text.index(warning):][:300])
    assert re.search(r"naloxone|naloxona", text[text.index(warning):][:400])


@pytest.mark.parametrize("slug, claim, source", [
    ("naloxone-and-overdose", "Good Samaritan laws", "https://www.gao.gov/products/gao-21-248"),
    ("naloxona-y-sobredosis", "leyes del Buen Samaritano", "https://www.gao.gov/products/gao-21-248"),
    ("choosing-a-program", "Eliminating Kickbacks in Recovery Act of 2018",
     "https://www.law.cornell.edu/uscode/text/18/220"),
    ("como-escoger-un-programa", "EKRA", "https://www.law.cornell.edu/uscode/text/18/220"),
    ("paying-for-treatment", "requires every state Medicaid program to cover all three",
     "https://www.medicaid.gov/federal-policy-guidance/downloads/sho20005.pdf"),
    ("como-pagar-el-tratamiento", "obliga a Medicaid en todos los estados",
     "https://www.medicaid.gov/federal-policy-guidance/downloads/sho20005.pdf"),
    ("choosing-a-medication", "requires every state Medicaid program to cover all three",
     "https://www.congress.gov/bill/118th-congress/house-bill/4366"),
])
def test_claims_that_had_no_source_cite_one(read, slug, claim, source):
    text = read(slug)
    assert claim in text
    sources = text[text.index("Sources" if "Sources" in text else "Fuentes"):]
    assert f"<{source}>" in sources
