"""Typed words become filters a person can see, remove and share; no search dead-ends."""
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from places import geo
from tests.factories import make_program

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:program-search")


def names(response) -> list[str]:
    return [program.name for program in response.context["page"].object_list]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_typed_needs_become_filters_in_the_address(client):
    response = client.get(SEARCH, {"q": "suboxone medicaid near me", "near": "22902"})
    assert response.status_code == 302
    assert query(response.url) == {"near": ["22902"], "medication": ["BU"], "payment": ["MD"]}


def test_the_shared_address_shows_the_same_programs_and_chips(client):
    make_program(name="Both", terms=["BU", "MD"])
    make_program(name="Only bupe", terms=["BU"])
    make_program(name="Only medicaid", terms=["MD"])
    typed = client.get(SEARCH, {"q": "bupe medicaid"}, follow=True)
    shared = client.get(typed.redirect_chain[-1][0])
    assert names(typed) == names(shared) == ["Both"]
    html = shared.content.decode()
    assert "Showing programs for:" in html
    assert '<span class="visually-hidden">Remove </span>Buprenorphine <span aria-hidden="true">×</span>' in html
    assert '<span class="visually-hidden">Remove </span>Medicaid' in html


def test_removing_a_chip_removes_only_that_filter(client):
    make_program(name="Both", terms=["BU", "MD"])
    make_program(name="Only bupe", terms=["BU"])
    response = client.get(SEARCH, {"medication": "BU", "payment": "MD"})
    chips = {chip["label"]: chip["url"] for chip in response.context["chips"]}
    assert query(chips["Medicaid"]) == {"medication": ["BU"]}
    assert sorted(names(client.get(chips["Medicaid"]))) == ["Both", "Only bupe"]


def test_typed_needs_join_ticked_ones_any_within_all_across(client):
    make_program(name="Methadone", terms=["METH", "MD"])
    make_program(name="Naltrexone", terms=["NU", "MD"])
    make_program(name="Bupe no medicaid", terms=["BU"])
    response = client.get(SEARCH, {"q": "methadone medicaid", "medication": "NU"}, follow=True)
    assert query(response.redirect_chain[-1][0]) == {"medication": ["NU", "METH"], "payment": ["MD"]}
    assert sorted(names(response)) == ["Methadone", "Naltrexone"]


def test_words_that_name_no_service_still_search_the_listing_text(client):
    make_program(name="Ashgrove Medication Clinic", terms=["METH"])
    make_program(name="Birchcombe Medication Clinic", terms=["METH"])
    response = client.get(SEARCH, {"q": "ashgrove methadone"}, follow=True)
    assert query(response.redirect_chain[-1][0]) == {"q": ["ashgrove"], "medication": ["METH"]}
    assert names(response) == ["Ashgrove Medication Clinic"]
    assert "“ashgrove”" in response.content.decode()


def test_a_zip_typed_in_the_keywords_becomes_the_place(client):
    response = client.get(SEARCH, {"q": "detox 22902"})
    assert query(response.url) == {"near": ["22902"], "care": ["DT"]}


def test_unknown_word_close_to_a_known_one_is_offered(client):
    make_program(name="Clinic", terms=["BU"])
    response = client.get(SEARCH, {"q": "mta"})
    html = response.content.decode()
    assert "Did you mean" in html and "“mat”" in html
    suggestion = response.context["did_you_mean"][0]["url"]
    assert query(client.get(suggestion).url)["medication"] == ["METH", "BU", "NU", "VTRL"]


def test_rewritten_searches_never_loop(client):
    for text in ["the the the", "or or", '"sober living" or detox', "-narcan narcan", "x " * 80, "near me"]:
        response = client.get(SEARCH, {"q": text}, follow=True)
        assert response.status_code == 200
        assert len(response.redirect_chain) <= 2, text


def test_zero_results_offer_broader_searches_with_counts(client):
    centre = geo.resolve("22902")
    make_program(name="Bupe clinic", terms=["BU"], latitude=centre.latitude + 0.05, longitude=centre.longitude)
    make_program(name="Far Medicaid clinic", terms=["BU", "MD"], latitude=centre.latitude + 0.5,
                 longitude=centre.longitude)
    response = client.get(SEARCH, {"near": "22902", "radius": "10", "medication": "BU", "payment": "MD"})
    html = response.content.decode()
    assert "No programs match this search" in html
    options = {option["label"]: option["count"] for option in response.context["broader"]}
    assert options["Without “Medicaid”"] == 1
    assert options["Within 50 miles"] == 1
    assert "Without “Buprenorphine”" not in options  # it would still find nothing
    assert "1-800-662-4357" in html and 'href="tel:988"' in html
    assert 'href="/programs/?near=22902&amp;radius=10&amp;medication=BU">Without “Medicaid”</a>: 1 program' in html


def test_zero_results_from_a_word_offer_the_search_without_it(client):
    make_program(name="Clinic", terms=["BU"])
    response = client.get(SEARCH, {"q": "zzzqx", "medication": "BU"})
    options = {option["label"]: option["count"] for option in response.context["broader"]}
    assert options == {"Without the word “zzzqx”": 1}


def test_a_place_sorts_nearest_first_unless_another_order_was_chosen(client):
    centre = geo.resolve("22902")
    make_program(name="Aardvark far", latitude=centre.latitude + 0.3, longitude=centre.longitude)
    make_program(name="Zebra near", latitude=centre.latitude + 0.01, longitude=centre.longitude)
    # What the form sends when the person leaves the order alone: the empty "Nearest first" choice.
    assert names(client.get(SEARCH, {"near": "22902", "sort": ""})) == ["Zebra near", "Aardvark far"]
    assert names(client.get(SEARCH, {"near": "22902", "sort": "name"})) == ["Aardvark far", "Zebra near"]


def test_opening_the_search_preselects_no_order(client):
    html = client.get(SEARCH).content.decode()
    assert '<option value="" selected>Nearest first</option>' in html
    assert '<option value="name" selected>' not in html


def test_a_place_that_is_not_understood_lists_no_programs_and_suggests_first(client):
    make_program(name="Somewhere")
    response = client.get(SEARCH, {"near": "Baltimor"})
    html = response.content.decode()
    assert "Which place do you mean?" in html
    assert '<a href="/programs/?near=Baltimore%2C+MD">Baltimore, MD</a>' in html
    assert "Somewhere" not in html and "programs found" not in html
    # The suggestions come first: above the search form (open, to type the place again).
    assert html.index("Which place do you mean?") < html.index('<search class="search-box')
    nowhere = client.get(SEARCH, {"near": "Qxzvbn"}).content.decode()
    assert "We could not find “Qxzvbn”" in nowhere and "Somewhere" not in nowhere


def test_an_order_that_cannot_apply_falls_back_to_the_default(client):
    make_program(name="Bravo")
    make_program(name="Alpha")
    assert names(client.get(SEARCH, {"sort": "distance"})) == ["Alpha", "Bravo"]
    assert names(client.get(SEARCH, {"sort": "relevance"})) == ["Alpha", "Bravo"]
    response = client.get(SEARCH, {"sort": "sideways"})
    assert "Sort by:" in response.content.decode() and names(response) == ["Alpha", "Bravo"]


def test_facet_counts_come_from_one_queryset_method(client):
    from directory.models import Program, Term

    make_program(name="A", terms=["BU", "MD"])
    make_program(name="B", terms=["METH", "MD"])
    make_program(name="C", terms=["BU", "PI"])
    ids = {t.code: t.pk for t in Term.objects.all()}
    medication = Term.objects.get(code="BU").category_id
    counts = Program.objects.all().term_counts({medication: [ids["BU"]]})
    # Other medications count as if BU were not ticked; other categories count programs offering BU.
    assert (counts[ids["METH"]], counts[ids["MD"]], counts[ids["PI"]]) == (1, 1, 1)
    assert Program.objects.all().term_counts()[ids["MD"]] == 2


def test_the_form_lists_every_service_escaped_with_ticks_and_counts(client):
    from directory.models import Category, Term

    category = Category.objects.get(param="medication")
    Term.objects.create(category=category, code="ODD", name="Odd <b>name</b> & co", position=99)
    make_program(name="Clinic", terms=["BU", "MD"])
    html = client.get(SEARCH, {"medication": "BU", "state": "VA"}).content.decode()
    assert '<input type="checkbox" name="medication" value="BU" checked> Buprenorphine (Suboxone and others)' in html
    assert 'value="ODD"> Odd &lt;b&gt;name&lt;/b&gt; &amp; co' in html
    assert 'value="MD"> Medicaid <span class="count">(1<span class="visually-hidden"> programs</span>)</span>' in html
    assert '<option value="VA" selected>Virginia</option>' in html
    assert "Medication for opioid use disorder <span class=\"chosen\">(1 chosen)</span>" in html


def test_facet_counts_stop_when_there_are_too_many_programs_to_count(client):
    from directory.models import Program, Term

    make_program(name="A", terms=["BU", "MD"])
    make_program(name="B", terms=["METH", "MD"])
    make_program(name="C", terms=["BU", "PI"])
    medication = Term.objects.get(code="BU").category_id
    bu = Term.objects.get(code="BU").pk
    # Three programs to count over: counted with room for three, not counted with room for two.
    assert Program.objects.all().term_counts({medication: [bu]}, at_most=3)[Term.objects.get(code="MD").pk] == 1
    assert Program.objects.all().term_counts({medication: [bu]}, at_most=2) is None
    assert Program.objects.all().term_counts(at_most=2) is None


def test_a_city_typed_after_the_needs_becomes_the_place(client):
    response = client.get(SEARCH, {"q": "methadone baltimore"})
    assert query(response.url) == {"near": ["Baltimore, MD"], "medication": ["METH"]}
    response = client.get(SEARCH, {"q": "rehab in columbus ohio"})
    assert query(response.url) == {"near": ["Columbus, OH"], "care": ["RS", "RL"]}
    response = client.get(SEARCH, {"q": "suboxone maryland"})
    assert query(response.url) == {"state": ["MD"], "medication": ["BU"]}


def test_a_place_typed_in_the_keywords_is_the_latest_word_on_where(client):
    # The place field may still hold the last search's place; what was just typed wins.
    response = client.get(SEARCH, {"q": "methadone baltimore", "near": "22902"})
    assert query(response.url) == {"near": ["Baltimore, MD"], "medication": ["METH"]}
    response = client.get(SEARCH, {"q": "detox that takes medicaid near 21201", "near": "22902", "radius": "10"})
    assert query(response.url) == {"near": ["21201"], "radius": ["10"], "care": ["DT"], "payment": ["MD"]}
    # A state beside a place would only contradict it: it stays a word.
    response = client.get(SEARCH, {"q": "suboxone maryland", "near": "22902"})
    assert query(response.url) == {"near": ["22902"], "medication": ["BU"], "q": ["maryland"]}


def test_words_that_are_also_small_towns_stay_words(client):
    # Hope, AR and Center, TX exist; a program called "New Hope Center" is what this person means.
    for text in ["new hope center", "faith based rehab", "hope", "mobile suboxone"]:
        response = client.get(SEARCH, {"q": text}, follow=True)
        final = query(response.redirect_chain[-1][0]) if response.redirect_chain else {}
        assert "near" not in final and "state" not in final, text
        assert response.context["place"] is None, text


def test_asking_for_meetings_only_opens_the_meeting_finder(client):
    response = client.get(SEARCH, {"q": "na meetings near me", "near": "21201"})
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("meetings:finder")
    assert query(response.url) == {"near": ["21201"], "fellowship": ["na"]}
    spanish = client.get("/es/programs/", {"q": "grupos de apoyo"})
    assert urlsplit(spanish.url).path == "/es/meetings/"


def test_meetings_asked_for_with_a_service_show_beside_the_programs(client):
    make_program(name="Bupe clinic", terms=["BU"])
    response = client.get(SEARCH, {"q": "suboxone and na meetings", "near": "22902"}, follow=True)
    assert query(response.redirect_chain[-1][0]) == {"near": ["22902"], "medication": ["BU"], "meetings": ["1"]}
    html = response.content.decode()
    assert '<span class="visually-hidden">Remove </span>Support group meetings nearby' in html


def test_ordinary_words_are_not_offered_as_misspellings(client):
    for text in ["recovery coach", "same day appointment", "peer support"]:
        response = client.get(SEARCH, {"q": text}, follow=True)
        assert response.context["did_you_mean"] == [], text


def test_a_city_name_that_could_be_several_places_is_offered_as_places(client):
    make_program(name="Bupe clinic", terms=["BU"])
    response = client.get(SEARCH, {"q": "suboxone springfield"}, follow=True)
    assert query(response.redirect_chain[-1][0]) == {"q": ["springfield"], "medication": ["BU"]}
    offered = response.context["places_in_keywords"]
    assert [option["place"] for option in offered][:2] == ["Springfield, IL", "Springfield, MA"]
    assert query(offered[0]["url"]) == {"near": ["Springfield, IL"], "medication": ["BU"]}
    assert "Search near a place instead of for its name in the listings:" in response.content.decode()
    spanish = client.get("/es/programs/", {"q": "springfield", "medication": "BU"})
    assert "Buscar cerca de un lugar" in spanish.content.decode()


def test_several_places_typed_are_read_in_one_step_the_last_one_kept(client):
    response = client.get(SEARCH, {"q": "suboxone 21201 43215"})
    assert query(response.url) == {"near": ["43215"], "medication": ["BU"]}
    response = client.get(SEARCH, {"q": "methadone columbus ohio baltimore md"})
    assert query(response.url) == {"near": ["Baltimore, MD"], "medication": ["METH"]}
    assert client.get(response.url).status_code == 200  # settled: no second redirect


def test_a_fellowship_staff_add_is_understood_by_the_treatment_search(client, admin_client):
    from meetings.models import Fellowship

    before = client.get(SEARCH, {"q": "EDA meetings", "near": "21201"})
    assert "eda" not in query(before.get("Location", "")).get("fellowship", [])
    added = admin_client.post(reverse("admin:meetings_fellowship_add"), {
        "name": "Eating Disorders Anonymous", "slug": "eda", "abbreviation": "EDA", "name_es": "",
        "description": "", "description_es": "", "website": "",
    })
    assert added.status_code == 302, added.context["adminform"].form.errors if added.context else added
    assert Fellowship.objects.filter(slug="eda").exists()
    for text in ["eating disorders anonymous near me", "EDA meetings", "eda"]:
        response = client.get(SEARCH, {"q": text, "near": "21201"})
        assert response.status_code == 302, text
        assert urlsplit(response.url).path == reverse("meetings:finder"), text
        assert query(response.url) == {"near": ["21201"], "fellowship": ["eda"]}, text
    # Beside a service, it asks for meetings nearby as every fellowship does.
    response = client.get(SEARCH, {"q": "suboxone eda meeting", "near": "21201"})
    assert query(response.url)["meetings"] == ["1"] and query(response.url)["medication"] == ["BU"]
