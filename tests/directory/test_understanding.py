"""The keyword box reads what people type into the filters they mean."""
import pytest

from directory.filters import vocabulary
from tests.directory.lay_queries import LAY_QUERIES
from understanding.reading import MAX_WORDS, understand

pytestmark = pytest.mark.django_db


def parse_filters(spec: str) -> dict[str, list[str]]:
    return {param: codes.split(",") for param, codes in (part.split("=") for part in spec.split())}


@pytest.mark.parametrize("query,filters,text", LAY_QUERIES, ids=[row[0] for row in LAY_QUERIES])
def test_lay_query_becomes_filters(query, filters, text):
    understood = understand(query, vocabulary())
    assert {p: sorted(c) for p, c in understood.filters.items()} == {
        p: sorted(c) for p, c in parse_filters(filters).items()
    }
    assert understood.text == text


def test_the_table_is_long_enough_and_has_no_repeats():
    queries = [row[0] for row in LAY_QUERIES]
    assert len(queries) >= 150
    assert len(set(queries)) == len(queries)


def test_several_words_are_read_before_one():
    understood = understand("sober living", vocabulary())
    assert understood.filters == {"care": ["HH"]}
    assert [m.typed for m in understood.matches] == ["sober living"]


def test_short_words_are_not_guessed_at():
    # "mta" is not silently read as "mat": it is offered as a suggestion instead.
    understood = understand("mta", vocabulary())
    assert understood.filters == {}
    assert understood.text == "mta"
    assert [(s.word, s.replacement) for s in understood.suggestions] == [("mta", "mat")]


def test_misspelling_records_what_it_was_read_as():
    understood = understand("suboxon", vocabulary())
    assert understood.matches[0].corrected == "suboxone"


def test_a_zip_code_in_the_keywords_becomes_the_place_when_none_is_given():
    assert understand("detox 21201", vocabulary(), take_zip=True).zip_code == "21201"
    kept = understand("detox 21201", vocabulary(), take_zip=False)
    assert kept.zip_code == "" and kept.text == "21201"


def test_words_past_the_cap_are_not_considered():
    understood = understand(" ".join(["zzz"] * 50 + ["methadone"]), vocabulary())
    assert understood.truncated
    assert understood.filters == {}
    assert len(understood.text.split()) == MAX_WORDS


def test_staff_synonyms_are_understood_after_an_edit():
    from directory.models import Term

    term = Term.objects.get(code="HV")
    term.synonyms = [*term.synonyms, "positive living"]
    term.save()
    assert understand("positive living", vocabulary()).filters == {"group": ["HV"]}


def test_every_term_has_seeded_synonyms_and_a_spanish_name():
    from directory.models import Category, Term

    assert Term.objects.count() == 64
    assert not Term.objects.filter(synonyms=[]).exists()
    assert not Term.objects.filter(name_es="").exists()
    assert not Category.objects.filter(name_es="").exists()


def test_newer_default_words_reach_an_existing_database_and_staff_words_stay():
    from directory.models import Term
    from directory.taxonomy import update_words

    bupe = Term.objects.get(code="BU")
    bupe.synonyms = [word for word in bupe.synonyms if word != "probuphine"] + ["strips", "bupe bus"]
    bupe.save()
    update_words(term_model=Term, withdrawn={"BU": (["strips"], [])})
    bupe.refresh_from_db()
    assert "probuphine" in bupe.synonyms  # a default word it lacked
    assert "bupe bus" in bupe.synonyms  # staff's own
    assert "strips" not in bupe.synonyms  # withdrawn: "fentanyl test strips" are not buprenorphine
