"""Meeting types and fellowships carry Spanish names for the Spanish pages."""
import datetime
import json

import pytest
from django.urls import reverse
from django.utils import translation

from meetings import reference
from meetings.models import Fellowship, MeetingType
from meetings.seed import DATA, meeting_types, meeting_types_es

from .factories import make_meeting

pytestmark = pytest.mark.django_db


def test_every_meeting_type_has_the_specs_spanish_name():
    assert set(meeting_types_es()) == set(meeting_types()) and len(meeting_types()) == 87
    spanish = dict(MeetingType.objects.values_list("code", "name_es"))
    assert spanish == meeting_types_es()
    assert spanish["S"] == "Español" and spanish["O"] == "Abierta" and spanish["C"] == "Cerrada"
    assert spanish["W"] == "Mujeres" and spanish["BE"] == "Principiantes"


def test_the_data_file_says_where_the_spanish_names_come_from():
    text = json.loads((DATA / "meeting_types.json").read_text(encoding="utf-8"))["_source"]
    assert "Spanish names" in text and "code4recovery/spec" in text


def test_names_follow_the_active_language():
    open_type = MeetingType.objects.get(code="O")
    na = Fellowship.objects.get(slug="na")
    with translation.override("es"):
        assert open_type.localized_name == "Abierta"
        assert na.localized_name == "Narcóticos Anónimos"
        assert na.localized_description.startswith("Un grupo de doce pasos")
    with translation.override("en"):
        assert open_type.localized_name == "Open"
        assert na.localized_name == "Narcotics Anonymous"
        assert na.localized_description.startswith("A twelve-step fellowship")


def test_a_type_without_a_spanish_name_falls_back_to_english():
    custom = MeetingType.objects.create(code="MAT", name="Medication friendly")
    with translation.override("es"):
        assert custom.localized_name == "Medication friendly"


def test_every_shipped_fellowship_has_spanish_text():
    assert not Fellowship.objects.filter(name_es="").exists()
    assert not Fellowship.objects.filter(description_es="").exists()
    assert Fellowship.objects.get(slug="aa").name_es == "Alcohólicos Anónimos"


def test_the_finders_cached_choices_carry_the_spanish_names():
    reference.clear()
    fellowships, types = reference.choices()
    with translation.override("es"):
        assert {choice.code: choice.localized_name for choice in types}["X"] == "Acceso en silla de ruedas"
        assert {choice.slug: choice.localized_name for choice in fellowships}["nar-anon"] == "Grupos de Familia Nar-Anon"


def test_staff_see_and_edit_the_spanish_names(admin_client):
    listing = admin_client.get(reverse("admin:meetings_meetingtype_changelist"), {"q": "Mujeres"}).content.decode()
    assert "Mujeres" in listing and "Women" in listing
    na = Fellowship.objects.get(slug="na")
    form = admin_client.get(reverse("admin:meetings_fellowship_change", args=[na.pk])).content.decode()
    assert 'name="name_es"' in form and "Narcóticos Anónimos" in form and 'name="description_es"' in form


def test_a_spanish_page_numbers_its_results_in_spanish(client, settings):
    settings.PORTAL_PAGE_SIZE = 2
    for n in range(5):
        make_meeting(name=f"Reunión {n}", start_time=datetime.time(10 + n))
    html = client.get("/es/meetings/", {"day": "1"}).content.decode()
    assert "página 1 de 3" in html and "page 1 of 3" not in html
