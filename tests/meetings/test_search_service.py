"""The meeting finder as a service (meetings.search.MeetingSearch): run without a request."""
import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from meetings.search import MeetingSearch

from .conftest import at
from .factories import make_meeting, make_online_meeting

pytestmark = pytest.mark.django_db

T = datetime.time
MONDAY_EVENING = "2026-03-02 18:00"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def search(text: str, language: str = "en") -> MeetingSearch:
    return MeetingSearch(QueryDict(text), language, now=at(MONDAY_EVENING, "America/New_York"))


def names(result) -> list[str]:
    return [meeting.name for meeting in result.page.object_list]


def test_words_that_name_choices_give_the_address_of_the_same_search_as_those_choices():
    found = search("q=na+meetings+tonight+near+21201")
    assert urlsplit(found.redirect).path == "/meetings/"
    assert query(found.redirect) == {"near": ["21201"], "fellowship": ["na"], "day": ["today"], "time": ["evening"]}
    assert found.run().redirect == found.redirect


def test_words_of_danger_give_the_address_with_help_first():
    found = search("q=i+want+to+die+aa+meeting")
    assert query(found.redirect)["help"] == ["988"]
    assert "die" not in found.redirect


def test_a_first_visit_lists_todays_meetings_with_the_heading_and_options(fixed_now):
    fixed_now(at(MONDAY_EVENING, "America/New_York"))
    make_meeting(name="NA tonight", days=[1], start_time=T(19, 30))
    make_meeting(name="AA on Tuesday", days=[2], start_time=T(19, 30), fellowship="aa")
    make_online_meeting(name="NA online", days=[1], start_time=T(20))
    result = search("").run()
    assert result.redirect is None
    assert set(names(result)) == {"NA tonight", "NA online"}
    assert result.results_heading.startswith("2 meetings")
    assert result.pagination_query["day"] == "today" and not result.searched
    chosen_days = [label for _value, label, chosen in result.options["day"] if chosen]
    assert chosen_days == ["Today (Monday)"]


def test_a_search_by_place_and_fellowship_names_its_filters(fixed_now):
    fixed_now(at(MONDAY_EVENING, "America/New_York"))
    make_meeting(name="NA tonight", days=[1], start_time=T(19, 30))
    make_meeting(name="AA tonight", days=[1], start_time=T(19, 30), fellowship="aa")
    result = search("near=21201&fellowship=aa&day=").run()
    assert names(result) == ["AA tonight"]
    assert result.place is not None and result.mode == "distance"
    assert "Alcoholics Anonymous" in result.filter_names


def test_an_unknown_place_lists_nothing_and_unknown_parameters_are_explained(fixed_now):
    fixed_now(at(MONDAY_EVENING, "America/New_York"))
    make_meeting(name="NA tonight", days=[1], start_time=T(19, 30))
    result = search("near=Nowhereville+Qq&colour=blue").run()
    assert result.place_unknown and result.page.object_list == []
    assert any("colour" in notice for notice in result.notices)
