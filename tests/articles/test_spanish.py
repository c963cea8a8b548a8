"""Articles in Spanish: search with PostgreSQL's Spanish configuration, counterpart links, addresses."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from articles.models import Article, language_code
from articles.search import highlight, related_articles, search_articles
from tests.articles.factories import make_article
from tests.portal.test_sitemap import sitemap_text

pytestmark = pytest.mark.django_db

DETOX_BODY = """## Qué es la desintoxicación

La desintoxicación ayuda al cuerpo a dejar los opioides sin peligro. Los síntomas de la abstinencia
son fuertes: dolor de huesos, diarrea, escalofríos. El personal médico le da medicinas para los
síntomas.
"""
METHADONE_BODY = """## Cómo funciona la metadona

La metadona se toma una vez al día en una clínica. Algunas personas la empiezan después de una
desintoxicación, pero no hace falta esperar.
"""
PREGNANCY_BODY = """## Si usted está embarazada

Durante el embarazo, la metadona y la buprenorfina protegen al bebé y a la madre.
"""


@pytest.fixture
def spanish_library():
    english_detox = make_article(
        title="Opioid withdrawal and detox", slug="withdrawal", body="## Detox\n\nWithdrawal and detox explained.\n"
    )
    return {
        "english_detox": english_detox,
        "detox": make_article(
            title="La abstinencia y la desintoxicación", slug="abstinencia-y-desintoxicacion", language="es",
            summary="Qué pasa cuando el cuerpo deja los opioides.", body=DETOX_BODY, translation_of=english_detox,
        ),
        "methadone": make_article(
            title="La metadona", slug="metadona", language="es", summary="Un medicamento que se toma cada día.",
            body=METHADONE_BODY,
        ),
        "pregnancy": make_article(
            title="El embarazo y los opioides", slug="embarazo-y-opioides", language="es",
            summary="Cómo cuidar al bebé y a la madre.", body=PREGNANCY_BODY,
        ),
    }


def slugs(articles) -> list[str]:
    return [article.slug for article in articles]


@pytest.mark.parametrize("words", [
    "desintoxicación",
    "desintoxicaciones",          # plural: the Spanish stemmer reduces both to one stem
    "desintoxicacion",            # typed without the accent
    "la abstinencia de los opioides",  # Spanish stop words are ignored, not required
    "síntomas de abstinencia",
    "sintomas abstinencia",
])
def test_spanish_search_ranks_the_detox_article_first(spanish_library, words):
    found = slugs(search_articles(words, "es"))
    assert found[0] == "abstinencia-y-desintoxicacion", found


def test_spanish_stemming_joins_related_words(spanish_library):
    # "embarazada" (pregnant) and "embarazo" (pregnancy) share a stem in Spanish, not in English.
    assert slugs(search_articles("embarazada", "es")) == ["embarazo-y-opioides"]
    assert slugs(Article.objects.search("tratamientos", "es")) == []  # no article says it: nothing invented


def test_each_language_searches_only_its_own_articles(spanish_library):
    assert slugs(search_articles("detox", "en")) == ["withdrawal"]
    assert slugs(search_articles("desintoxicación", "en")) == []
    assert "withdrawal" not in slugs(search_articles("withdrawal detox", "es"))


def test_search_uses_the_visitors_language_when_none_is_given(spanish_library):
    with translation.override("es"):
        assert slugs(search_articles("metadona"))[0] == "metadona"
        assert [a.slug for a in related_articles("metadona")][0] == "metadona"
    with translation.override("en"):
        assert slugs(search_articles("metadona")) == []


def test_spanish_snippets_mark_the_matching_words(spanish_library):
    article = search_articles("síntoma", "es")[0]
    assert "<mark>síntomas</mark>" in highlight(article.headline)


def test_language_codes_map_to_article_languages():
    assert language_code("es") == language_code("es-mx") == language_code("ES") == "es"
    assert language_code("en-us") == language_code("fr") == "en"
    assert Article.objects.in_language("es-mx").query is not None


def test_counterparts_link_both_ways(spanish_library, client):
    english, spanish = spanish_library["english_detox"], spanish_library["detox"]
    assert english.counterpart == spanish and spanish.counterpart == english
    assert spanish_library["methadone"].counterpart is None

    english_page = client.get(english.get_absolute_url()).content.decode()
    assert f'href="{spanish.get_absolute_url()}" hreflang="es" lang="es">Lea este artículo en español</a>' in english_page
    spanish_page = client.get(spanish.get_absolute_url()).content.decode()
    assert f'href="{english.get_absolute_url()}" hreflang="en" lang="en">Read this article in English</a>' in spanish_page
    assert 'lang="es"' in spanish_page.split('<article', 1)[1].split(">", 1)[0]
    assert '"inLanguage": "es"' in spanish_page
    assert "Lea este artículo" not in client.get(spanish_library["methadone"].get_absolute_url()).content.decode()


def test_an_unpublished_counterpart_is_not_linked(client):
    english = make_article(slug="naloxone")
    make_article(slug="naloxona", language="es", translation_of=english, status=Article.Status.DRAFT)
    assert "Lea este artículo" not in client.get(english.get_absolute_url()).content.decode()


def test_counterpart_rules():
    english = make_article(slug="methadone")
    other_english = make_article(slug="buprenorphine")
    spanish = make_article(slug="metadona", language="es", translation_of=english)

    same_language = Article(title="x", slug="x", summary="x", body="x", language="en", translation_of=other_english)
    with pytest.raises(ValidationError, match="also in English"):
        same_language.full_clean()
    second = Article(title="y", slug="y", summary="y", body="y", language="es", translation_of=english)
    with pytest.raises(ValidationError, match="already has a counterpart"):
        second.full_clean()
    chained = Article(title="z", slug="z", summary="z", body="z", language="en", translation_of=spanish)
    with pytest.raises(ValidationError, match="itself the counterpart"):
        chained.full_clean()
    english.translation_of = spanish
    with pytest.raises(ValidationError):
        english.full_clean()


def test_slugs_are_unique_across_languages():
    make_article(slug="metadona")
    duplicate = Article(title="t", slug="metadona", summary="s", body="b", language="es")
    with pytest.raises(ValidationError, match="slug"):
        duplicate.full_clean()


def test_lists_feed_and_faq_show_the_pages_language(spanish_library, client):
    make_article(slug="faq-en", faq=[("An English question?", "Yes.")])
    make_article(slug="faq-es", language="es", faq=[("¿Una pregunta en español?", "Sí.")])
    index = client.get(reverse("articles:index")).content.decode()
    assert "Opioid withdrawal and detox" in index and "La metadona" not in index
    faq = client.get(reverse("articles:faq")).content.decode()
    assert "An English question?" in faq and "¿Una pregunta en español?" not in faq
    feed = client.get(reverse("articles:feed")).content.decode()
    assert "Opioid withdrawal" in feed and "La metadona" not in feed
    with translation.override("es"):
        spanish = Article.objects.published().in_language()
        assert set(slugs(spanish)) == {"abstinencia-y-desintoxicacion", "metadona", "embarazo-y-opioides", "faq-es"}


@pytest.fixture
def spanish_urls(settings):
    """Spanish under /es/ with LocaleMiddleware, as the portal's i18n URL conf does it."""
    settings.LANGUAGES = [("en", "English"), ("es", "Español")]
    settings.ROOT_URLCONF = "tests.articles.i18n_urls"
    if "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
                          "django.middleware.locale.LocaleMiddleware")
        settings.MIDDLEWARE = middleware


@pytest.mark.usefixtures("spanish_urls")
def test_with_language_prefixes_each_article_lives_under_its_language(spanish_library, client):
    english, spanish = spanish_library["english_detox"], spanish_library["detox"]
    assert english.get_absolute_url() == "/learn/withdrawal/"
    assert spanish.get_absolute_url() == "/es/learn/abstinencia-y-desintoxicacion/"
    assert client.get("/es/learn/abstinencia-y-desintoxicacion/").status_code == 200

    # The language link makes /es/ + the English address: it leads to the Spanish counterpart.
    response = client.get("/es/learn/withdrawal/?from=switch")
    assert response.status_code == 301
    assert response["Location"] == "/es/learn/abstinencia-y-desintoxicacion/?from=switch"
    assert client.get("/learn/abstinencia-y-desintoxicacion/")["Location"] == "/learn/withdrawal/"
    # Without a counterpart, the article's own address.
    assert client.get("/learn/metadona/")["Location"] == "/es/learn/metadona/"
    assert not client.cookies


@pytest.mark.usefixtures("spanish_urls")
def test_spanish_pages_list_and_search_spanish_articles(spanish_library, client):
    index = client.get("/es/learn/").content.decode()
    assert "La metadona" in index and "Opioid withdrawal and detox" not in index
    results = client.get("/es/learn/search/", {"q": "desintoxicacion"}).content.decode()
    assert results.index("La abstinencia y la desintoxicación") < results.index("La metadona")
    assert "Opioid withdrawal" not in results
    english_results = client.get("/learn/search/", {"q": "detox"}).content.decode()
    assert "Opioid withdrawal and detox" in english_results and "La abstinencia" not in english_results
    sitemap = sitemap_text(client)
    assert "/es/learn/abstinencia-y-desintoxicacion/" in sitemap and "/learn/withdrawal/" in sitemap
