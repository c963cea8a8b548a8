"""The demo articles: every file parses, loads as a published article, and loading twice changes nothing."""
import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from articles.demo import (
    ArticleFileError,
    article_files,
    load_demo_articles,
    parse_article_file,
)
from articles.models import Article, FaqEntry, Source, Topic
from articles.validators import validate_directory_query
from tests.articles.factories import make_reviewer

pytestmark = pytest.mark.django_db

GOOD_FILE = """\
---
title: A test article
slug: a-test-article
summary: What it is about.
demo: yes
reviewed: 2026-11-30
topics: First topic; Second topic
directory_label: Find detox near you
directory_query: care=DT
sources:
  - A source | with a bar | https://example.org/a
faq:
  - Is this a question? | Yes | and the answer has a bar.
---

## Heading

Body text.
"""


ENGLISH_ARTICLES, SPANISH_ARTICLES = 18, 18
ALL_ARTICLES = ENGLISH_ARTICLES + SPANISH_ARTICLES


def test_every_demo_file_parses_and_links_to_a_valid_directory_search():
    files = article_files()
    assert len(files) == ALL_ARTICLES
    assert sum(parse_article_file(path).language == "es" for path in files) == SPANISH_ARTICLES
    for path in files:
        record = parse_article_file(path)
        assert record.title and record.slug and record.summary and record.topics, path.name
        assert record.directory_label and record.directory_query, path.name
        validate_directory_query(record.directory_query)
        assert record.sources and all(url.startswith("https://") for _, url in record.sources), path.name
        assert 400 <= len(record.body.split()) <= 1300, path.name


def test_loading_the_demo_articles_is_idempotent():
    assert load_demo_articles() == (ALL_ARTICLES, 0)
    snapshot = {
        "articles": list(Article.objects.order_by("slug").values_list(
            "slug", "title", "status", "body_html", "language", "translation_of__slug", "reviewer", "last_reviewed"
        )),
        "sources": Source.objects.count(),
        "faq": FaqEntry.objects.count(),
        "topics": list(Topic.objects.values_list("name", "slug", "position")),
    }
    publish_dates = dict(Article.objects.values_list("slug", "publish_date"))

    assert load_demo_articles() == (0, ALL_ARTICLES)
    assert Article.objects.count() == ALL_ARTICLES
    assert snapshot == {
        "articles": list(Article.objects.order_by("slug").values_list(
            "slug", "title", "status", "body_html", "language", "translation_of__slug", "reviewer", "last_reviewed"
        )),
        "sources": Source.objects.count(),
        "faq": FaqEntry.objects.count(),
        "topics": list(Topic.objects.values_list("name", "slug", "position")),
    }
    assert publish_dates == dict(Article.objects.values_list("slug", "publish_date"))


def test_demo_articles_are_public_and_say_they_are_demo_content_with_their_own_dates():
    load_demo_articles()
    assert Article.objects.published().count() == ALL_ARTICLES
    files = {record.slug: record for record in map(parse_article_file, article_files())}
    for article in Article.objects.all():
        # No clinician signed the demo: it says so, with the date each file's facts were checked.
        assert article.demo and article.reviewer is None
        assert article.last_reviewed == files[article.slug].reviewed and article.last_reviewed.year == 2026
        assert article.last_reviewed < article.review_due <= article.last_reviewed + datetime.timedelta(days=365)
        assert article.directory_url.startswith("/programs/?")
        assert article.table_of_contents, article.slug
    assert Topic.objects.count() == 10
    assert Topic.objects.filter(description="").count() == 0


def test_demo_pages_render(client):
    load_demo_articles()
    for article in Article.objects.all():
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200, article.slug
        assert len(response.content) < 60_000
    assert client.get("/learn/").status_code == 200
    english_entries = FaqEntry.objects.filter(article__language="en").count()
    assert client.get("/learn/faq/").content.decode().count("<h3>") == english_entries


def test_articles_config_plugs_into_load_demo():
    assert apps.get_app_config("articles").load_demo_content() == f"{ALL_ARTICLES} articles"
    assert apps.get_app_config("articles").load_demo_content() == f"{ALL_ARTICLES} articles"
    assert Article.objects.count() == ALL_ARTICLES


def test_load_demo_command_mentions_the_articles():
    out = StringIO()
    call_command("load_demo", "--dry-run", stdout=out)
    assert f", {ALL_ARTICLES} articles" in out.getvalue()
    assert Article.objects.count() == 0


def test_load_articles_command_with_dry_run_and_another_folder(tmp_path):
    (tmp_path / "01-a-test-article.md").write_text(GOOD_FILE, encoding="utf-8")
    out = StringIO()
    call_command("load_articles", "--dir", str(tmp_path), "--dry-run", stdout=out)
    assert "Would load 1 articles (1 new, 0 updated)." in out.getvalue()
    assert not Article.objects.exists()

    call_command("load_articles", "--dir", str(tmp_path), stdout=out)
    article = Article.objects.get(slug="a-test-article")
    assert article.is_public
    assert [t.name for t in article.topics.all()] == ["First topic", "Second topic"]
    assert [(s.title, s.url) for s in article.sources.all()] == [("A source | with a bar", "https://example.org/a")]
    assert [(f.question, f.answer) for f in article.faq_entries.all()] == [
        ("Is this a question?", "Yes | and the answer has a bar.")
    ]
    assert article.body_html == '<h2 id="section-heading">Heading</h2>\n<p>Body text.</p>'
    assert article.last_reviewed == datetime.date(2026, 11, 30) and article.demo
    assert article.review_due == datetime.date(2027, 11, 30)  # a year after the review when not given


@pytest.mark.parametrize(
    "text, message",
    [
        ("no front matter\n", "must start with a '---' line"),
        ("---\ntitle: x\n", "no closing '---' line"),
        ("---\ntitle: x\nslug: x\nreviewed: 2026-11-30\n---\nbody\n", "missing summary"),
        ("---\ntitle: x\nslug: x\nsummary: s\n---\nbody\n", "missing reviewed"),
        ("---\ntitle: x\nslug: x\nsummary: s\nreviewed: 2026-11-30\n---\nbody\n",
         "name the clinical reviewer's staff account"),
        ("---\ntitle: x\nslug: x\nsummary: s\nreviewed: 2026-11-30\ndemo: maybe\n---\nbody\n", "'demo' must be yes or no"),
        ("---\ntitle: x\nslug: x\nsummary: s\nreviewed: 2026-11-30\ndemo: yes\nexpires:\n  - A rule | soon\n---\nb\n",
         "ends with a date"),
        ("---\ntitle: x\nslug: x\nsummary: s\ncolour: blue\n---\nbody\n", "line 5: unknown front-matter line"),
        ("---\ntitle: x\nslug: x\nsummary: s\nsources:\n  - no bar here\n---\nbody\n", "line 6: write the item as"),
        ("---\ntitle: x\nslug: x\nsummary: s\nreviewed: 2026-11-30\nlanguage: fr\n---\nbody\n", "unknown language 'fr'"),
        ("---\ntitle: x\nslug: x\nsummary: s\nreviewed: last week\n---\nbody\n", "'reviewed' must be a date"),
    ],
)
def test_broken_files_are_reported_with_their_line(tmp_path, text, message):
    path = tmp_path / "01-broken.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ArticleFileError) as error:
        parse_article_file(path)
    assert message in str(error.value)
    assert "01-broken.md" in str(error.value)


def test_invalid_front_matter_values_stop_the_command_and_keep_nothing(tmp_path):
    (tmp_path / "01-good.md").write_text(GOOD_FILE, encoding="utf-8")
    (tmp_path / "02-bad.md").write_text(
        GOOD_FILE.replace("a-test-article", "bad-one").replace("care=DT", "cure=DT"), encoding="utf-8"
    )
    with pytest.raises(CommandError) as error:
        call_command("load_articles", "--dir", str(tmp_path), stdout=StringIO())
    assert "02-bad.md" in str(error.value) and "cure" in str(error.value)
    assert not Article.objects.exists()


def test_a_translation_names_its_counterpart_and_its_own_reviewer(tmp_path):
    (tmp_path / "01-a-test-article.md").write_text(GOOD_FILE, encoding="utf-8")
    (tmp_path / "es").mkdir()
    spanish = GOOD_FILE.replace("slug: a-test-article", "slug: un-articulo").replace(
        "demo: yes\nreviewed: 2026-11-30\n", ""
    ).replace(
        "topics:", "language: es\ncounterpart: a-test-article\nreviewer: aruiz\nreviewed: 2026-11-29\n"
        "expires:\n  - Telehealth flexibilities | 2026-12-31\ntopics:"
    )
    (tmp_path / "es" / "01-un-articulo.md").write_text(spanish, encoding="utf-8")
    with pytest.raises(CommandError, match="no clinical reviewer has the staff account 'aruiz'"):
        call_command("load_articles", "--dir", str(tmp_path), stdout=StringIO())
    make_reviewer("Ana Ruiz", "MD", username="aruiz")
    call_command("load_articles", "--dir", str(tmp_path), stdout=StringIO())
    article = Article.objects.get(slug="un-articulo")
    assert article.language == "es" and article.counterpart.slug == "a-test-article"
    assert str(article.reviewer) == "Ana Ruiz, MD" and not article.demo
    assert article.last_reviewed == datetime.date(2026, 11, 29)
    assert [(f.statement, f.expires_on) for f in article.expiring_facts.all()] == [
        ("Telehealth flexibilities", datetime.date(2026, 12, 31))
    ]
    assert Article.objects.get(slug="a-test-article").counterpart == article

    (tmp_path / "es" / "01-un-articulo.md").write_text(
        spanish.replace("counterpart: a-test-article", "counterpart: nowhere"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="no article has the counterpart slug 'nowhere'"):
        call_command("load_articles", "--dir", str(tmp_path), stdout=StringIO())
    assert Article.objects.get(slug="un-articulo").counterpart.slug == "a-test-article"  # rolled back


def test_load_articles_refuses_a_missing_folder(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_articles", "--dir", str(tmp_path / "nowhere"), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("load_articles", "--dir", str(tmp_path), stdout=StringIO())
