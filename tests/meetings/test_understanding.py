"""The meeting finder's keyword box reads fellowships, types, days and times into the finder's choices."""
import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from meetings.understanding import understand_meeting_words

from .conftest import at
from .factories import make_meeting, make_online_meeting
from .test_views import names

pytestmark = pytest.mark.django_db

T = datetime.time


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


@pytest.mark.parametrize("typed,choices,text", [
    ("na meetings tonight", {"fellowship": ["na"], "day": ["today"], "time": ["evening"]}, ""),
    ("Narcotics Anonymous", {"fellowship": ["na"]}, ""),
    ("narcotcs anonymous", {"fellowship": ["na"]}, ""),
    ("online smart recovery", {"attendance": ["online"], "fellowship": ["smart-recovery"]}, ""),
    ("zoom aa", {"attendance": ["online"], "fellowship": ["aa"]}, ""),
    ("reuniones en español", {"type": ["S"]}, ""),
    ("grupo de narcóticos anónimos", {"fellowship": ["na"]}, ""),
    ("women's meeting saturday", {"type": ["W"], "day": ["6"]}, ""),
    ("domingo por la noche", {"day": ["0"], "time": ["evening"]}, ""),
    ("meeting right now", {"when": ["now"]}, ""),
    ("big book study", {"type": ["B"]}, ""),
    ("wheelchair accessible newcomer", {"type": ["X", "BE"]}, ""),
    ("aa meeting near me 21201", {"fellowship": ["aa"]}, ""),
    ("harbor lights group", {}, "harbor lights"),
])
def test_what_people_type_becomes_the_finders_choices(typed, choices, text):
    understood = understand_meeting_words(typed)
    assert understood.filters == choices
    assert understood.text == text


def test_typed_words_become_the_address_of_the_same_search(client, fixed_now):
    fixed_now(at("2026-03-02 18:00", "America/New_York"))  # a Monday evening
    make_meeting(name="NA tonight", days=[1], start_time=T(19, 30))
    make_meeting(name="AA tonight", days=[1], start_time=T(19, 30), fellowship="aa")
    make_meeting(name="NA at noon", days=[1], start_time=T(12))
    make_online_meeting(name="NA online", days=[1], start_time=T(20))
    response = client.get("/meetings/", {"q": "na meetings tonight near 21201"})
    assert response.status_code == 302
    assert query(response.url) == {"near": ["21201"], "fellowship": ["na"], "day": ["today"], "time": ["evening"]}
    followed = client.get(response.url)
    assert "NA tonight" in names(followed)
    assert "AA tonight" not in names(followed) and "NA at noon" not in names(followed)
    assert "Narcotics Anonymous" in followed.content.decode()  # named in "Filters (n): …"


def test_a_city_in_the_keywords_is_where_to_look(client):
    response = client.get("/meetings/", {"q": "aa baltimore", "day": ""})
    assert query(response.url) == {"day": [""], "near": ["Baltimore, MD"], "fellowship": ["aa"]}


def test_words_that_name_no_choice_search_the_listings(client):
    make_meeting(name="Harbor Lights Group")
    response = client.get("/meetings/", {"q": "harbor lights group", "day": ""})
    assert query(response.url) == {"day": [""], "q": ["harbor lights"]}
    assert names(client.get(response.url)) == ["Harbor Lights Group"]
    settled = client.get("/meetings/", {"q": "harbor lights", "day": ""})
    assert settled.status_code == 200  # nothing left to read: no redirect loop

