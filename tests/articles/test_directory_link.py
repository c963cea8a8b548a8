"""From an article to the directory and back: the call to action lands on programs that really offer the service."""
import pytest
from django.template.loader import render_to_string

from articles.demo import load_demo_articles
from articles.models import Article
from articles.search import related_articles
from tests.articles.factories import make_article
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def cta_url(page: str) -> str:
    return page.split('<a class="cta-link" href="')[1].split('"')[0].replace("&amp;", "&")


def test_buprenorphine_article_leads_to_programs_offering_it_near_22902(client):
    load_demo_articles()
    offering = make_program(name="Bup Clinic Near Charlottesville", terms=["BU"])
    not_offering = make_program(name="Counseling Only Center", terms=["ORT"])
    far_away = make_program(
        name="Bup Clinic In Phoenix", terms=["BU"], city="Phoenix", state="AZ", zip_code="85004",
        latitude=33.45, longitude=-112.07,
    )
    page = client.get("/learn/buprenorphine/").content.decode()
    url = cta_url(page)
    assert url == "/programs/?medication=BU"

    results = client.get(url + "&near=22902")
    assert results.status_code == 200
    html = results.content.decode()
    assert offering.name in html
    assert not_offering.name not in html
    assert far_away.name not in html
    assert "1 program found" in html


def test_every_demo_call_to_action_is_a_search_the_directory_accepts(client):
    load_demo_articles()
    for article in Article.objects.all():
        response = client.get(article.directory_url + "&near=22902")
        assert response.status_code == 200, article.slug
        assert "We ignored" not in response.content.decode(), article.slug
        assert "we ignored an option" not in response.content.decode(), article.slug


def test_detox_article_filters_by_both_care_and_medication(client):
    load_demo_articles()
    both = make_program(name="Detox With Bup", terms=["DT", "BU"])
    make_program(name="Detox Without Bup", terms=["DT"])
    url = cta_url(client.get("/learn/detox-is-not-treatment/").content.decode())
    assert url == "/programs/?care=DT&medication=BU"
    html = client.get(url + "&near=22902").content.decode()
    assert both.name in html and "Detox Without Bup" not in html


def test_related_articles_partial_renders_matches_safely():
    article = make_article(title="How <buprenorphine> works", body="Buprenorphine.")
    html = render_to_string(
        "articles/includes/related_articles.html",
        {"articles": related_articles("buprenorphine"), "query": "buprenorphine <b>"},
    )
    assert '<section class="related-articles" aria-labelledby="related-articles-heading">' in html
    assert "<h2 id=\"related-articles-heading\">Articles about “buprenorphine &lt;b&gt;”</h2>" in html
    assert f'<a href="{article.get_absolute_url()}">How &lt;buprenorphine&gt; works</a>' in html
    assert 'href="/learn/search/?q=buprenorphine%20%3Cb%3E"' in html


def test_related_articles_partial_is_empty_without_matches():
    assert render_to_string("articles/includes/related_articles.html", {"articles": [], "query": "x"}).strip() == ""
