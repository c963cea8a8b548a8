"""The treatment search as a service (directory.search.ProgramSearch): run without a request."""
import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from directory.search import ProgramSearch
from tests.factories import make_program

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def search(query: str, language: str = "en") -> ProgramSearch:
    return ProgramSearch(QueryDict(query), language, now=NOW)


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_words_that_name_services_give_the_address_of_the_same_search_as_filters():
    found = search("q=suboxone+medicaid&near=21201")
    assert urlsplit(found.redirect).path == "/programs/"
    assert query(found.redirect) == {"near": ["21201"], "medication": ["BU"], "payment": ["MD"]}
    result = found.run()
    assert result.redirect == found.redirect and result.page is None


def test_words_of_danger_give_the_address_with_help_first_and_without_those_words():
    found = search("q=i+want+to+die+need+detox")
    assert query(found.redirect) == {"help": ["988"], "q": ["detox"]}


def test_a_search_without_words_to_rewrite_lists_programs_with_its_chips_and_facets():
    make_program(name="Harbor Methadone", terms=["MD", "OP"])
    make_program(name="Lantern Buprenorphine", terms=["BU"])
    result = search("near=22902&medication=BU&accepting=1").run()
    assert result.redirect is None
    assert [program.name for program in result.page.object_list] == []  # none is marked accepting
    make_program(name="Open Door", terms=["BU"], accepting_new_patients=True)
    result = search("near=22902&medication=BU&accepting=1").run()
    assert [program.name for program in result.page.object_list] == ["Open Door"]
    assert result.paginator.count == 1 and result.place is not None
    chips = {chip["label"]: query(chip["url"]) for chip in result.chips}
    assert chips["Buprenorphine"] == {"near": ["22902"], "accepting": ["1"]}
    assert chips["Accepting new patients"] == {"near": ["22902"], "medication": ["BU"]}
    medication = next(facet for facet in result.facets if facet["param"] == "medication")
    assert medication["chosen_codes"] == {"BU"}
    assert result.filter_count == 2 and result.has_filters


def test_a_search_that_finds_nothing_offers_broader_searches_that_do():
    make_program(name="Harbor Methadone", terms=["MD"])
    result = search("near=22902&medication=BU").run()
    assert result.page.object_list == []
    assert [option["label"] for option in result.broader] == ["Without “Buprenorphine”"]
    assert result.broader[0]["count"] == 1


def test_an_unknown_place_lists_nothing_and_says_why_beside_the_field():
    make_program(name="Harbor Methadone", terms=["MD"])
    result = search("near=Nowhereville+Qq").run()
    assert result.place_unknown and result.panel_open
    assert result.page.object_list == [] and result.broader == []


def test_parameters_it_does_not_use_are_explained_in_the_search_language():
    result = search("colour=blue", "es").run()
    assert any("colour" in notice for notice in result.notices)
    assert result.notices[0] != search("colour=blue", "en").run().notices[0]
