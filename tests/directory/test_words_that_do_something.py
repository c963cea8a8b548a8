"""Words people type that used to do nothing: opening hours, the wait, walk-ins, and classes of words
(veterans and military, young people, low cost). Each becomes a filter where the data has it, or a
visible note where it does not; none is dropped silently. The clock is frozen (views.current_time)."""
import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from directory.filters import vocabulary
from tests.factories import make_program
from understanding.reading import understand

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:program-search")
T = datetime.time
EVERY_DAY_9_TO_5 = [(day, T(9), T(17)) for day in range(7)]
WEEKDAYS_9_TO_5 = [(day, T(9), T(17)) for day in range(1, 6)]
ROUND_THE_CLOCK = [(day, T(0), T(23, 59)) for day in range(7)]
EVENINGS = [(day, T(18), T(22)) for day in range(1, 6)]
# Tuesday 3 March 2026, 10:00 in Charlottesville (where the factory puts programs).
TUESDAY_10AM = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def clock(monkeypatch):
    def freeze(moment):
        monkeypatch.setattr("directory.views.current_time", lambda: moment)
    freeze(TUESDAY_10AM)
    return freeze


@pytest.fixture
def programs(db):
    make_program(name="Weekday Clinic", hours=WEEKDAYS_9_TO_5, terms=["OP"])
    make_program(name="Every Day Clinic", hours=EVERY_DAY_9_TO_5, terms=["OP"])
    make_program(name="Always Open Detox", hours=ROUND_THE_CLOCK, terms=["DT"])
    make_program(name="Evening Counseling", hours=EVENINGS, terms=["OP"], typical_wait_days=0)
    make_program(name="No Hours Listed", terms=["OP"])


def names(response) -> list[str]:
    return sorted(program.name for program in response.context["page"].object_list)


def filters(text: str) -> dict[str, list[str]]:
    return understand(text, vocabulary()).filters


@pytest.mark.parametrize(("text", "expected"), [
    ("open now", {"open": ["now"]}),
    ("abierto ahora", {"open": ["now"]}),
    ("open today", {"open": ["today"]}),
    ("abierto hoy", {"open": ["today"]}),
    ("24 hour detox", {"open": ["24h"], "care": ["DT"]}),
    ("24/7", {"open": ["24h"]}),
    ("abierto 24 horas", {"open": ["24h"]}),
    ("weekends", {"open": ["weekend"]}),
    ("open on saturday", {"open": ["weekend"]}),
    ("fines de semana", {"open": ["weekend"]}),
    ("same day", {"same_day": ["1"]}),
    ("no waiting list", {"same_day": ["1"]}),
    ("hoy mismo", {"same_day": ["1"]}),
    ("walk in", {"unfiltered": ["walk-in"]}),
    ("walk-ins welcome", {"unfiltered": ["walk-in"]}),
    ("sin cita", {"unfiltered": ["walk-in"]}),
])
def test_words_of_time_and_wait_are_understood(text, expected):
    assert filters(text) == expected


@pytest.mark.parametrize("text", ["veterans", "vets", "military", "for veterans", "veteranos", "militar"])
def test_veterans_and_military_words_mean_any_of_their_programs_and_payments(text):
    assert filters(text) == {"any": ["VET", "ADM", "VAF", "MI"]}


@pytest.mark.parametrize("text", ["youth", "youth program", "jóvenes", "young person"])
def test_words_for_young_people_mean_adolescents_and_young_adults(text):
    assert filters(text) == {"age": ["CHLD", "YAD"]}


@pytest.mark.parametrize("text", ["low cost", "cheap", "affordable", "inexpensive", "bajo costo", "barato"])
def test_low_cost_words_mean_sliding_fee_payment_assistance_and_free(text):
    assert set(filters(text)["payment"]) >= {"SS", "PA", "FREE"}


@pytest.mark.parametrize(("text", "found"), [
    ("open now", ["Always Open Detox", "Every Day Clinic", "Weekday Clinic"]),
    ("open today", ["Always Open Detox", "Evening Counseling", "Every Day Clinic", "Weekday Clinic"]),
    ("24 hour", ["Always Open Detox"]),
    ("weekends", ["Always Open Detox", "Every Day Clinic"]),
    ("same day", ["Evening Counseling"]),
])
def test_time_words_filter_the_programs_with_a_chip(client, clock, programs, text, found):
    response = client.get(SEARCH, {"q": text}, follow=True)
    assert names(response) == found
    chips = [chip["label"] for chip in response.context["chips"]]
    assert chips and not response.context["filterset"].keywords


def test_open_now_uses_the_search_clock(client, clock, programs):
    clock(datetime.datetime(2026, 3, 7, 20, 0, tzinfo=ZoneInfo("America/New_York")))  # Saturday evening
    assert names(client.get(SEARCH, {"open": "now"})) == ["Always Open Detox"]
    clock(datetime.datetime(2026, 3, 3, 19, 0, tzinfo=ZoneInfo("America/New_York")))  # Tuesday evening
    assert names(client.get(SEARCH, {"open": "now"})) == ["Always Open Detox", "Evening Counseling"]
    assert names(client.get(SEARCH, {"open": ["now", "weekend"]})) == ["Always Open Detox"]


def test_the_search_form_offers_the_hours_filters_in_both_languages(client, clock, programs):
    html = client.get(SEARCH, {"open": "24h"}).content.decode()
    assert '<input type="checkbox" name="open" value="24h" checked> Open 24 hours' in html
    assert "Usually seen the same day" in html
    spanish = client.get("/es/programs/", {"open": "weekend"}).content.decode()
    assert "Abierto los fines de semana" in spanish


def test_a_word_no_listing_records_is_a_visible_note_not_a_silent_drop(client, clock, programs):
    response = client.get(SEARCH, {"q": "walk in detox"}, follow=True)
    assert names(response) == ["Always Open Detox"]
    html = response.content.decode()
    assert "“Walk in” is not a filter: listings do not say which programs take walk-ins. Call to ask." in html
    spanish = client.get("/es/programs/", {"q": "sin cita"}, follow=True).content.decode()
    assert "«Sin cita» no es un filtro" in spanish


def test_veterans_find_programs_for_veterans_and_those_taking_va_funds_or_tricare(client, clock):
    make_program(name="Veterans Program", terms=["VET"])
    make_program(name="Takes VA Funds", terms=["VAF"])
    make_program(name="Takes TRICARE", terms=["MI"])
    make_program(name="Neither", terms=["MD"])
    response = client.get(SEARCH, {"q": "veterans"}, follow=True)
    assert names(response) == ["Takes TRICARE", "Takes VA Funds", "Veterans Program"]
    assert parse_qs(urlsplit(response.redirect_chain[-1][0]).query)["any"] == ["VET", "ADM", "VAF", "MI"]
    labels = [chip["label"] for chip in response.context["chips"]]
    assert "Veterans" in labels and "TRICARE" in labels
