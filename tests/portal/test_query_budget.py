"""Every public search page answers in a fixed number of queries, however many results it shows.

A page that grows a query per result (an N+1) fails here long before it is slow in production.
The budgets are what the pages need today, with a little room.
"""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from places.weekdays import Weekday
from tests.articles.factories import make_article
from tests.factories import make_program
from tests.meetings.factories import make_meeting, make_online_meeting

T = datetime.time

SEARCHES = [
    # (url, most queries allowed, text the page must show: the budget holds with results listed)
    ("/", 2, "Find treatment"),
    ("/programs/", 6, "Lantern House 11"),
    ("/programs/?near=22902&radius=25", 6, "Lantern House 11"),
    ("/programs/?near=22902&q=lantern&medication=BU&accepting=1&sort=name", 6, "Lantern House 0"),
    ("/programs/?near=21201&radius=100&meetings=1", 7, "Hope Group 3"),
    ("/programs/?q=lantern", 6, "Lantern House 11"),
    ("/meetings/", 4, "Online Hope 5"),
    ("/meetings/?near=21201&day=today", 4, "Hope Group 5"),
    ("/meetings/?attendance=online&when=now", 4, None),
    ("/meetings/?near=Baltimore%2C+MD&q=hope&fellowship=na&type=O", 4, "Hope Group 7"),
    ("/learn/search/?q=methadone", 5, "Methadone questions 3"),
    ("/api/services?search=lantern&per_page=50", 6, "Lantern House 11"),
    ("/api/organizations", 9, "Org 2"),
]


@pytest.fixture
def listings(db, fixed_now):
    # A Wednesday morning: the meetings expected on the pages (8:00 to 19:00 every day) are still to come.
    fixed_now(datetime.datetime(2026, 3, 4, 7, 30, tzinfo=ZoneInfo("America/New_York")))
    for n in range(12):
        make_program(name=f"Lantern House {n}", organization=f"Org {n % 3}", terms=["BU", "MD", "OP"][: 1 + n % 3],
                     accepting_new_patients=True,
                     hours=[(Weekday.MONDAY, T(9), T(17)), (Weekday.TUESDAY, T(9), T(17))])
    every_day = list(range(7))
    for n in range(12):
        make_meeting(name=f"Hope Group {n}", types=["O"], days=every_day, start_time=T(n % 12 + 8))
        make_online_meeting(name=f"Online Hope {n}", days=every_day, start_time=T(n % 12 + 8))
    for n in range(4):
        make_article(title=f"Methadone questions {n}")


@pytest.mark.parametrize(("url", "budget", "shown"), SEARCHES)
def test_search_pages_stay_within_their_query_budget(client, listings, django_assert_max_num_queries,
                                                     url, budget, shown):
    client.get(url)  # fill the caches (taxonomy, meeting lists) as any earlier request would
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    if shown:
        assert shown in response.content.decode()


def test_migrations_match_the_models(db):
    """`makemigrations --check` as part of the suite: a model change without its migration fails."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
