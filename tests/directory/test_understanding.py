"""The keyword box reads what people type into the filters they mean, with the real taxonomy.

The rules themselves are tested without a database in tests/understanding/."""
import pytest

from directory.filters import vocabulary
from tests.directory.lay_queries import LAY_QUERIES
from understanding.reading import understand

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
