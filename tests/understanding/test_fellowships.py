"""Fellowships come from the meeting app (provided, never imported) and are words of both finders."""
from understanding import fellowships
from understanding.reading import understand
from understanding.vocabulary import Vocabulary

from .conftest import FELLOWSHIPS, make_fellowship


def test_a_fellowship_is_read_by_its_name_spanish_name_and_abbreviation(vocabulary):
    for typed in ["eating disorders anonymous", "EDA", "eda meetings", "eating disorders anonymus"]:
        assert understand(typed, vocabulary).filters == {"fellowship": ["eda"]}, typed
    assert understand("narcoticos anonimos", vocabulary).filters == {"fellowship": ["na"]}
    assert understand("na", vocabulary).filters == {"fellowship": ["na"]}  # data/fellowships.json


def test_an_abbreviation_alone_needs_three_or_four_letters(vocabulary):
    # "CA" is California and "SMART" a word: only "<abbreviation> meeting" names them.
    assert understand("ca", vocabulary).filters == {}
    assert understand("ca meeting", vocabulary).filters == {"fellowship": ["ca"]}
    assert understand("smart", vocabulary).filters == {}
    assert understand("smart meetings", vocabulary).filters == {"fellowship": ["smart-recovery"]}


def test_the_meeting_finder_reads_every_fellowship_word():
    vocabulary = Vocabulary(fellowships.meeting_finder_entries(FELLOWSHIPS))
    assert understand("smart", vocabulary).filters == {"fellowship": ["smart-recovery"]}
    assert understand("ca", vocabulary).filters == {"fellowship": ["ca"]}
    assert understand("narcotics", vocabulary).filters == {"fellowship": ["na"]}


def test_providers_are_asked_each_time_and_registered_once(monkeypatch):
    monkeypatch.setattr(fellowships, "_sources", [])  # not the meeting app's: it reads the database
    listed = [make_fellowship("oa", "Overeaters Anonymous", "OA")]

    def provider():
        return listed

    fellowships.provide(provider)
    fellowships.provide(provider)
    assert fellowships.current() == (listed,)
    assert fellowships.current()[0] is listed
