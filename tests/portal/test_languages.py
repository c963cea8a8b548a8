"""English at today's addresses, Spanish under /es/: the address alone decides, every page links both."""
import datetime
import re

import pytest
from django.test import Client

from tests.articles.factories import make_article, make_topic
from tests.factories import make_program
from tests.meetings.factories import make_meeting
from tests.portal.test_sitemap import sitemap_text

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


@pytest.fixture
def public_paths(db):
    """One English address of every kind of public page, with real content behind it."""
    program = make_program(name="Alpha Recovery", terms=["BU", "MD"], hours=[(1, datetime.time(8), datetime.time(17))])
    meeting = make_meeting(types=["O"])
    topic = make_topic("Medication")
    make_article(topics=[topic], faq=[("What is it?", "A medicine.")])
    return [
        "/", "/about/",
        "/programs/", "/programs/?near=22902&medication=BU", f"/programs/{program.slug}/",
        f"/programs/{program.slug}/report/", f"/programs/{program.slug}/report/thanks/",
        "/meetings/", "/meetings/?day=today&near=21201", f"/meetings/{meeting.slug}/",
        "/learn/", f"/learn/topic/{topic.slug}/", "/learn/faq/", "/learn/search/?q=test",
        "/guide/", "/guide/?last_use=today&withdrawal=hard&other=alcohol&safety=overdose&home=alone&medication=want",
    ]


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]*)"', page).group(1)


def alternates(page: str) -> dict[str, str]:
    return {
        lang: href.replace("&amp;", "&")
        for lang, href in re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    }


def language_link(page: str) -> tuple[str, str, str]:
    href, lang, text = re.search(
        r'<a class="language-link" href="([^"]+)" hreflang="[^"]+" lang="([^"]+)">([^<]+)</a>', page
    ).groups()
    return href.replace("&amp;", "&"), lang, text


def test_every_public_page_answers_in_both_languages_with_alternates(client, public_paths):
    for english in public_paths:
        spanish = "/es" + english
        for path, lang, other, other_name in [(english, "en", spanish, "Español"), (spanish, "es", english, "English")]:
            response = client.get(path)
            page = response.content.decode()
            assert response.status_code == 200, path
            assert html_lang(page) == lang, path
            assert response.headers["Content-Language"] == lang, path
            assert alternates(page) == {"en": HOST + english, "es": HOST + spanish, "x-default": HOST + english}, path
            assert language_link(page) == (other, "es" if lang == "en" else "en", other_name), path
            assert not response.cookies, path


def test_spanish_pages_are_in_spanish(client):
    page = client.get("/es/").content.decode()
    assert "Encuentre tratamiento para el uso de opioides cerca de usted" in page
    assert "Ir al contenido principal" in page
    assert "oprima 2 para español" in page
    assert '<a class="site-name" href="/es/">Encuentre tratamiento para los opioides</a>' in page
    assert "Find treatment for opioid use near you" not in page


def test_the_language_link_keeps_the_page_and_its_query(client):
    page = client.get("/programs/?near=22902&medication=BU&medication=METH&page=2").content.decode()
    assert language_link(page)[0] == "/es/programs/?near=22902&medication=BU&medication=METH&page=2"
    page = client.get("/es/meetings/?day=3&time=evening").content.decode()
    assert language_link(page)[0] == "/meetings/?day=3&time=evening"


def test_neither_cookie_nor_browser_language_decides(client):
    client.cookies["django_language"] = "es"
    client.cookies["sessionid"] = "whatever"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert english.status_code == 200 and html_lang(english.content.decode()) == "en"
    spanish = client.get("/es/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert html_lang(spanish.content.decode()) == "es"


def test_a_browser_asking_for_spanish_is_offered_it_never_redirected(client):
    response = client.get("/programs/?near=22902", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9,en;q=0.5")
    page = response.content.decode()
    assert response.status_code == 200 and html_lang(page) == "en"
    offer = re.search(r'<p class="language-offer" lang="es">(.*?)</p>', page, re.S).group(1)
    assert "Esta página también está en español." in offer
    assert 'href="/es/programs/?near=22902"' in offer.replace("&amp;", "&")
    assert not response.cookies


@pytest.mark.parametrize("headers", [
    {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9,es;q=0.8"},
    {},
    # Coming from one of our own pages (they chose English with the link): no second offer.
    {"HTTP_ACCEPT_LANGUAGE": "es", "HTTP_REFERER": "http://testserver/es/"},
])
def test_no_offer_when_english_is_preferred_or_already_chosen(client, headers):
    assert "language-offer" not in client.get("/", **headers).content.decode()


def test_no_offer_on_spanish_pages(client):
    assert "language-offer" not in client.get("/es/", HTTP_ACCEPT_LANGUAGE="es").content.decode()


@pytest.mark.parametrize("path", ["/fr/", "/fr/programs/", "/de/learn/?q=x", "/zz/", "/es-xx/"])
def test_unknown_language_prefix_is_an_english_404_linking_both_languages(path):
    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in page and html_lang(page) in {"en", "es"}
    assert re.search(r'<li lang="en"><a href="/" hreflang="en">Home page in English</a></li>', page)
    assert re.search(r'<li lang="es"><a href="/es/" hreflang="es">Página de inicio en español</a></li>', page)


def test_unknown_language_prefix_404_is_in_english():
    page = Client().get("/fr/programs/").content.decode()
    assert html_lang(page) == "en" and "We could not find that page" in page


def test_missing_spanish_page_is_a_spanish_404():
    response = Client().get("/es/programs/no-such-program/?x=%ff")
    page = response.content.decode()
    assert response.status_code == 404
    assert html_lang(page) == "es" and "No pudimos encontrar esa página" in page


@pytest.mark.parametrize("path", ["/es/admin/", "/es/api/", "/es/sitemap.xml", "/es/robots.txt"])
def test_machine_and_staff_addresses_have_no_spanish_twin(path):
    assert Client().get(path).status_code == 404


def test_the_admin_stays_english(admin_client):
    admin_client.cookies["django_language"] = "es"
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 200
    assert html_lang(page).startswith("en") and "Site administration" in page


def test_machine_endpoints_answer_at_one_address(client):
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/api/").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200


def test_a_page_can_name_its_twin_with_another_address(rf):
    from portal.i18n import language_versions, set_language_urls

    request = rf.get("/learn/what-is-oud/")
    set_language_urls(request, {"en": "/learn/what-is-oud/", "es": "/es/learn/que-es-el-trastorno/"})
    assert {version.code: version.url for version in language_versions(request)} == {
        "en": "/learn/what-is-oud/", "es": "/es/learn/que-es-el-trastorno/",
    }


def test_an_article_links_its_translation_which_has_another_address(client):
    english = make_article(title="Naloxone", slug="naloxone")
    make_article(title="La naloxona", slug="naloxona", language="es", translation_of=english)
    page = client.get("/learn/naloxone/").content.decode()
    assert alternates(page) == {
        "en": HOST + "/learn/naloxone/", "es": HOST + "/es/learn/naloxona/", "x-default": HOST + "/learn/naloxone/",
    }
    assert language_link(page) == ("/es/learn/naloxona/", "es", "Español")
    page = client.get("/es/learn/naloxona/").content.decode()
    assert html_lang(page) == "es"
    assert language_link(page) == ("/learn/naloxone/", "en", "English")


def test_an_article_without_translation_has_no_false_alternate(client):
    make_article(title="Only in English", slug="only-english")
    page = client.get("/learn/only-english/").content.decode()
    assert alternates(page) == {"en": HOST + "/learn/only-english/", "x-default": HOST + "/learn/only-english/"}
    assert language_link(page) == ("/es/learn/", "es", "Español")


def english_interface_phrases() -> list[re.Pattern]:
    """Each English message of three words or more whose Spanish differs, as a pattern (placeholders: anything)."""
    from portal.translations import po_files, read_catalog

    [path] = [path for path in po_files() if path.parts[-3] == "es"]
    patterns = []
    for message in read_catalog(path):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            text = re.sub(r"<[^>]+>", " ", msgid.replace("%%", "%"))
            words = re.sub(r"%\([a-z_]+\)s|\{\}", " ", text).split()
            if len(words) < 3 or msgid in strings:
                continue
            parts = [re.escape(part) for part in re.split(r"%\([a-z_]+\)s|\{\}", " ".join(text.split()))]
            patterns.append(re.compile(r".{0,60}?".join(parts)))
    return patterns


def visible_text(page: str, *, drop_english: bool = True) -> str:
    from tests.i18n_audit import _VisibleText

    # Parts marked as English on purpose (the "English" link, the 404 page's English home link) are left out.
    if drop_english:
        page = re.sub(r'<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", page, flags=re.S)
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(" ".join(parser.texts).split())


def test_spanish_pages_show_no_english_interface_text(client, public_paths):
    phrases = english_interface_phrases()
    assert len(phrases) > 100
    english_home = visible_text(client.get("/").content.decode(), drop_english=False)
    assert sum(bool(phrase.search(english_home)) for phrase in phrases) > 10  # the check sees English text
    # Names that are data (taxonomy, fellowships, meeting types, topics) have their own Spanish fields and
    # their own tests; here only the interface counts, so their English names are taken out first.
    from directory.models import Category, Term
    from meetings.models import Fellowship, MeetingType

    data_names = sorted({name for model in (Category, Term, Fellowship, MeetingType)
                         for name in model.objects.values_list("name", flat=True)}, key=len, reverse=True)
    for english in [*public_paths, "/programs/?near=99999", "/meetings/?near=nowhere-at-all&when=now&zzz=1",
                    "/programs/?near=22902&medication=BU&page=40", "/learn/search/?q=zzzz", "/nope/"]:
        text = visible_text(client.get("/es" + english).content.decode())
        for name in data_names:
            text = text.replace(name, " ")
        found = [phrase.pattern for phrase in phrases if phrase.search(text)]
        assert not found, f"/es{english} shows English: {found[:5]}"


def test_the_sitemap_lists_both_languages_with_alternates(client):
    program = make_program(name="Listed Clinic")
    xml = sitemap_text(client)
    for path in ["/", "/es/", "/programs/", "/es/programs/", program.get_absolute_url(), "/es" + program.get_absolute_url()]:
        assert f"<loc>http://testserver{path}</loc>" in xml, path
    assert f'hreflang="es" href="http://testserver/es{program.get_absolute_url()}"' in xml
    assert f'hreflang="x-default" href="http://testserver{program.get_absolute_url()}"' in xml


def test_robots_txt_keeps_spanish_searches_out_of_indexes_too(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /programs/?" in text and "Disallow: /es/programs/?" in text
