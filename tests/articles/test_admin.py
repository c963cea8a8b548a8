"""The staff admin for articles and topics: every page opens, the actions work, stale reviews stand out."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.admin import describe_age
from articles.models import Article, Topic
from tests.articles.factories import make_article, make_reviewer, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    topic = make_topic("Medications", slug="medications")
    article = make_article(
        title="How naltrexone works",
        topics=[topic],
        sources=[("SAMHSA", "https://www.samhsa.gov/")],
        faq=[("Is it an opioid?", "No.")],
        directory_label="Find programs offering naltrexone",
        directory_query="medication=NU",
    )
    draft = make_article(title="A draft", status=Article.Status.DRAFT, publish_date=None, last_reviewed=None)
    return {"topic": topic, "article": article, "draft": draft}


@pytest.mark.parametrize("model", ["article", "topic", "reviewer"])
def test_changelists_open(admin_client, content, model):
    response = admin_client.get(reverse(f"admin:articles_{model}_changelist"))
    assert response.status_code == 200


def test_reviewer_forms_open_and_list_the_articles_they_signed(admin_client, content):
    reviewer = content["article"].reviewer
    assert admin_client.get(reverse("admin:articles_reviewer_add")).status_code == 200
    assert admin_client.get(reverse("admin:articles_reviewer_change", args=[reviewer.pk])).status_code == 200
    listed = admin_client.get(reverse("admin:articles_reviewer_changelist")).content.decode()
    assert "Test Reviewer" in listed and "MD" in listed


@pytest.mark.parametrize(
    "query",
    ["status=draft", "status=published", "review=overdue", "review=current", "review=expiring", "q=naltrexone",
     "topics__id__exact=1"],
)
def test_article_changelist_filters_and_search_open(admin_client, content, query):
    assert admin_client.get(reverse("admin:articles_article_changelist") + "?" + query).status_code == 200


def test_change_and_add_forms_open(admin_client, content):
    for url in [
        reverse("admin:articles_article_change", args=[content["article"].pk]),
        reverse("admin:articles_article_change", args=[content["draft"].pk]),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_topic_change", args=[content["topic"].pk]),
        reverse("admin:articles_topic_add"),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_change_form_shows_inlines_slug_prepopulation_and_topic_autocomplete(admin_client, content):
    page = admin_client.get(reverse("admin:articles_article_change", args=[content["article"].pk])).content.decode()
    assert 'name="sources-0-url"' in page and 'value="https://www.samhsa.gov/"' in page
    assert 'name="faq_entries-0-question"' in page
    assert "prepopulated_fields" in page or 'data-prepopulated-field' in page or "prepopulate" in page
    assert "admin-autocomplete" in page
    assert "About 1 min" in page


def test_topic_autocomplete_answers(admin_client, content):
    url = reverse("admin:autocomplete") + "?app_label=articles&model_name=article&field_name=topics&term=medic"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Medications"


def test_changelist_shows_status_topics_review_age_and_links(admin_client, content):
    Article.objects.filter(pk=content["article"].pk).update(
        last_reviewed=timezone.localdate() - datetime.timedelta(days=426),
        review_due=timezone.localdate() - datetime.timedelta(days=61),
    )
    page = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "⚠ 14 months ago" in page
    assert "⚠ never" in page
    assert "Medications" in page
    assert f'<a href="/learn/{content["article"].slug}/">View on site</a>' in page
    assert f'<a href="/learn/{content["draft"].slug}/?preview=1">Preview</a>' in page


def test_view_on_site_goes_to_the_preview_for_unpublished_articles(admin_client, content):
    page = admin_client.get(reverse("admin:articles_article_change", args=[content["draft"].pk])).content.decode()
    assert f"/learn/{content['draft'].slug}/?preview=1" in page


def test_publish_action_sets_status_and_fills_an_empty_publish_date(admin_client, content):
    draft = content["draft"]
    # Both are ready to publish: a reviewer, a review date and a source.
    Article.objects.filter(pk=draft.pk).update(last_reviewed=timezone.localdate())
    draft.sources.create(title="NIDA", url="https://nida.nih.gov/", position=1)
    scheduled = make_article(status=Article.Status.IN_REVIEW, publish_date=timezone.now() + datetime.timedelta(days=5),
                             sources=[("SAMHSA", "https://www.samhsa.gov/")])
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk, scheduled.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Published 2 articles. 1 of them will appear on their publish date." in response.content.decode()
    draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert draft.status == scheduled.status == Article.Status.PUBLISHED
    assert draft.publish_date is not None and draft.publish_date <= timezone.now()
    assert scheduled.publish_date > timezone.now()
    assert set(Article.objects.published()) == {content["article"], draft}


def test_send_back_to_draft_hides_the_article(admin_client, client, content):
    article = content["article"]
    assert client.get(article.get_absolute_url()).status_code == 200
    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "send_back_to_draft", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404


def test_saving_in_the_admin_renders_and_validates(admin_client, content):
    topic = content["topic"]
    data = {
        "title": "New article",
        "slug": "new-article",
        "summary": "Short.",
        "body": "## Part\n\nText <script>alert(1)</script>",
        "topics": [topic.pk],
        "language": "en",
        "translation_of": "",
        "status": "in_review",
        "publish_date_0": "",
        "publish_date_1": "",
        "last_reviewed": "",
        "reviewer": "",
        "directory_label": "Find things",
        "directory_query": "medicine=BU",
        "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0",
        "faq_entries-TOTAL_FORMS": "0", "faq_entries-INITIAL_FORMS": "0",
        "expiring_facts-TOTAL_FORMS": "0", "expiring_facts-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "does not use these parameters: medicine" in response.content.decode()

    data["directory_query"] = "medication=BU"
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(slug="new-article")
    assert article.body_html == '<h2 id="section-part">Part</h2>\n<p>Text </p>'
    assert not article.is_public


def test_topic_admin_lists_article_counts(admin_client, content):
    page = admin_client.get(reverse("admin:articles_topic_changelist")).content.decode()
    assert "Medications" in page
    assert Topic.objects.count() == 1


@pytest.mark.parametrize(
    "days, words", [(1, "1 day"), (20, "20 days"), (90, "3 months"), (426, "14 months"), (900, "2 years")]
)
def test_describe_age(days, words):
    assert describe_age(days) == words


def spanish_form(**changes) -> dict:
    data = {
        "title": "La naltrexona",
        "slug": "naltrexona",
        "summary": "Un medicamento que bloquea los opioides.",
        "body": "## Cómo funciona\n\nLa naltrexona bloquea el efecto de los opioides.",
        "language": "es",
        "translation_of": "",
        "status": "draft",
        "publish_date_0": "",
        "publish_date_1": "",
        "last_reviewed": "2026-12-01",
        "reviewer": "",
        "directory_label": "",
        "directory_query": "",
        "sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "0",
        "sources-0-title": "MedlinePlus en español: Naltrexona",
        "sources-0-url": "https://medlineplus.gov/spanish/druginfo/meds/a685041-es.html",
        "sources-0-position": "1",
        "faq_entries-TOTAL_FORMS": "0", "faq_entries-INITIAL_FORMS": "0",
        "expiring_facts-TOTAL_FORMS": "0", "expiring_facts-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_staff_write_and_publish_a_spanish_article_linked_to_its_english_original(admin_client, client, content):
    english = content["article"]
    change_form = admin_client.get(reverse("admin:articles_article_change", args=[english.pk])).content.decode()
    write_link = f"{reverse('admin:articles_article_add')}?language=es&amp;translation_of={english.pk}"
    assert "Write the Spanish version" in change_form and write_link in change_form
    add_form = admin_client.get(write_link.replace("&amp;", "&")).content.decode()
    assert '<option value="es" selected>' in add_form
    assert f'<option value="{english.pk}" selected>' in add_form

    response = admin_client.post(
        reverse("admin:articles_article_add"), spanish_form(translation_of=english.pk, reviewer=make_reviewer().pk)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    spanish = Article.objects.get(slug="naltrexona")
    assert spanish.language == "es" and spanish.counterpart == english and english.counterpart == spanish
    assert spanish.sources.get().url.startswith("https://medlineplus.gov/spanish/")
    assert client.get(spanish.get_absolute_url()).status_code == 404  # a draft
    assert "Lea este artículo" not in client.get(english.get_absolute_url()).content.decode()

    admin_client.post(
        reverse("admin:articles_article_changelist"), {"action": "publish", "_selected_action": [spanish.pk]}
    )
    assert client.get(spanish.get_absolute_url()).status_code == 200
    assert "Lea este artículo en español" in client.get(english.get_absolute_url()).content.decode()
    assert list(Article.objects.search("naltrexona", "es")) == [spanish]

    changelist = admin_client.get(reverse("admin:articles_article_changelist"), {"language__exact": "es"})
    listed = changelist.content.decode()
    assert "La naltrexona" in listed and "A draft" not in listed
    assert "How naltrexone works" in listed  # shown as the Spanish article's counterpart


def test_the_admin_refuses_a_counterpart_in_the_same_language(admin_client, content):
    other_spanish = make_article(slug="metadona", language="es")
    response = admin_client.post(reverse("admin:articles_article_add"), spanish_form(translation_of=other_spanish.pk))
    assert response.status_code == 200
    assert "is also in Spanish; choose the article in the other language" in response.content.decode()
    assert not Article.objects.filter(slug="naltrexona").exists()


def test_counterpart_autocomplete_finds_articles(admin_client, content):
    response = admin_client.get(reverse("admin:autocomplete"), {
        "app_label": "articles", "model_name": "article", "field_name": "translation_of", "term": "naltrexone",
    })
    assert [item["text"] for item in response.json()["results"]] == ["How naltrexone works"]
