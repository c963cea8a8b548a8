"""Whatever arrives in a query string, public pages answer with a page, never a server error."""
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import make_program

pytestmark = pytest.mark.django_db

PARAMS = ["near", "radius", "q", "q", "state", "accepting", "sort", "page", "medication", "payment", "care",
          "age", "group", "language", "setting", "accreditation", "foo", "near[]", "", "page\x00"]
NASTY = [
    "'; DROP TABLE directory_program; --", "<script>alert(1)</script>", "\x00", "%00", "%ff%fe", "9" * 400,
    "-1", "1e308", "NaN", "../../etc/passwd", "(((", "!!!&&&|||", '"unclosed', "-", ":*", "22902,22903",
    "90,-180.5", "١٢٣٤٥", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Springfield", "BU", "MD", "25", "0", " ", "x" * 5000,
    # Words the keyword box reads as filters, alone and in hostile company.
    "suboxone medicaid near me", "metadona", "sober living or -detox", '"the shot', "methadon 22902",
    "español " * 40, "bupe" * 60, "near me", "or or or", "-narcan narcan", "medi-cal/suboxone",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=80), st.integers().map(str))
pairs = st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=8)


@pytest.fixture
def some_programs(db):
    make_program(name="Alpha", terms=["BU", "MD"])
    make_program(name="Beta", terms=["METH"])


@given(pairs=pairs)
def test_search_never_fails_whatever_the_query(client, some_programs, pairs):
    from urllib.parse import quote

    query = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)
    # Keywords naming services are rewritten into filters by a redirect, which must lead to a page.
    response = client.get(reverse("directory:program-search") + "?" + query, follow=True)
    assert response.status_code == 200, query
    assert len(response.redirect_chain) <= 2, query


@given(raw=st.binary(max_size=120))
def test_raw_bytes_in_the_query_string(client, some_programs, raw):
    from urllib.parse import quote_from_bytes

    response = client.get(reverse("directory:program-search"), QUERY_STRING=quote_from_bytes(raw, safe="=&"),
                          follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/about/", "/programs/"])
@pytest.mark.parametrize("query", ["near=%ff%fe", "q=%00", "page=-5&page=7", "radius=1e999", "near=" + "9" * 2000,
                                   "medication=BU&medication=BU&medication=ZZZ", "sort=__class__"])
def test_every_public_page_answers_bad_queries(client, path, query):
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code == 200


def test_invalid_utf8_and_nul_in_keywords_are_explained(client, some_programs):
    response = client.get(reverse("directory:program-search"), QUERY_STRING="q=abc%00def")
    assert response.status_code == 200
    assert "Keywords:" in response.content.decode()


def test_unknown_program_is_a_404_page(client):
    response = client.get("/programs/no-such-program/?x=%ff")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
