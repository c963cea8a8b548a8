"""Staff tools: every admin page opens, and the verification and retirement actions work."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from directory.models import Category, Organization, Program, Term
from places.weekdays import Weekday
from tests.factories import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db):
    return make_program(name="Admin Test", organization="Org One", terms=["BU", "MD"], hours=[(Weekday.MONDAY, "09:00", "17:00")],
                        last_verified=None)


def test_every_registered_changelist_and_change_form_opens(admin_client, program):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        if model_admin.has_add_permission(type("R", (), {"user": type("U", (), {"has_perm": lambda *a: True})()})()):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert admin_client.get(add).status_code == 200, add
        instance = model._default_manager.first()
        if instance is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
            assert admin_client.get(change).status_code == 200, change


@pytest.mark.parametrize("query", ["verified=90", "verified=stale", "verified=never", "state=VA", "service=BU",
                                   "status__exact=active", "q=Admin"])
def test_program_filters_open(admin_client, program, query):
    response = admin_client.get(reverse("admin:directory_program_changelist") + "?" + query)
    assert response.status_code == 200


def test_never_verified_filter_finds_the_right_programs(admin_client, program):
    make_program(name="Checked", last_verified=timezone.localdate())
    response = admin_client.get(reverse("admin:directory_program_changelist") + "?verified=never")
    assert [p.name for p in response.context["cl"].result_list] == ["Admin Test"]


def test_mark_verified_today(admin_client, program):
    response = admin_client.post(
        reverse("admin:directory_program_changelist"),
        {"action": "mark_verified_today", "_selected_action": [program.pk]},
        follow=True,
    )
    program.refresh_from_db()
    assert program.last_verified == timezone.localdate()
    assert "Marked 1 program(s) as verified today." in response.content.decode()


def test_retiring_a_program_hides_it_from_the_public(admin_client, client, program):
    admin_client.post(reverse("admin:directory_program_changelist"),
                      {"action": "mark_closed", "_selected_action": [program.pk]})
    assert client.get(program.get_absolute_url()).status_code == 404


def test_staff_add_a_program_and_coordinates_come_from_the_zip(admin_client):
    org = Organization.objects.create(name="County Health")
    bu = Term.objects.get(code="BU")
    response = admin_client.post(reverse("admin:directory_program_add"), {
        "name": "New Clinic", "slug": "new-clinic", "organization": org.pk, "description": "",
        "status": "active", "accepting_new_patients": "unknown", "phone": "(614) 555-0100", "intake_phone": "",
        "website": "", "hours_note": "", "street1": "1 High St", "street2": "", "city": "Columbus",
        "state": "OH", "zip_code": "43215", "latitude": "", "longitude": "", "terms": [bu.pk],
        "last_verified": "", "hours-TOTAL_FORMS": "1", "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0", "hours-MAX_NUM_FORMS": "1000",
        "hours-0-weekday": str(Weekday.MONDAY.value), "hours-0-opens": "09:00", "hours-0-closes": "17:00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    program = Program.objects.get(slug="new-clinic")
    assert program.latitude == pytest.approx(39.96, abs=0.1)
    assert list(program.terms.values_list("code", flat=True)) == ["BU"]
    assert Program.objects.search("buprenorphine").get() == program


def test_unknown_zip_without_coordinates_is_refused(admin_client):
    response = admin_client.post(reverse("admin:directory_program_add"), {
        "name": "Nowhere", "slug": "nowhere", "status": "active", "accepting_new_patients": "unknown",
        "city": "Nowhere", "state": "OH", "zip_code": "00000", "latitude": "", "longitude": "",
        "hours-TOTAL_FORMS": "0", "hours-INITIAL_FORMS": "0", "hours-MIN_NUM_FORMS": "0", "hours-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200
    assert "Unknown ZIP code" in response.content.decode()


def test_term_autocomplete_scales_to_many_terms(admin_client):
    category = Category.objects.create(name="Many", param="many")
    Term.objects.bulk_create(Term(category=category, code=f"T{n}", name=f"Therapy {n}") for n in range(300))
    response = admin_client.get(reverse("admin:autocomplete"), {
        "term": "Therapy 29", "app_label": "directory", "model_name": "program", "field_name": "terms",
    })
    assert response.status_code == 200
    results = response.json()["results"]
    assert 1 <= len(results) <= 20


def test_staff_edit_a_terms_synonyms_one_per_line_and_the_search_understands_them(admin_client, client):
    term = Term.objects.get(code="NAL")
    url = reverse("admin:directory_term_change", args=[term.pk])
    opened = admin_client.get(url)
    page = opened.content.decode()
    assert "Words people use" in page and "narcan" in page
    response = admin_client.post(url, {
        "opened_version": opened.context["adminform"].form.initial["opened_version"],  # sent back by the form
        "category": term.category_id, "code": "NAL", "name": term.name, "name_es": "Naloxona",
        "description": "", "position": term.position,
        "synonyms": "narcan\nnose spray, Narcan\n\n", "synonyms_es": "naloxona",
        "samhsa_labels": "Naloxone and overdose education\nLesbian, gay: a label with commas",
    })
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.synonyms == ["narcan", "nose spray"]
    assert term.samhsa_labels == ["Naloxone and overdose education", "Lesbian, gay: a label with commas"]
    from directory.filters import vocabulary
    from understanding.reading import understand

    assert understand("nose spray", vocabulary()).filters == {"medication": ["NAL"]}


def test_terms_can_be_found_by_a_synonym_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:directory_term_changelist") + "?q=bupe")
    assert "Buprenorphine" in response.content.decode()
