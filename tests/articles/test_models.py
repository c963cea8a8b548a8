"""Articles and their QuerySet: who sees what, search ranking, and the directory search an article links to."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article
from articles.search import highlight, related_articles, search_articles
from articles.validators import validate_directory_query
from tests.articles.factories import make_article, make_topic

pytestmark = pytest.mark.django_db


def test_only_published_articles_whose_date_has_come_are_public():
    public = make_article(title="Public")
    make_article(title="Draft", status=Article.Status.DRAFT)
    make_article(title="In review", status=Article.Status.IN_REVIEW)
    make_article(title="Scheduled", publish_date=timezone.now() + datetime.timedelta(hours=2))

    assert list(Article.objects.published()) == [public]
    assert public.is_public


def test_a_scheduled_article_becomes_public_once_its_date_passes():
    article = make_article(publish_date=timezone.now() + datetime.timedelta(days=1))
    assert not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(publish_date=timezone.now() - datetime.timedelta(minutes=1))
    assert list(Article.objects.published()) == [article]


def test_publishing_without_a_date_publishes_now():
    article = make_article(publish_date=None)
    assert article.publish_date is not None
    assert article.publish_date <= timezone.now()
    draft = make_article(status=Article.Status.DRAFT, publish_date=None)
    assert draft.publish_date is None


def test_saving_renders_the_body_once_and_keeps_it():
    article = make_article(body="## One\n\nHello **there**.\n")
    stored = Article.objects.get(pk=article.pk)
    assert '<h2 id="section-one">One</h2>' in stored.body_html
    assert "<strong>there</strong>" in stored.body_html
    assert stored.body_text == "One. Hello there."
    assert stored.word_count == 3
    stored.body = "Changed."
    stored.save(update_fields=["body"])
    assert Article.objects.get(pk=article.pk).body_html == "<p>Changed.</p>"


def test_review_overdue_lists_articles_not_reviewed_for_a_year():
    fresh = make_article(last_reviewed=timezone.localdate() - datetime.timedelta(days=20))
    old = make_article(last_reviewed=timezone.localdate() - datetime.timedelta(days=400))
    never = make_article(last_reviewed=None)
    assert set(Article.objects.review_overdue()) == {old, never}
    assert not fresh.review_overdue and old.review_overdue


@pytest.mark.parametrize("query", ["medication=BU", "care=DT&medication=BU", "?medication=NU&medication=VTRL", ""])
def test_directory_queries_the_directory_understands_are_accepted(query):
    validate_directory_query(query)


@pytest.mark.parametrize(
    "query, message",
    [
        ("medicine=BU", "does not use these parameters: medicine"),
        ("medication=XYZ", "would ignore part of this"),
        ("radius=7", "would ignore part of this"),
        ("medication", "name=value pairs"),
        ("page=2", "does not use these parameters: page"),
    ],
)
def test_directory_queries_with_unknown_parameters_or_values_are_refused(query, message):
    with pytest.raises(ValidationError) as error:
        validate_directory_query(query)
    assert message in " ".join(error.value.messages)


def test_an_article_needs_both_a_button_label_and_a_search_or_neither():
    article = make_article(directory_label="Find programs", directory_query="")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "directory_query" in error.value.message_dict


def test_article_slugs_cannot_take_the_address_of_another_page():
    article = make_article()
    article.slug = "search"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "slug" in error.value.message_dict


def test_directory_url_keeps_the_filters_in_canonical_form():
    article = make_article(directory_label="Find detox", directory_query="?care=DT&medication=BU")
    assert article.directory_query == "care=DT&medication=BU"
    assert article.directory_url == "/programs/?care=DT&medication=BU"


def test_search_ranks_title_matches_above_body_matches():
    in_body = make_article(title="Paying for care", body="Methadone clinics often take Medicaid.")
    in_title = make_article(title="How methadone works", body="A long-acting medicine.")
    make_article(title="Unrelated", body="Nothing to see here.")
    make_article(title="Methadone draft", status=Article.Status.DRAFT)

    results = list(Article.objects.published().search("methadone"))
    assert results == [in_title, in_body]
    assert results[0].rank > results[1].rank


def test_search_understands_web_style_queries_and_stemming():
    withdrawal = make_article(title="Withdrawal", body="What withdrawing from opioids feels like.")
    naloxone = make_article(title="Naloxone", body="Naloxone reverses an overdose.")
    assert list(Article.objects.search("withdraw")) == [withdrawal]
    assert set(Article.objects.search("withdrawal or naloxone")) == {withdrawal, naloxone}
    assert list(Article.objects.search("naloxone -withdrawal")) == [naloxone]
    assert list(Article.objects.search('"reverses an overdose"')) == [naloxone]


@pytest.mark.parametrize("text", ["'); DROP TABLE articles_article; --", "&|!:*()<>", "a:* & !b", "OR OR -", '"""'])
def test_search_never_fails_on_query_syntax(text):
    make_article(body="Plain words.")
    list(Article.objects.search(text))
    assert Article.objects.count() == 1


def test_snippets_highlight_matches_and_escape_everything_else():
    # PostgreSQL's headline drops what it parses as a tag (<script>), but passes other markup-like text
    # through verbatim (<svg/onload=…>, a nested <<script>script>): escaping the whole snippet covers both.
    make_article(
        title="Hostile",
        body="Type `<script>alert('x')</script>`, `<svg/onload=alert(1)>` and "
        "`<<script>script>alert(2)<</script>/script>` before methadone <b onmouseover=alert(3)>here</b>.",
    )
    [article] = search_articles("methadone")
    assert "<svg/onload=alert(1)>" in article.headline  # what the database hands back is not safe
    snippet = str(highlight(article.headline))
    assert "<mark>methadone</mark>" in snippet
    assert "&lt;svg/onload=alert(1)&gt;" in snippet
    assert "&lt; script&gt;alert(2)" in snippet
    assert "<script" not in snippet and "<svg" not in snippet and "<b" not in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_a_snippet_with_script_in_the_matched_text_stays_text(client):
    make_article(
        title="Pasting code",
        body="Buprenorphine notes: never paste `<script>alert(1)</script>` or `<svg/onload=alert(2)>` here.",
    )
    page = client.get("/learn/search/", {"q": "buprenorphine"}).content.decode()
    snippet = page.split('<p class="snippet">')[1].split("</p>")[0]
    assert "<mark>Buprenorphine</mark>" in snippet
    assert "&lt;svg/onload=alert(2)&gt;" in snippet
    assert "<script" not in snippet and "<svg" not in snippet
    expected = "&lt;script&gt;alert(1)&lt;/script&gt; <mark>x</mark>"
    assert highlight("<script>alert(1)</script> \ue000x\ue001") == expected


def test_highlight_drops_stray_markers_and_escapes_fake_marks():
    assert highlight("a \ue000b\ue001 <mark>c</mark> \ue000d") == "a <mark>b</mark> &lt;mark&gt;c&lt;/mark&gt; d"
    assert highlight(None) == ""


def test_search_articles_ignores_control_characters_and_empty_text():
    make_article(body="Naloxone saves lives.")
    assert list(search_articles("")) == []
    assert list(search_articles("   ")) == []
    assert len(search_articles("nalox\x00one")) == 0  # a NUL splits the word but never breaks the query
    assert len(search_articles("naloxone\x00")) == 1


def test_related_articles_returns_published_matches_best_first():
    topic = make_topic()
    best = make_article(title="Buprenorphine basics", body="Buprenorphine.", topics=[topic])
    other = make_article(title="Medicines", body="Buprenorphine and methadone.")
    make_article(title="Buprenorphine draft", status=Article.Status.DRAFT)
    make_article(title="Buprenorphine later", publish_date=timezone.now() + datetime.timedelta(days=3))

    assert related_articles("buprenorphine") == [best, other]
    assert related_articles("buprenorphine", limit=1) == [best]
    assert related_articles("") == []
    assert related_articles(None) == []
    assert related_articles("zzzz nothing") == []


def test_saving_some_fields_still_keeps_the_derived_ones():
    article = make_article(status=Article.Status.DRAFT, publish_date=None)
    article.status = Article.Status.PUBLISHED
    article.body = "Now **public**."
    article.save(update_fields=["status", "body"])
    stored = Article.objects.get(pk=article.pk)
    assert stored.publish_date is not None
    assert stored.body_html == "<p>Now <strong>public</strong>.</p>"
    assert stored.is_public
