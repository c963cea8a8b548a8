"""The word lists are data files, read once; the places in the keywords are read offline."""
from django.http import QueryDict

from understanding import words
from understanding.reading import understand
from understanding.rewriting import rewritten_query
from understanding.text import normalize


def test_the_word_lists_are_read_from_the_data_files():
    assert {"clinic", "near", "fentanyl", "ayuda"} <= words.STOP_WORDS
    assert "near me" in words.STOP_PHRASES and "without" in words.NEGATIONS
    assert "xanax" in words.SUBSTANCES and "medical" in words.NOT_TYPOS
    assert not any(word.startswith("#") for word in words.STOP_WORDS)
    total = sum(len(p.split()) for group in (words.STOP_WORDS, words.STOP_PHRASES, words.NEGATIONS,
                                             words.SUBSTANCES, words.NOT_TYPOS) for p in group)
    assert total > 600
    assert words.data("choices.json") is words.data("choices.json")  # read once


def test_normalize_drops_case_accents_and_apostrophes():
    assert normalize("Español") == "espanol"
    assert normalize("Medi-Cal") == "medi cal"
    assert normalize("don’t") == "dont"


def test_a_city_at_the_end_becomes_the_place_and_choices_become_parameters(vocabulary):
    given = QueryDict("q=suboxone+baltimore+md&page=3")
    params = rewritten_query(given, understand("suboxone baltimore md", vocabulary, take_zip=True))
    assert params["near"] == "Baltimore, MD" and params.getlist("medication") == ["BU"]
    assert "q" not in params and "page" not in params


def test_a_search_that_needs_no_rewriting_is_left_alone(vocabulary):
    given = QueryDict("q=ashgrove")
    assert rewritten_query(given, understand("ashgrove", vocabulary)) is None


def test_single_valued_choices_take_the_last_one_typed(vocabulary):
    given = QueryDict("q=open+now+open+today")
    params = rewritten_query(given, understand("open now open today", vocabulary), single=("open",))
    assert params.getlist("open") == ["today"]
