"""Two staff members editing one listing: the second save is refused instead of undoing the first."""
import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse

from articles.models import Article
from directory.models import Program, Term
from meetings.models import Fellowship, Meeting, MeetingType
from meetings.seed import load_reference_data
from tests.articles.factories import make_article
from tests.factories import make_program
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(db):
    clients = []
    for name in ("ana", "ben"):
        user = User.objects.create_superuser(name, f"{name}@example.org", "a long test passphrase")
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def form_data(form) -> dict:
    """What the browser sends back for one rendered form."""
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        widget = getattr(field.widget, "widget", field.widget)
        if isinstance(widget, MultiWidget):  # the admin's date and time boxes
            parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
            for index, part in enumerate(parts):
                if part is not None:
                    data[f"{key}_{index}"] = part.isoformat() if hasattr(part, "isoformat") else str(part)
        elif isinstance(value, (list, tuple)):
            data[key] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = str(value.pk) if hasattr(value, "pk") else str(value)
    return data


def open_form(client, url) -> dict:
    """What the browser would send back: every field of the change form and its inlines as rendered."""
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(form_data(form))
        data[formset.management_form.add_prefix("TOTAL_FORMS")] = str(len(formset.initial_forms))
    return data


def errors_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_second_editor_cannot_silently_revert_the_first_ones_phone(editors):
    ana, ben = editors
    program = make_program(name="Harbor Recovery", phone="(434) 555-0100", organization="Harbor Health")
    url = reverse("admin:directory_program_change", args=[program.pk])
    ana_form, ben_form = open_form(ana, url), open_form(ben, url)

    assert ana.post(url, {**ana_form, "phone": "(434) 555-0199"}).status_code == 302
    refused = ben.post(url, {**ben_form, "hours_note": "Walk-ins on Mondays"})
    assert refused.status_code == 200
    text = errors_of(refused)
    assert "Someone else saved this program after you opened it" in text
    assert "Main phone: “(434) 555-0100” when you opened the form, now “(434) 555-0199”" in text
    program.refresh_from_db()
    assert (program.phone, program.hours_note) == ("(434) 555-0199", "")

    # Reopening the form shows the current version, and saving from it works.
    fresh = open_form(ben, url)
    assert ben.post(url, {**fresh, "hours_note": "Walk-ins on Mondays"}).status_code == 302
    program.refresh_from_db()
    assert (program.phone, program.hours_note) == ("(434) 555-0199", "Walk-ins on Mondays")


def test_a_bulk_action_after_the_form_opened_also_counts(editors):
    ana, ben = editors
    program = make_program(name="Lakeside Clinic", last_verified=datetime.date(2025, 1, 2))
    url = reverse("admin:directory_program_change", args=[program.pk])
    ben_form = open_form(ben, url)
    ana.post(reverse("admin:directory_program_changelist"), {"action": "mark_verified_today", "_selected_action": [program.pk]})
    refused = ben.post(url, ben_form)
    assert refused.status_code == 200
    assert "Last verified" in errors_of(refused) or "last verified" in errors_of(refused).lower()
    program.refresh_from_db()
    assert program.last_verified != datetime.date(2025, 1, 2)


def test_a_tampered_or_missing_version_is_refused(editors):
    ana, _ = editors
    program = make_program(name="Hillside Outpatient")
    url = reverse("admin:directory_program_change", args=[program.pk])
    form = open_form(ana, url)
    for bad in ("", "forged"):
        response = ana.post(url, {**form, "opened_version": bad, "name": "Renamed"})
        assert response.status_code == 200 and "could not be checked" in errors_of(response)
    assert Program.objects.get(pk=program.pk).name == "Hillside Outpatient"


def test_articles_meetings_and_terms_are_protected_too(editors):
    ana, ben = editors
    load_reference_data(fellowship_model=Fellowship, type_model=MeetingType)
    article = make_article(title="What to expect", sources=[("SAMHSA", "https://www.samhsa.gov/")])
    meeting = make_meeting(name="Tuesday Hope Group")
    term = Term.objects.get(code="BU")
    cases = [
        (reverse("admin:articles_article_change", args=[article.pk]), "summary", "A new summary.", "A rival summary."),
        (reverse("admin:meetings_meeting_change", args=[meeting.pk]), "notes", "Use the side door.", "Front door."),
        (reverse("admin:directory_term_change", args=[term.pk]), "description", "Ana's words.", "Ben's words."),
    ]
    for url, field, first, second in cases:
        ana_form, ben_form = open_form(ana, url), open_form(ben, url)
        saved = ana.post(url, {**ana_form, field: first})
        assert saved.status_code == 302, (url, saved.context["adminform"].form.errors, [f.formset.errors for f in saved.context["inline_admin_formsets"]])
        refused = ben.post(url, {**ben_form, field: second})
        assert refused.status_code == 200 and "after you opened it" in errors_of(refused), url
    assert Article.objects.get(pk=article.pk).summary == "A new summary."
    assert Meeting.objects.get(pk=meeting.pk).notes == "Use the side door."
    assert Term.objects.get(pk=term.pk).description == "Ana's words."
