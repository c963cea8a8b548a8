"""Telehealth by the state served: a rural search finds the programs that see its state's residents
by video or phone, whatever the distance, in their own section and under the same filters."""
import re

import pytest
from django.urls import reverse

from directory.models import Program
from places import geo
from tests.factories import make_program

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:program-search")
# Cumberland, MD (21502) is some 130 miles from Baltimore: beyond every distance the search offers.
BALTIMORE = (39.2904, -76.6122)


def maryland_programs():
    """In-person near Cumberland, statewide telehealth in Baltimore, and programs that do not serve Maryland."""
    cumberland = geo.resolve("21502")
    make_program(name="Cumberland Clinic", city="Cumberland", state="MD", zip_code="21502",
                 latitude=cumberland.latitude + 0.02, longitude=cumberland.longitude, terms=["OP", "BU", "MD"])
    baltimore = {"city": "Baltimore", "state": "MD", "zip_code": "21201", "latitude": BALTIMORE[0], "longitude": BALTIMORE[1]}
    make_program(name="Statewide Video Care", telehealth_states=["MD"], terms=["TELE", "BU", "MD"], **baltimore)
    make_program(name="Statewide Counseling Online", telehealth_states=["DC", "MD", "VA"], terms=["TELE", "PI"], **baltimore)
    make_program(name="Closed Video Care", telehealth_states=["MD"], terms=["TELE", "BU"],
                 status=Program.Status.CLOSED, **baltimore)
    make_program(name="Virginia Video Care", telehealth_states=["VA"], terms=["TELE", "BU", "MD"],
                 city="Winchester", state="VA", zip_code="22601", latitude=39.18, longitude=-78.16)
    make_program(name="Baltimore Walk-in", terms=["OP", "BU", "MD"], **baltimore)


def section_names(response) -> list[str]:
    """The programs of the telehealth section, in the order listed."""
    telehealth = response.context["telehealth"]
    if telehealth is None:
        return []
    return [program.name for program in telehealth["programs"]]


def test_a_rural_zip_finds_statewide_telehealth_beyond_any_radius_in_its_own_section(client):
    maryland_programs()
    response = client.get(SEARCH, {"near": "21502", "radius": "100"})
    listed = [program.name for program in response.context["page"].object_list]
    assert listed == ["Cumberland Clinic", "Virginia Video Care"]  # by distance (Winchester is 50 mi away)
    assert section_names(response) == ["Statewide Counseling Online", "Statewide Video Care"]
    html = response.content.decode()
    assert '<h2 id="telehealth-heading">Telehealth: serves Maryland</h2>' in html
    section = html.split('id="telehealth-heading"')[1]
    assert "Telehealth: serves Maryland" in section
    assert " mi<" not in section and "miles away" not in section  # no distance for a telehealth listing


def test_the_same_filters_apply_to_the_telehealth_section(client):
    maryland_programs()
    response = client.get(SEARCH, {"near": "21502", "radius": "25", "payment": "MD"})
    assert [p.name for p in response.context["page"].object_list] == ["Cumberland Clinic"]
    assert section_names(response) == ["Statewide Video Care"]
    response = client.get(SEARCH, {"near": "21502", "medication": "BU", "payment": "PI"})
    assert section_names(response) == []
    assert "telehealth-heading" not in response.content.decode()


def test_ticking_telehealth_with_a_place_lists_exactly_the_programs_serving_its_state(client):
    maryland_programs()
    response = client.get(SEARCH, {"near": "21502", "radius": "25", "setting": "TELE"})
    listed = response.context["page"].object_list
    assert [program.name for program in listed] == ["Statewide Counseling Online", "Statewide Video Care"]
    assert all(program.distance is None for program in listed)
    html = response.content.decode()
    assert "Telehealth programs serving Maryland" in html
    assert "2 programs found" in html
    assert response.context["telehealth"] is None  # not listed twice
    # with a filter as well
    response = client.get(SEARCH, {"near": "21502", "setting": "TELE", "payment": "MD", "medication": "BU"})
    assert [program.name for program in response.context["page"].object_list] == ["Statewide Video Care"]


def test_use_my_location_finds_the_state_from_the_coordinates(client):
    maryland_programs()
    response = client.get(SEARCH, {"near": "39.65,-78.76", "setting": "TELE"})
    assert [p.name for p in response.context["page"].object_list] == [
        "Statewide Counseling Online", "Statewide Video Care"]


def test_a_program_already_listed_by_distance_is_not_listed_again(client):
    maryland_programs()
    response = client.get(SEARCH, {"near": "21201", "radius": "10"})
    listed = [program.name for program in response.context["page"].object_list]
    assert "Statewide Video Care" in listed
    assert section_names(response) == []


def test_a_search_without_a_place_has_no_telehealth_section(client):
    maryland_programs()
    response = client.get(SEARCH, {"setting": "TELE"})
    assert response.context["telehealth"] is None
    assert len(response.context["page"].object_list) == 3


def test_spanish_page_names_the_state_served(client):
    maryland_programs()
    html = client.get("/es" + SEARCH, {"near": "21502"}).content.decode()
    assert "Telesalud: atiende en Maryland" in html


def test_kept_answers_follow_every_change_to_the_listings(client, admin_client):
    """The telehealth section and the facet counts are kept for searches, and read afresh after a
    program is saved, its services change, or the admin's bulk action closes it."""
    maryland_programs()
    params = {"near": "21502", "radius": "25", "medication": "BU"}
    assert section_names(client.get(SEARCH, params)) == ["Statewide Video Care"]
    before = client.get(SEARCH, params).context["facets"]
    assert {o.code: o.count for f in before for o in f["options"]}["MD"] == 1

    newcomer = make_program(name="Annapolis Video Start", telehealth_states=["MD"], terms=["TELE", "BU"],
                            city="Annapolis", state="MD", zip_code="21401", latitude=38.97, longitude=-76.49)
    assert section_names(client.get(SEARCH, params)) == ["Annapolis Video Start", "Statewide Video Care"]

    newcomer.terms.add(*newcomer.terms.model.objects.filter(code="MD"))  # a service added by staff
    response = client.get(SEARCH, {**params, "payment": "MD"})
    assert section_names(response) == ["Annapolis Video Start", "Statewide Video Care"]

    video = Program.objects.get(name="Statewide Video Care")
    admin_client.post(reverse("admin:directory_program_changelist"),
                      {"action": "mark_closed", "_selected_action": [video.pk]})
    assert Program.objects.get(pk=video.pk).status == Program.Status.CLOSED  # a bulk update: no post_save
    assert section_names(client.get(SEARCH, params)) == ["Annapolis Video Start"]


def test_nothing_near_but_telehealth_says_so_and_lists_the_telehealth_programs_first(client):
    maryland_programs()
    Program.objects.filter(name="Cumberland Clinic").delete()
    for prefix in ("", "/es"):
        html = client.get(prefix + SEARCH, {"near": "21502", "radius": "10"}).content.decode()
        heading = re.search(r'<h2 id="results-heading"[^>]*>([^<]*)</h2>', html).group(1)
        assert heading == ("No programs within 10 miles" if not prefix else "Ningún programa a menos de 10 millas")
        assert html.index('id="telehealth-heading"') < html.index('class="empty"')
        assert "Statewide Video Care" in html
    html = client.get(SEARCH, {"near": "21502", "radius": "10", "payment": "SF"}).content.decode()
    assert "No programs match this search" in html and "telehealth-heading" not in html

