"""The rules of understanding/RULES.md, in their order, on a vocabulary built in the test (no database)."""
import pytest

from understanding.reading import MAX_WORDS, understand


def read(text, vocabulary, **kwargs):
    understood = understand(text, vocabulary, **kwargs)
    return understood.filters, understood.text


def test_the_longest_known_phrase_is_read_first(vocabulary):
    understood = understand("sober living", vocabulary)
    assert understood.filters == {"care": ["HH"]}
    assert [match.typed for match in understood.matches] == ["sober living"]


def test_names_spanish_names_and_synonyms_are_known_and_plurals_too(vocabulary):
    assert read("Metadona", vocabulary) == ({"medication": ["METH"]}, "")
    assert read("buprenorphine", vocabulary) == ({"medication": ["BU"]}, "")  # a name without its "(…)"
    assert read("detoxes", vocabulary) == ({"care": ["DT"]}, "")


def test_filler_inside_a_phrase_is_skipped(vocabulary):
    assert read("inpatient drug rehab", vocabulary) == ({"care": ["RS"]}, "")


@pytest.mark.parametrize("typed,code", [("methadon", "METH"), ("suboxon", "BU"), ("vivitrl", "VTRL")])
def test_small_misspellings_of_words_of_five_letters_or_more_are_read(vocabulary, typed, code):
    understood = understand(typed, vocabulary)
    assert understood.filters == {"medication": [code]}
    assert understood.matches[0].corrected


def test_a_word_cut_short_is_read_when_every_known_word_it_starts_means_the_same(vocabulary):
    assert read("buprenor", vocabulary) == ({"medication": ["BU"]}, "")


def test_short_words_are_not_guessed_but_offered(vocabulary):
    understood = understand("bupr", vocabulary)
    assert understood.filters == {} and understood.text == "bupr"
    understood = understand("subz", vocabulary)
    assert understood.filters == {}
    assert [(s.word, s.replacement) for s in understood.suggestions] == [("subz", "subs")]


def test_ordinary_words_near_a_known_word_are_not_misspellings(vocabulary):
    assert read("tribal", vocabulary) == ({"payment": ["ITU"]}, "")
    assert read("trial", vocabulary) == ({}, "trial")  # not_typos.txt: not "tribal"
    assert understand("trial", vocabulary).suggestions == []


def test_a_precise_word_narrows_a_broad_one_within_a_category(vocabulary):
    assert understand("rehab", vocabulary).filters == {"care": ["RS", "RL"]}
    assert understand("30 day rehab", vocabulary).filters == {"care": ["RS"]}
    assert understand("naltrexone the shot", vocabulary).filters == {"medication": ["NU", "VTRL"]}  # neither narrows


def test_words_of_different_categories_add_up(vocabulary):
    assert read("suboxone medicaid", vocabulary) == ({"medication": ["BU"], "payment": ["MD"]}, "")


@pytest.mark.parametrize("typed", ["detox without methadone", "detox not methadone", "detox no methadone", "detox sin metadona"])
def test_a_service_refused_is_no_filter(vocabulary, typed):
    understood = understand(typed, vocabulary)
    assert understood.filters == {"care": ["DT"]}
    assert understood.text == ""


def test_filler_is_dropped_misspelt_filler_too(vocabulary):
    assert read("methadone clinic near me", vocabulary) == ({"medication": ["METH"]}, "")
    assert read("suboxone clinc", vocabulary) == ({"medication": ["BU"]}, "")
    assert read("necesito ayuda cerca de mi", vocabulary) == ({}, "")


def test_other_substances_go_beside_a_service_and_stay_alone(vocabulary):
    assert read("alcohol detox", vocabulary) == ({"care": ["DT"]}, "")
    assert read("xanax", vocabulary) == ({}, "xanax")


def test_unknown_words_are_left_for_the_text_search_as_typed(vocabulary):
    assert read("Ashgrove methadone", vocabulary) == ({"medication": ["METH"]}, "Ashgrove")
    assert read("Ashgrove Hilltop", vocabulary) == ({}, "Ashgrove Hilltop")


def test_web_search_syntax_is_kept_and_never_a_filter(vocabulary):
    assert read('"sober living" -detox', vocabulary) == ({}, '"sober living" -detox')
    assert read("ashgrove or hilltop", vocabulary) == ({}, "ashgrove or hilltop")
    assert read("detox or", vocabulary) == ({"care": ["DT"]}, "")


def test_choices_that_are_not_services(vocabulary):
    assert understand("open now", vocabulary).filters == {"open": ["now"]}
    assert understand("suboxone accepting new patients", vocabulary).filters == {
        "medication": ["BU"], "accepting": ["1"],
    }
    assert understand("walk in detox", vocabulary).filters == {"unfiltered": ["walk-in"], "care": ["DT"]}
    assert understand("support group", vocabulary).filters == {"meetings": ["1"]}


def test_a_staff_synonym_wins_over_a_name(vocabulary):
    # "rehab" is a synonym of two terms; the search's own choices never take a synonym away.
    assert understand("rehab", vocabulary).filters == {"care": ["RS", "RL"]}


def test_a_zip_code_is_the_place_when_asked_for(vocabulary):
    assert understand("detox 21201", vocabulary, take_zip=True).zip_code == "21201"
    kept = understand("detox 21201", vocabulary)
    assert kept.zip_code == "" and kept.text == "21201"


def test_at_most_twelve_words_are_read(vocabulary):
    understood = understand(" ".join(["zzz"] * 50 + ["methadone"]), vocabulary)
    assert understood.truncated and MAX_WORDS == 12
    assert understood.filters == {}
    assert len(understood.text.split()) == MAX_WORDS


def test_a_reading_is_remembered_with_its_vocabulary(vocabulary):
    assert understand("suboxone", vocabulary) is understand("suboxone", vocabulary)
