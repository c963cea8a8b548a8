"""The public program search, as a person would notice it: what is found, in what order, and why."""
import datetime
import re

import pytest
from django.urls import reverse

from directory.models import Category, Program, Term
from places import geo
from tests.factories import make_program

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:program-search")


def names(response) -> list[str]:
    return [program.name for program in response.context["page"].object_list]


# Points at known great-circle distances from ZIP 22902's centre, computed with the haversine formula.
def place_22902():
    return geo.resolve("22902")


def test_results_are_nearest_first_with_distances(client):
    centre = place_22902()
    make_program(name="Far", latitude=centre.latitude + 0.30, longitude=centre.longitude)  # about 20.7 mi
    make_program(name="Near", latitude=centre.latitude + 0.05, longitude=centre.longitude)  # about 3.5 mi
    make_program(name="Middle", latitude=centre.latitude, longitude=centre.longitude + 0.2)  # about 10.9 mi
    make_program(name="Out of range", latitude=centre.latitude + 1.0, longitude=centre.longitude)  # 69 mi

    response = client.get(SEARCH, {"near": "22902", "radius": "25"})

    assert names(response) == ["Near", "Middle", "Far"]
    distances = [p.distance for p in response.context["page"].object_list]
    for program, distance in zip(response.context["page"].object_list, distances):
        expected = geo.great_circle_miles(centre.latitude, centre.longitude, program.latitude, program.longitude)
        assert distance == pytest.approx(expected, rel=0.005)
    assert "3.5 mi" in response.content.decode()
    assert "Treatment programs within 25 miles of 22902 (Charlottesville, VA)" in response.content.decode()


def test_sql_distance_matches_a_hand_computed_great_circle(client):
    # Richmond, VA is 66.1 miles from (38.0293, -78.4767) by the haversine formula (computed by hand).
    make_program(name="Richmond", latitude=37.5407, longitude=-77.4360)
    place = geo.Place("test point", 38.0293, -78.4767, "coordinates")
    program = Program.objects.near(place, 100).get()
    assert program.distance == pytest.approx(66.1, rel=0.005)


def test_radius_limits_the_results(client):
    centre = place_22902()
    make_program(name="Eight miles", latitude=centre.latitude + 8 / 69.05, longitude=centre.longitude)
    assert names(client.get(SEARCH, {"near": "22902", "radius": "5"})) == []
    assert names(client.get(SEARCH, {"near": "22902", "radius": "10"})) == ["Eight miles"]


def test_within_a_category_any_ticked_service_matches(client):
    make_program(name="Methadone clinic", terms=["METH"])
    make_program(name="Bupe clinic", terms=["BU"])
    make_program(name="Counseling only", terms=["ORT"])
    response = client.get(SEARCH + "?near=22902&medication=METH&medication=BU")
    assert sorted(names(response)) == ["Bupe clinic", "Methadone clinic"]


def test_across_categories_every_category_must_match(client):
    make_program(name="Bupe and Medicaid", terms=["BU", "MD"])
    make_program(name="Bupe, cash only", terms=["BU", "SF"])
    make_program(name="Medicaid, no bupe", terms=["MD", "METH"])
    response = client.get(SEARCH + "?near=22902&medication=BU&payment=MD")
    assert names(response) == ["Bupe and Medicaid"]


@pytest.mark.parametrize("category", ["care", "setting", "medication", "payment", "age", "group", "language", "accreditation"])
def test_every_category_filters(client, category):
    terms = list(Term.objects.filter(category__param=category)[:2])
    make_program(name="Has it", terms=[terms[0].code])
    make_program(name="Has the other", terms=[terms[1].code])
    response = client.get(SEARCH, {category: terms[0].code})
    assert names(response) == ["Has it"]


def test_facet_counts_show_what_each_option_would_leave(client):
    make_program(name="A", terms=["BU", "MD"])
    make_program(name="B", terms=["BU", "PI"])
    make_program(name="C", terms=["METH", "MD"])
    response = client.get(SEARCH + "?near=22902&medication=BU")
    facets = {facet["param"]: {o.code: o.count for o in facet["options"]} for facet in response.context["facets"]}
    # Ticking Medicaid now would leave 1 (A); the medication counts ignore the medication choice itself.
    assert facets["payment"]["MD"] == 1
    assert facets["payment"]["PI"] == 1
    assert facets["medication"]["BU"] == 2
    assert facets["medication"]["METH"] == 1
    html = response.content.decode()
    assert re.search(r'value="METH"[^>]*> Methadone <span class="count">\(1', html)
    # With nothing ticked, each option counts the programs found that offer it.
    unfiltered = client.get(SEARCH + "?near=22902")
    counts = {o.code: o.count for f in unfiltered.context["facets"] for o in f["options"]}
    assert (counts["BU"], counts["METH"], counts["MD"], counts["PI"], counts["SF"]) == (2, 1, 2, 1, 0)


def test_keyword_search_finds_services_and_names(client):
    make_program(name="Riverside Clinic", terms=["METH"], description="Counseling and methadone dosing.")
    make_program(name="Hilltop House", terms=["HH"], organization="Sunrise Housing Alliance")
    assert names(client.get(SEARCH, {"q": "methadone"}, follow=True)) == ["Riverside Clinic"]
    assert names(client.get(SEARCH, {"q": "sunrise"}, follow=True)) == ["Hilltop House"]
    assert names(client.get(SEARCH, {"q": "sober living"}, follow=True)) == ["Hilltop House"]
    assert names(client.get(SEARCH, {"q": '"riverside clinic" -hilltop'}, follow=True)) == ["Riverside Clinic"]


def test_keyword_results_are_ranked_by_relevance_without_a_location(client):
    make_program(name="General Health Center", description="We also see people for detox questions.")
    make_program(name="Detox Center of the Valley", terms=["DT"])
    assert names(client.get(SEARCH, {"q": "detox"}, follow=True))[0] == "Detox Center of the Valley"


def test_state_and_accepting_filters(client):
    make_program(name="Virginia open", accepting_new_patients=True)
    make_program(name="Virginia full", accepting_new_patients=False)
    make_program(name="Ohio open", state="OH", city="Columbus", zip_code="43215", latitude=39.96, longitude=-83.0,
                 accepting_new_patients=True)
    assert names(client.get(SEARCH, {"state": "VA", "accepting": "1"})) == ["Virginia open"]


def test_closed_and_temporarily_closed_programs_are_not_listed(client):
    make_program(name="Open")
    make_program(name="Paused", status=Program.Status.TEMPORARILY_CLOSED)
    make_program(name="Gone", status=Program.Status.CLOSED)
    assert names(client.get(SEARCH, {"near": "22902"})) == ["Open"]


def test_pagination_keeps_the_filters(client, settings):
    settings.PORTAL_PAGE_SIZE = 2
    for n in range(5):
        make_program(name=f"Bupe {n}", terms=["BU"])
    response = client.get(SEARCH, {"near": "22902", "medication": "BU"})
    html = response.content.decode()
    assert response.context["paginator"].num_pages == 3
    assert 'aria-label="Pagination"' in html
    assert 'href="?near=22902&amp;medication=BU&amp;page=2"' in html
    page3 = client.get(SEARCH, {"near": "22902", "medication": "BU", "page": "3"})
    assert len(names(page3)) == 1
    assert 'aria-current="page"><span class="visually-hidden">Page </span>3' in page3.content.decode()


def test_a_page_past_the_end_shows_the_last_page_and_says_so(client, settings):
    settings.PORTAL_PAGE_SIZE = 2
    for n in range(3):
        make_program(name=f"P{n}")
    response = client.get(SEARCH, {"page": "999999999999999999999"})
    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert "There are only 2 pages of results" in response.content.decode()


def test_sort_by_name_and_by_verification(client):
    import datetime
    make_program(name="Bravo", last_verified=datetime.date(2026, 1, 1))
    make_program(name="Alpha", last_verified=datetime.date(2025, 1, 1))
    make_program(name="Charlie", last_verified=None)
    assert names(client.get(SEARCH, {"near": "22902", "sort": "name"})) == ["Alpha", "Bravo", "Charlie"]
    assert names(client.get(SEARCH, {"near": "22902", "sort": "verified"})) == ["Bravo", "Alpha", "Charlie"]


def test_unknown_place_explains_and_suggests(client):
    response = client.get(SEARCH, {"near": "Charlotesville, VA"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not find Charlotesville, VA" in html
    assert "Charlottesville, VA" in html and "Which place do you mean?" in html


def test_ambiguous_place_offers_choices(client):
    html = client.get(SEARCH, {"near": "Springfield"}).content.decode()
    assert "Which one do you mean?" in html
    assert "near=Springfield%2C+IL" in html or "near=Springfield%2C+MO" in html


def test_ignored_parameters_are_explained(client):
    make_program(name="Only one")
    response = client.get(SEARCH + "?near=22902&radius=7777&medication=NOPE&colour=blue&page=x")
    html = response.content.decode()
    assert response.status_code == 200
    assert "We ignored parameters this search does not use: colour." in html
    assert "Distance:" in html and "We ignored it." in html
    assert "Medication for opioid use disorder: we ignored an option we do not recognise." in html
    assert "The page number was not a number" in html
    assert names(response) == ["Only one"]


def test_empty_results_suggest_what_to_try_and_show_helplines(client):
    response = client.get(SEARCH, {"near": "22902", "radius": "5", "medication": "METH"})
    html = response.content.decode()
    assert "No programs match this search" in html
    assert "Search within 10 miles instead" in html
    assert "1-800-662-4357" in html and 'href="tel:988"' in html


def test_result_cards_show_what_a_person_needs_to_call(client):
    make_program(name="Call Me", phone="(434) 555-0123", terms=["BU", "MD", "OIT"], accepting_new_patients=True)
    html = client.get(SEARCH, {"near": "22902"}).content.decode()
    assert 'href="tel:+14345550123"' in html
    assert "Accepting new patients" in html
    assert "Buprenorphine (Suboxone and others)" in html and "Medicaid" in html and "Intensive outpatient" in html


def test_taxonomy_is_data_that_staff_can_extend(client):
    category = Category.objects.create(name="Extras", param="extras", position=99)
    Term.objects.create(category=category, code="PETS", name="Pets allowed")
    make_program(name="Pet friendly", terms=["PETS"])
    make_program(name="No pets")
    response = client.get(SEARCH, {"extras": "PETS"})
    assert names(response) == ["Pet friendly"]
    assert "Pets allowed" in response.content.decode()


def test_search_pages_are_private(client):
    response = client.get(SEARCH, {"near": "22902"})
    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_keyword_search_also_offers_matching_articles(client):
    from django.utils import timezone as tz

    from articles.models import Article

    Article.objects.create(title="How methadone works", slug="how-methadone-works", summary="Daily medication.",
                           body="Methadone is a daily medication.", status="published",
                           publish_date=tz.now() - datetime.timedelta(days=1))
    Article.objects.create(title="Draft on methadone", slug="draft-methadone", summary="x", body="Methadone draft.",
                           status="draft")
    make_program(name="Clinic", terms=["METH"])
    html = client.get(SEARCH, {"q": "methadone"}, follow=True).content.decode()
    assert "Articles about “methadone”" in html
    assert 'href="/learn/how-methadone-works/"' in html
    assert "Draft on methadone" not in html


def test_support_groups_can_be_ticked_beside_programs(client):
    from tests.meetings.factories import make_meeting

    make_program(name="Clinic")
    make_meeting(name="Tuesday Night Hope", days=[0, 1, 2, 3, 4, 5, 6], start_time=datetime.time(19, 0),
                 latitude=38.03, longitude=-78.48)
    html = client.get(SEARCH, {"near": "22902", "meetings": "1"}).content.decode()
    assert "Support group meetings near 22902 (Charlottesville, VA)" in html
    assert "Tuesday Night Hope" in html
    without = client.get(SEARCH, {"near": "22902"}).content.decode()
    assert "Tuesday Night Hope" not in without
    no_place = client.get(SEARCH, {"meetings": "1"}).content.decode()
    assert "To see support group meetings near you, enter a ZIP code or city" in no_place


def test_a_search_too_broad_to_count_is_not_counted_again(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directory.results import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "MAX_COUNTED", 2)
    for n in range(4):
        make_program(name=f"Clinic {n}", terms=["BU"] if n else ["METH"])
    params = {"state": "VA", "medication": "METH"}
    client.get(SEARCH, params)
    with CaptureQueriesContext(connection) as again:
        response = client.get(SEARCH, params)
    assert all(option.count is None for facet in response.context["facets"] for option in facet["options"])
    assert not [query for query in again.captured_queries if "unnest" in query["sql"]]
