"""The editorial rule a staff member meets: nothing is published without a reviewer, a review date
and a source; and a listing's history says which services were added and removed."""
import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from articles.models import Article
from directory.models import Term
from tests.articles.factories import make_article, make_reviewer
from tests.factories import make_program
from tests.security.test_stale_forms import open_form

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_an_article_without_reviewer_date_or_source_cannot_be_published_from_its_form(admin_client):
    article = make_article(title="Naloxone basics", status=Article.Status.DRAFT, reviewer=None, last_reviewed=None)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = open_form(admin_client, url)
    refused = admin_client.post(url, {**form, "status": "published"})
    assert refused.status_code == 200
    text = text_of(refused)
    assert "Name who reviewed the article before publishing it" in text
    assert "Give the date of the review before publishing" in text
    assert "Add at least one source before publishing" in text
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT

    ready = {**open_form(admin_client, url), "status": "published", "reviewer": make_reviewer("Dr. Rivera").pk,
             "last_reviewed": "2026-11-30", "sources-TOTAL_FORMS": "1", "sources-0-title": "SAMHSA",
             "sources-0-url": "https://www.samhsa.gov/", "sources-0-position": "1", "sources-0-article": str(article.pk)}
    assert admin_client.post(url, ready).status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_the_publish_action_skips_incomplete_articles_and_says_why(admin_client, client):
    incomplete = make_article(title="Unreviewed draft", status=Article.Status.DRAFT, reviewer=None)
    ready = make_article(title="Reviewed draft", status=Article.Status.DRAFT,
                         sources=[("NIDA", "https://nida.nih.gov/")])
    response = admin_client.post(reverse("admin:articles_article_changelist"),
                                 {"action": "publish", "_selected_action": [incomplete.pk, ready.pk]}, follow=True)
    text = text_of(response)
    assert "Not published: Unreviewed draft." in text and "Published 1 article." in text
    assert client.get(incomplete.get_absolute_url()).status_code == 404
    assert client.get(ready.get_absolute_url()).status_code == 200


def test_history_of_a_service_change_lists_what_was_added_and_removed(admin_client):
    program = make_program(name="Harbor Recovery", organization="Harbor Health", terms=["BU", "MD", "PI", "SF", "CO"])
    url = reverse("admin:directory_program_change", args=[program.pk])
    form = open_form(admin_client, url)
    keep = [str(pk) for pk in Term.objects.filter(code__in=["BU", "MD", "PI", "SF"]).values_list("pk", flat=True)]
    added = str(Term.objects.get(code="METH").pk)
    assert admin_client.post(url, {**form, "terms": keep + [added]}).status_code == 302
    message = LogEntry.objects.filter(object_id=str(program.pk)).latest("action_time").get_change_message()
    methadone, co_occurring = Term.objects.get(code="METH"), Term.objects.get(code="CO")
    assert f"added {methadone}" in message and f"removed {co_occurring}" in message
    # The services that stayed are not repeated.
    assert str(Term.objects.get(code="PI")) not in message
