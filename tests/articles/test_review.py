"""Keeping articles current: a clinician (not the last editor) signs them, re-reviews fall due, rules expire.

Every test runs on a frozen clock: django.utils.timezone.now is replaced, so localdate() follows it.
"""
import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.demo import load_demo_articles
from articles.models import SAME_ACCOUNT_MESSAGE, Article, ExpiringFact
from tests.articles.factories import make_article, make_reviewer
from tests.security.test_stale_forms import open_form

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def today(fixed_now):
    """Freeze the clock at noon UTC on a given date: today(date) returns the date."""

    def freeze(day: datetime.date) -> datetime.date:
        fixed_now(datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=UTC))
        return day

    return freeze


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def accounts(django_user_model):
    """Two staff accounts with clinical credentials, and a logged-in client for each."""
    editor = django_user_model.objects.create_superuser("editor", password="a long test password")
    clinician = django_user_model.objects.create_superuser("clinician", password="a long test password")
    as_editor, as_clinician = Client(), Client()
    as_editor.force_login(editor)
    as_clinician.force_login(clinician)
    return {
        "editor": editor, "clinician": clinician, "as_editor": as_editor, "as_clinician": as_clinician,
        "editor_reviewer": make_reviewer("Eli Editor", "RN", username="editor"),
        "clinician_reviewer": make_reviewer("Ana Ruiz", "MD", username="clinician"),
    }


def signed_in_again(client, django_user_model):
    """Sign the admin in at the frozen time: a session opened at another time may have expired."""
    client.force_login(django_user_model.objects.get(username="admin"))


def test_the_rereview_date_flags_the_article_to_staff_and_readers(today, admin_client, client, django_user_model):
    today(datetime.date(2027, 1, 15))
    article = make_article(title="How methadone works", last_reviewed=datetime.date(2026, 2, 1),
                           review_due=datetime.date(2027, 2, 1), reviewer=make_reviewer("Ana Ruiz", "MD"))
    assert not article.review_overdue and not Article.objects.review_overdue().exists()
    page = text_of(client.get(article.get_absolute_url()))
    assert "Reviewed on February 1, 2026 by Ana Ruiz, MD" in page and "due for a new review" not in page

    today(datetime.date(2027, 2, 2))
    signed_in_again(admin_client, django_user_model)
    assert list(Article.objects.review_overdue()) == [article] and article.review_overdue
    page = text_of(client.get(article.get_absolute_url()))
    assert "Last reviewed on February 1, 2026 . This article is due for a new review" in page

    changelist = admin_client.get(reverse("admin:articles_article_changelist"), {"review": "overdue"})
    assert "How methadone works" in text_of(changelist)
    assert "⚠ overdue since 2027-02-01" in text_of(changelist)
    assert "How methadone works" not in text_of(
        admin_client.get(reverse("admin:articles_article_changelist"), {"review": "current"})
    )
    change = text_of(admin_client.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert "Re-review overdue: it was due by 2027-02-01 (last reviewed on 2026-02-01)" in change


def test_a_new_review_moves_the_rereview_date_a_year_on(today):
    today(datetime.date(2027, 3, 1))
    article = make_article(last_reviewed=datetime.date(2026, 1, 10), review_due=datetime.date(2027, 1, 10))
    assert article.review_overdue
    article.last_reviewed = datetime.date(2027, 3, 1)
    article.save()
    assert article.review_due == datetime.date(2028, 2, 29) and not article.review_overdue


def test_statements_that_expire_warn_staff_before_the_rule_ends(today, admin_client, django_user_model):
    today(datetime.date(2026, 12, 7))
    signed_in_again(admin_client, django_user_model)
    article = make_article(title="How buprenorphine works")
    ExpiringFact.objects.create(article=article, statement="Telehealth flexibilities for buprenorphine",
                                expires_on=datetime.date(2026, 12, 31))
    later = make_article(title="Paying for treatment")
    ExpiringFact.objects.create(article=later, statement="A rule that lasts", expires_on=datetime.date(2027, 6, 30))

    assert list(Article.objects.facts_expiring()) == [article]
    changelist = text_of(admin_client.get(reverse("admin:articles_article_changelist"), {"review": "expiring"}))
    assert "How buprenorphine works" in changelist and "Paying for treatment" not in changelist
    assert "⚠ 1 statement ends 2026-12-31" in changelist
    change = text_of(admin_client.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert "“Telehealth flexibilities for buprenorphine” ends on 2026-12-31: re-read the article" in change
    assert "⚠ 24 days left" in change
    quiet = text_of(admin_client.get(reverse("admin:articles_article_change", args=[later.pk])))
    assert "re-read the article" not in quiet and "7 months left" in quiet

    today(datetime.date(2027, 1, 2))
    signed_in_again(admin_client, django_user_model)
    change = text_of(admin_client.get(reverse("admin:articles_article_change", args=[article.pk])))
    assert "ended on 2026-12-31" in change and "⚠ ended 2 days ago" in change


def test_the_reviewer_is_chosen_from_staff_accounts_with_credentials(admin_client, django_user_model):
    make_reviewer("Ana Ruiz", "MD")
    former = make_reviewer("Former Staff", "DO", username="former")
    django_user_model.objects.filter(pk=former.user_id).update(is_staff=False)
    article = make_article(reviewer=None)
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    field = re.search(r'<select name="reviewer".*?</select>', page, re.DOTALL).group(0)
    assert "Ana Ruiz, MD" in field and "Former Staff" not in field
    assert not re.search(r'<input[^>]+name="reviewer"', page)  # no typed names


def test_the_last_editor_cannot_review_their_own_text(accounts):
    article = make_article(title="Naloxone basics", status=Article.Status.DRAFT, reviewer=None,
                           sources=[("CDC", "https://www.cdc.gov/")])
    url = reverse("admin:articles_article_change", args=[article.pk])
    as_editor, as_clinician = accounts["as_editor"], accounts["as_clinician"]

    # The editor changes the text and names themself as its reviewer: refused.
    form = open_form(as_editor, url)
    mine = {**form, "body": form["body"] + "\n\nCarry naloxone.", "status": "published",
            "reviewer": accounts["editor_reviewer"].pk, "last_reviewed": "2026-12-07"}
    refused = as_editor.post(url, mine)
    assert refused.status_code == 200 and SAME_ACCOUNT_MESSAGE in text_of(refused)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT

    # The editor saves the change without a reviewer; the text is now theirs.
    form = open_form(as_editor, url)
    assert as_editor.post(url, {**form, "body": form["body"] + "\n\nCarry naloxone."}).status_code == 302
    assert Article.objects.get(pk=article.pk).last_edited_by == accounts["editor"]

    # Naming themself without touching the text is still refused: they were the last editor.
    form = open_form(as_editor, url)
    refused = as_editor.post(url, {**form, "status": "published", "reviewer": accounts["editor_reviewer"].pk,
                                   "last_reviewed": "2026-12-07"})
    assert SAME_ACCOUNT_MESSAGE in text_of(refused)

    # Another clinician reviews and publishes it.
    form = open_form(as_clinician, url)
    signed = {**form, "status": "published", "reviewer": accounts["clinician_reviewer"].pk,
              "last_reviewed": "2026-12-07"}
    assert as_clinician.post(url, signed).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and str(article.reviewer) == "Ana Ruiz, MD"
    assert article.last_edited_by == accounts["editor"]  # reviewing is not editing

    # The reviewer who then rewrites the text cannot stay its reviewer.
    form = open_form(as_clinician, url)
    refused = as_clinician.post(url, {**form, "summary": "Rewritten by the reviewer."})
    assert SAME_ACCOUNT_MESSAGE in text_of(refused)
    # Nor can they add a question and answer: that is text they would sign too.
    form = open_form(as_clinician, url)
    refused = as_clinician.post(url, {**form, "faq_entries-TOTAL_FORMS": "1", "faq_entries-0-question": "Is it safe?",
                                      "faq_entries-0-answer": "Yes.", "faq_entries-0-position": "1"})
    assert SAME_ACCOUNT_MESSAGE in text_of(refused) and not article.faq_entries.exists()
    # A new question makes whoever adds it the last editor.
    Article.objects.filter(pk=article.pk).update(last_edited_by=None)
    form = open_form(as_editor, url)
    added = as_editor.post(url, {**form, "faq_entries-TOTAL_FORMS": "1", "faq_entries-0-question": "Is it safe?",
                                 "faq_entries-0-answer": "Yes.", "faq_entries-0-position": "1"})
    assert added.status_code == 302 and article.faq_entries.count() == 1
    assert Article.objects.get(pk=article.pk).last_edited_by == accounts["editor"]


def test_the_publish_action_skips_an_article_reviewed_by_its_last_editor(accounts, client):
    own = make_article(title="Reviewed by its writer", status=Article.Status.DRAFT,
                       reviewer=accounts["editor_reviewer"], sources=[("CDC", "https://www.cdc.gov/")])
    Article.objects.filter(pk=own.pk).update(last_edited_by=accounts["editor"])
    other = make_article(title="Reviewed by a colleague", status=Article.Status.DRAFT,
                         reviewer=accounts["clinician_reviewer"], sources=[("CDC", "https://www.cdc.gov/")])
    Article.objects.filter(pk=other.pk).update(last_edited_by=accounts["editor"])
    response = accounts["as_clinician"].post(reverse("admin:articles_article_changelist"), {
        "action": "publish", "_selected_action": [own.pk, other.pk],
    }, follow=True)
    assert "Not published: Reviewed by its writer." in text_of(response)
    assert client.get(own.get_absolute_url()).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 200


def test_demo_pages_say_they_are_demo_content_with_their_own_date(today, client):
    today(datetime.date(2026, 12, 8))
    load_demo_articles()
    english = text_of(client.get(Article.objects.get(slug="signs-of-opioid-use").get_absolute_url()))
    assert "Demo content, not reviewed by a clinician: checked against its sources on November 23, 2026" in english
    spanish = text_of(client.get(Article.objects.get(slug="buprenorfina").get_absolute_url()))
    assert "Contenido de demostración, sin revisión de un profesional clínico" in spanish
    assert "7 de diciembre de 2026" in spanish
    assert ExpiringFact.objects.filter(expires_on=datetime.date(2026, 12, 31)).count() == 6
