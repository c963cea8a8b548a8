"""The Spanish demo articles: each linked to its English original, reviewed, sourced, plain, and found by search."""
import re

import pytest

from articles.demo import ARTICLES_DIR, load_demo_articles, parse_article_file
from articles.models import Article
from articles.search import search_articles

pytestmark = pytest.mark.django_db

COUNTERPARTS = {
    "que-es-el-trastorno-por-consumo-de-opioides": "what-is-opioid-use-disorder",
    "abstinencia-y-desintoxicacion": "opioid-withdrawal-what-to-expect",
    "metadona": "methadone",
    "buprenorfina": "buprenorphine",
    "naltrexona": "naltrexone",
    "tipos-de-tratamiento": "levels-of-care",
    "como-pagar-el-tratamiento": "paying-for-treatment",
    "naloxona-y-sobredosis": "naloxone-and-overdose",
    "embarazo-y-opioides": "pregnancy-and-opioid-use",
    "como-apoyar-a-un-familiar": "supporting-a-loved-one",
    "grupos-de-apoyo": "peer-support-groups",
    "como-escoger-un-programa": "choosing-a-program",
    "senales-de-consumo-de-opioides": "signs-of-opioid-use",
    "la-desintoxicacion-sola-no-es-tratamiento": "detox-is-not-treatment",
    "como-escoger-un-medicamento": "choosing-a-medication",
    "como-es-la-terapia": "what-therapy-looks-like",
    "salud-mental-y-trauma": "mental-health-and-trauma",
    "despues-del-tratamiento": "aftercare-and-relapse-prevention",
}
SPANISH_FILES = sorted((ARTICLES_DIR / "es").glob("*.md"))


def test_every_spanish_article_is_linked_to_its_english_original_and_reviewed():
    load_demo_articles()
    spanish = Article.objects.published().filter(language="es").select_related("translation_of")
    assert {article.slug: article.counterpart.slug for article in spanish} == COUNTERPARTS
    for article in spanish:
        assert article.counterpart.language == "en" and article.counterpart.is_public
        assert article.last_reviewed.year == 2026 and article.demo
        assert article.sources.count() >= 3 and article.faq_entries.count() >= 3, article.slug
        assert all(source.url.startswith("https://") for source in article.sources.all())


def test_every_english_article_has_a_spanish_counterpart():
    load_demo_articles()
    english = Article.objects.published().filter(language="en")
    assert english.count() == 18
    for article in english:
        counterpart = article.public_counterpart
        assert counterpart is not None and counterpart.language == "es", article.slug


def text_of(path) -> str:
    record = parse_article_file(path)
    return "\n".join([record.title, record.summary, record.body, *(f"{q} {a}" for q, a in record.faq)])


@pytest.mark.parametrize("path", SPANISH_FILES, ids=lambda path: path.stem)
def test_spanish_articles_name_only_the_portals_crisis_lines(path):
    text = text_of(path)
    assert set(re.findall(r"\d[\d-]{7,}\d", text)) <= {"1-800-662-4357"}
    assert set(re.findall(r"\b9\d\d\b", text)) <= {"988", "911"}
    # Pressing 2 works on a call; by text, Spanish help starts by sending the word AYUDA.
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if not re.search(r"\b988\b", sentence):
            continue
        if re.search(r"\btexto\b", sentence):
            assert "AYUDA" in sentence and "oprima 2" not in sentence, sentence
        else:
            assert "oprima 2 para español" in sentence, sentence


@pytest.mark.parametrize("path", SPANISH_FILES, ids=lambda path: path.stem)
def test_spanish_articles_use_short_sentences(path):
    body = re.sub(r"[#*_|]", " ", parse_article_file(path).body)
    sentences = [s.split() for s in re.split(r"(?<=[.!?:])\s+|\n+", body) if s.split()]
    lengths = [len(words) for words in sentences]
    assert sum(lengths) / len(lengths) <= 12, path.name
    assert max(lengths) <= 24, [" ".join(words) for words in sentences if len(words) > 24]
    assert re.search(r"\busted\b", body, re.IGNORECASE) and not re.search(r"\btú\b", body, re.IGNORECASE)


def test_spanish_demo_search_puts_the_right_article_first():
    load_demo_articles()
    expected = {
        "desintoxicación": "abstinencia-y-desintoxicacion",
        "desintoxicacion": "abstinencia-y-desintoxicacion",
        "síntomas de abstinencia": "abstinencia-y-desintoxicacion",
        "metadona": "metadona",
        "clínica de metadona": "metadona",
        "buprenorfina": "buprenorfina",
        "naltrexona": "naltrexona",
        "sin seguro": "como-pagar-el-tratamiento",
        "Medicaid": "como-pagar-el-tratamiento",
        "escala móvil": "como-pagar-el-tratamiento",
        "naloxona": "naloxona-y-sobredosis",
        "sobredosis": "naloxona-y-sobredosis",
        "embarazada": "embarazo-y-opioides",
        "tratamiento residencial": "tipos-de-tratamiento",
        "familiar": "como-apoyar-a-un-familiar",
        "adicción a los opioides": "que-es-el-trastorno-por-consumo-de-opioides",
        "grupos de apoyo": "grupos-de-apoyo",
        "reuniones en español": "grupos-de-apoyo",
        "estafa": "como-escoger-un-programa",
        "reclutadores": "como-escoger-un-programa",
    }
    first = {words: [a.slug for a in search_articles(words, "es")][:1] for words in expected}
    assert first == {words: [slug] for words, slug in expected.items()}
    assert not search_articles("desintoxicación", "en")


DRUG_USE_AS_USAR = re.compile(
    r"ganas de usar|(dejar|volver|vuelve|vuelven|volverá) a usar|dejar de usar|(sigue|seguir|esté) usando"
    r"|\b(usa|usan|uso|usaba)\b (opioides|drogas|alcohol)|sin usar\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", SPANISH_FILES, ids=lambda path: path.stem)
def test_spanish_articles_say_consumir_in_one_register_without_labels(path):
    text = text_of(path)
    assert not DRUG_USE_AS_USAR.search(text), DRUG_USE_AS_USAR.search(text)
    assert not re.search(r"subidón|borrachera|\bes adict[oa]\b|\badictos?\b(?! a)", text, re.IGNORECASE)
    if "pastillas para los nervios" in text:
        assert "benzodiacepinas" in text, "explain 'pastillas para los nervios' as benzodiazepines"
