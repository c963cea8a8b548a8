"""The public article pages, the feed, the sitemap and robots.txt, as a visitor meets them."""
import datetime
import json
import re
from urllib.parse import quote_from_bytes
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article
from tests.articles.factories import make_article, make_topic
from tests.factories import make_program
from tests.portal.test_sitemap import sitemap_documents

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    return [json.loads(block) for block in blocks]


def assert_csp_friendly(page: str) -> None:
    """No inline script (other than JSON-LD), no style attributes, nothing loaded from elsewhere."""
    scripts = re.findall(r"<script\b([^>]*)>", page)
    assert all('type="application/ld+json"' in attrs or "src=" in attrs for attrs in scripts), scripts
    assert " style=" not in page and "<style" not in page
    assert not re.search(r'\s(src|href)="(https?:)?//(?!testserver)[^"]*\.(js|css|woff2?|png|jpe?g|svg|gif)', page)


@pytest.fixture
def library():
    medications = make_topic("Medications", slug="medications")
    families = make_topic("Families", slug="families")
    bup = make_article(
        title="How buprenorphine works",
        slug="buprenorphine",
        summary="A medicine that eases withdrawal.",
        body="## What it is\n\nBuprenorphine is a partial opioid.\n\n## Forms\n\nFilm.\n\n"
        "## Where\n\nClinics.\n\n## Next\n\nCall.\n",
        topics=[medications],
        directory_label="Find programs offering buprenorphine near you",
        directory_query="medication=BU",
        sources=[("SAMHSA: Buprenorphine", "https://www.samhsa.gov/buprenorphine")],
        faq=[("Who can prescribe it?", "Most prescribers can."), ("What is Suboxone?", "A brand name.")],
    )
    methadone = make_article(title="How methadone works", slug="methadone", topics=[medications, families])
    helping = make_article(title="Helping a loved one", slug="helping", topics=[families])
    draft = make_article(title="Secret draft", slug="secret-draft", status=Article.Status.DRAFT, topics=[medications])
    return {"bup": bup, "methadone": methadone, "helping": helping, "draft": draft,
            "medications": medications, "families": families}


def test_index_groups_published_articles_by_topic(client, library):
    response = client.get("/learn/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Learn about opioid use and treatment</h1>" in page
    medications = page.split('id="topic-medications"')[1].split("</section>")[0]
    assert "How buprenorphine works" in medications and "How methadone works" in medications
    assert "Helping a loved one" not in medications
    assert "Secret draft" not in page
    assert 'href="/learn/topic/families/"' in page
    assert_csp_friendly(page)
    assert not response.cookies


def test_index_nav_link_is_marked_current(client, library):
    page = client.get("/learn/").content.decode()
    assert '<a href="/learn/" aria-current="page">Learn</a>' in page
    assert '<a href="/learn/">Learn</a>' in client.get("/about/").content.decode()


def test_topic_page_lists_only_its_published_articles(client, library):
    response = client.get("/learn/topic/medications/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Medications</h1>" in page
    assert "How buprenorphine works" in page and "How methadone works" in page
    assert "Helping a loved one" not in page.split("Other topics")[0]
    assert "Secret draft" not in page


@pytest.mark.parametrize("path", ["/learn/topic/nope/", "/learn/nope/", "/learn/secret-draft/", "/learn/topic/"])
def test_unknown_or_unpublished_addresses_are_404(client, library, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_article_page_has_everything_a_reader_needs(client, library):
    response = client.get("/learn/buprenorphine/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="article-title">How buprenorphine works</h1>' in page
    assert 'Reviewed on <time datetime="' in page and "by Test Reviewer" in page
    assert "About 1 minute to read" in page
    cta = '<a class="cta-link" href="/programs/?medication=BU">Find programs offering buprenorphine near you</a>'
    assert cta in page
    assert '<nav class="toc" aria-labelledby="toc-heading">' in page
    assert '<a href="#section-what-it-is">What it is</a>' in page
    assert '<h2 id="section-what-it-is">What it is</h2>' in page
    assert '<a href="https://www.samhsa.gov/buprenorphine" rel="noopener noreferrer">SAMHSA: Buprenorphine</a>' in page
    assert "<h3>Who can prescribe it?</h3>" in page and "<p>Most prescribers can.</p>" in page
    related = page.split('id="related-heading"')[1]
    assert "How methadone works" in related and "Helping a loved one" not in related and "Secret draft" not in related
    assert "Preview: not published" not in page
    assert_csp_friendly(page)
    assert not response.cookies


def test_article_json_ld_is_a_medical_web_page(client, library):
    [data] = json_ld(client.get("/learn/buprenorphine/").content.decode())
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == "How buprenorphine works"
    assert data["url"] == "http://testserver/learn/buprenorphine/"
    assert data["lastReviewed"] == library["bup"].last_reviewed.isoformat()
    assert data["reviewedBy"]["name"] == "Test Reviewer"
    assert data["about"] == [{"@type": "Thing", "name": "Medications"}]
    assert data["citation"][0]["url"] == "https://www.samhsa.gov/buprenorphine"


def test_json_ld_cannot_be_broken_out_of(client):
    make_article(slug="tricky", title="</script><script>alert(1)</script>", summary="a & b")
    page = client.get("/learn/tricky/").content.decode()
    assert "<script>alert(1)" not in page
    assert json_ld(page)[0]["name"] == "</script><script>alert(1)</script>"


def test_anonymous_visitors_get_404_for_a_preview(client, library):
    assert client.get("/learn/secret-draft/?preview=1").status_code == 404
    response = client.get("/learn/secret-draft/", {"preview": "1"})
    assert response.status_code == 404
    assert not response.cookies


def test_staff_preview_an_unpublished_article_with_a_banner(staff_client, library):
    response = staff_client.get("/learn/secret-draft/?preview=1")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Preview: not published.</strong>" in page
    assert "Status: Draft" in page
    assert '<meta name="robots" content="noindex">' in page
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "We ignored" not in page


def test_staff_preview_a_scheduled_article(staff_client):
    make_article(slug="later", publish_date=timezone.now() + datetime.timedelta(days=2))
    page = staff_client.get("/learn/later/?preview=1").content.decode()
    assert "Preview: not published." in page and "Status: Published; publish date" in page


def test_staff_without_preview_see_what_the_public_sees(staff_client, library):
    assert staff_client.get("/learn/secret-draft/").status_code == 404
    page = staff_client.get("/learn/buprenorphine/?preview=1").content.decode()
    assert "Preview: not published" not in page


def test_non_staff_users_cannot_preview(client, django_user_model, library):
    client.force_login(django_user_model.objects.create_user("reader", password="another long password"))
    assert client.get("/learn/secret-draft/?preview=1").status_code == 404


def test_search_page_ranks_and_highlights(client, library):
    response = client.get("/learn/search/", {"q": "buprenorphine"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 article about “buprenorphine”" in page
    assert "<mark>Buprenorphine</mark>" in page
    assert "Secret draft" not in page
    assert_csp_friendly(page)
    assert not response.cookies


def test_search_page_without_words_offers_topics(client, library):
    page = client.get("/learn/search/").content.decode()
    assert "<h1>Search articles</h1>" in page
    assert "Or browse by topic" in page
    assert "We ignored" not in page


def test_search_without_matches_suggests_what_to_try(client, library):
    page = client.get("/learn/search/", {"q": "zzzqqq"}).content.decode()
    assert "No articles match “zzzqqq”" in page
    assert "Use fewer or simpler words" in page


def test_search_is_paginated(client):
    for n in range(12):
        make_article(title=f"Naloxone {n}", body="Naloxone reverses an opioid overdose.")
    first = client.get("/learn/search/", {"q": "naloxone"}).content.decode()
    second = client.get("/learn/search/", {"q": "naloxone", "page": "2"}).content.decode()
    assert "12 articles about “naloxone”, page 1 of 2" in first
    assert '<nav aria-label="Pagination"' in first
    assert "page 2 of 2" in second
    assert first.count('<p class="snippet">') == 10 and second.count('<p class="snippet">') == 2


@pytest.mark.parametrize(
    "query, notice",
    [
        ("q=naloxone&utm_source=x", "We ignored parts of the address this page does not use: utm_source."),
        ("q=" + "a" * 5000, "Your search was longer than 200 characters, so we ignored it."),
        ("q=nal%00oxone", "Your search contained characters we cannot read, so we ignored it."),
        ("q=naloxone&page=abc", "The page number was not a number, so we show the first page."),
        ("q=naloxone&page=99", "There is only 1 page of results; this is the last one."),
        ("q=naloxone&page=-3", "Page numbers start at 1, so we show the first page."),
        ("%00bad%01key=1", "We ignored parts of the address this page does not use: badkey."),
    ],
)
def test_search_explains_what_it_ignored(client, library, query, notice):
    response = client.get(f"/learn/search/?{query}")
    assert response.status_code == 200
    assert notice in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "q=%ff%fe%fd", "q=%C0%AF", "q=' OR 1=1; DROP TABLE articles_article; --", "q=)(&*!|:",
        "q=<script>alert(1)</script>",
        "q=a&q=b", "q[]=x", "q=%2500", "page=%00", "preview=%00", "q=" + "%e2%82%ac" * 300, "&&&==&", "q=the",
    ],
)
@pytest.mark.parametrize(
    "path", ["/learn/", "/learn/search/", "/learn/faq/", "/learn/topic/medications/", "/learn/buprenorphine/"]
)
def test_every_learn_page_survives_bad_query_strings(client, library, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)" not in page
    assert "\x00" not in page


@given(
    params=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(["q", "page", "preview"]), st.binary(max_size=20)),
            st.one_of(st.text(max_size=300), st.binary(max_size=300)),
        ),
        max_size=5,
    )
)
def test_hostile_query_strings_never_cause_a_server_error(client, params):
    def encode(value) -> str:
        return quote_from_bytes(value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass"))

    query = "&".join(f"{encode(key)}={encode(value)}" for key, value in params)
    for path in ("/learn/search/", "/es/learn/search/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, path


def test_faq_page_collects_published_questions_with_json_ld(client, library):
    make_article(title="Hidden", status=Article.Status.DRAFT, faq=[("Secret question?", "Secret answer.")])
    response = client.get("/learn/faq/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h3>Who can prescribe it?</h3>" in page and "<h3>What is Suboxone?</h3>" in page
    assert "Secret question?" not in page
    [data] = json_ld(page)
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0] == {
        "@type": "Question",
        "name": "Who can prescribe it?",
        "acceptedAnswer": {"@type": "Answer", "text": "Most prescribers can."},
    }
    assert len(data["mainEntity"]) == 2
    assert_csp_friendly(page)


def test_feed_lists_published_articles_newest_first(client, library):
    newest = make_article(title="Brand new", publish_date=timezone.now() - datetime.timedelta(minutes=5))
    response = client.get("/learn/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert titles[0] == newest.title
    assert set(titles) == {"Brand new", "How buprenorphine works", "How methadone works", "Helping a loved one"}
    entry = next(e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "How buprenorphine works")
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/learn/buprenorphine/"
    assert entry.findtext(f"{ATOM}summary") == "A medicine that eases withdrawal."
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["Medications"]


def test_sitemap_lists_pages_articles_topics_and_open_programs(client, library):
    open_program = make_program(name="Open Clinic")
    closed = make_program(name="Closed Clinic", status="closed")
    urls = {loc.text for document in sitemap_documents(client)
            for loc in ElementTree.fromstring(document).iter(f"{SITEMAP}loc")}
    expected = {
        "http://testserver/", "http://testserver/about/", "http://testserver/programs/",
        "http://testserver/learn/", "http://testserver/learn/faq/",
        "http://testserver/learn/buprenorphine/", "http://testserver/learn/methadone/",
        "http://testserver/learn/helping/",
        "http://testserver/learn/topic/medications/", "http://testserver/learn/topic/families/",
        f"http://testserver{open_program.get_absolute_url()}",
    }
    assert expected <= urls
    assert "http://testserver/learn/secret-draft/" not in urls
    assert f"http://testserver{closed.get_absolute_url()}" not in urls


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /programs/?" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_pages_answer_head_and_refuse_post(client, library):
    assert client.head("/learn/").status_code == 200
    assert client.post("/learn/search/", {"q": "x"}).status_code == 405


def test_pages_stay_light(client, library):
    for path in ["/learn/", "/learn/buprenorphine/", "/learn/search/?q=buprenorphine", "/learn/faq/"]:
        assert len(client.get(path).content) < 60_000, path


@pytest.mark.parametrize(
    "path, most",
    [("/learn/", 3), ("/learn/buprenorphine/", 6), ("/learn/search/?q=buprenorphine", 4), ("/learn/faq/", 2),
     ("/learn/topic/medications/", 3)],
)
def test_pages_need_few_queries(client, library, django_assert_max_num_queries, path, most):
    # The search reads the words of danger first (safety.danger): one query when they are not cached yet.
    with django_assert_max_num_queries(most):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/learn/feed/?q=%00", "/learn/feed/?page=%ff", "/sitemap.xml?p=%00", "/sitemap.xml?p=99", "/robots.txt?x=%ff%00",
     "/learn/%00/", "/learn/topic/%ff/", "/learn/search/?" + "&".join(f"k{i}=1" for i in range(1200))],
)
def test_feed_sitemap_and_odd_addresses_never_fail(client, library, path):
    client.raise_request_exception = False
    assert client.get(path).status_code < 500
