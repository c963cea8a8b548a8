"""The level-of-care guide: private plain questions, guidance with its reasons, crisis lines when answers suggest danger."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from guide.advice import advise
from tests.conftest import axe_violations

BLANK = {"last_use": "", "withdrawal": "", "other": [], "safety": [], "home": "", "medication": "",
         "conditions": [], "needs": [], "insurance": ""}


def answers(**given):
    return {**BLANK, **given}


def kinds(advice) -> list[str]:
    return [option.key for option in advice.options]


def test_dangerous_withdrawal_points_to_medical_care_and_the_crisis_lines():
    advice = advise(answers(last_use="today", withdrawal="hard", other=["alcohol"]))
    assert advice.danger
    assert kinds(advice)[0] == "withdrawal"
    assert advice.search["care"][0] == "DT"


@pytest.mark.parametrize("safety", ["overdose", "self_harm", "unsafe_home"])
def test_each_safety_answer_shows_the_crisis_lines(safety):
    assert advise(answers(safety=[safety])).danger


def test_stable_and_stopped_points_to_outpatient_only_without_alarm():
    advice = advise(answers(last_use="longer", home="support", medication="taking", insurance="medicaid"))
    assert not advice.danger
    assert kinds(advice) == ["outpatient"]
    assert advice.search == {"care": ["ORT", "OTP"], "medication": ["ACM"], "payment": ["MD"]}
    assert advice.meetings


def test_needs_become_search_filters():
    advice = advise(answers(home="none", conditions=["pregnant", "mental_health", "under_18"], needs=["transport"],
                            insurance="none", medication="want"))
    assert "residential" in kinds(advice)
    assert advice.search["group"] == ["PW", "CO"]
    assert advice.search["age"] == ["CHLD"]
    assert advice.search["payment"] == ["SF", "SS", "FREE", "PA"]
    assert advice.search["medication"] == ["METH", "BU", "NU"]
    outpatient = next(option for option in advice.options if option.key == "outpatient")
    assert outpatient.setting == ["TELE"]
    assert "pregnancy-and-opioid-use" in advice.article_slugs


def test_pregnancy_with_recent_use_is_not_left_to_stopping_alone():
    advice = advise(answers(last_use="today", conditions=["pregnant"]))
    assert kinds(advice)[0] == "withdrawal"


@pytest.mark.django_db
class TestPage:
    def test_questions_first_then_guidance(self, client):
        html = client.get("/guide/").content.decode()
        assert "This is guidance, not a diagnosis." in html
        assert "<details class=\"guide-questions\" open>" in html
        assert 'method="get"' in html and "Kinds of care that may fit" not in html
        assert 'href="/guide/"' in client.get("/").content.decode()  # linked from home and navigation

    def test_answers_give_guidance_and_a_prefilled_search(self, client):
        response = client.get("/guide/", {"last_use": "week", "home": "support", "medication": "want",
                                          "insurance": "private"})
        html = response.content.decode()
        assert "Kinds of care that may fit" in html
        assert "Please get help now" not in html
        search = re.search(r'<a class="cta-link" href="([^"]+)"', html).group(1).replace("&amp;", "&")
        assert urlsplit(search).path == "/programs/"
        assert parse_qs(urlsplit(search).query)["payment"] == ["PI"]
        assert response.cookies == {}
        assert "private, no-store" in response["Cache-Control"]

    def test_spanish_guidance_links_the_spanish_article_where_there_is_one(self, client):
        from tests.articles.factories import make_article

        english = make_article(title="Levels of care", slug="levels-of-care")
        make_article(title="Tipos de tratamiento", slug="tipos-de-tratamiento", language="es", translation_of=english)
        make_article(title="Paying for treatment", slug="paying-for-treatment")
        answers = {"last_use": "week", "home": "support", "insurance": "none"}
        spanish = client.get("/es/guide/", answers).content.decode()
        assert 'href="/es/learn/tipos-de-tratamiento/"' in spanish and "Levels of care" not in spanish
        assert 'href="/learn/paying-for-treatment/"' in spanish  # no Spanish version yet: the English one
        english_page = client.get("/guide/", answers).content.decode()
        assert 'href="/learn/levels-of-care/"' in english_page and "Tipos de tratamiento" not in english_page

    def test_danger_shows_the_crisis_lines_first(self, client):
        html = client.get("/guide/?safety=self_harm").content.decode()
        main = html[html.index("<main"):]
        assert main.index("Please get help now") < main.index("Kinds of care that may fit")
        danger = main[main.index("Please get help now"):main.index("Kinds of care that may fit")]
        for number in ('href="tel:988"', 'href="tel:+18006624357"', 'href="tel:911"'):
            assert number in danger

    @pytest.mark.parametrize("query", ["?last_use=yesterday", "?safety=x&safety=overdose", "?home=" + "x" * 5000,
                                       "?other=alcohol&other=alcohol", "?insurance=%00"])
    def test_unknown_answers_are_left_out_not_an_error(self, client, query):
        response = client.get("/guide/" + query)
        assert response.status_code == 200

    def test_an_empty_form_asks_for_an_answer(self, client):
        html = client.get("/guide/?last_use=&home=").content.decode()
        assert "Answer at least one question" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_guide_works_without_javascript_and_passes_axe(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url,
                                  java_script_enabled=False)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Which care?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which kind of care may fit?")
    page.get_by_role("group", name="When were opioids last used?").get_by_label("Today or yesterday").check()
    page.get_by_label("Very hard", exact=False).check()
    page.get_by_label("An overdose in the past year", exact=False).check()
    page.get_by_label("Would like to start a medication").check()
    page.get_by_label("Medicaid").check()
    page.get_by_role("button", name="See which care may fit").click()

    danger = page.get_by_role("region", name="Please get help now")
    expect(danger.get_by_role("link", name=re.compile("^988"))).to_have_attribute("href", "tel:988")
    expect(danger.get_by_role("link", name=re.compile("^911"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Withdrawal care with medical staff"))).to_be_visible()
    expect(page.get_by_text("This is guidance, not a diagnosis.")).to_be_visible()
    context.close()
    # axe needs script in the page: check the same answers in a context that allows it.
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page2 = context.new_page()
    page2.goto("/guide/?last_use=today&withdrawal=hard&safety=overdose&medication=want&insurance=medicaid")
    assert axe_violations(page2) == []
    page2.get_by_role("link", name="Find programs that offer this care").click()
    expect(page2).to_have_url(re.compile(r"/programs/\?care=DT.*medication=BU.*payment=MD"))
    assert axe_violations(page2) == []
    assert context.cookies() == []
    context.close()
    own = urlsplit(live_server.url).netloc
    assert [url for url in requests if urlsplit(url).scheme.startswith("http") and urlsplit(url).netloc != own] == []


GUIDE_PARAMS = ["last_use", "withdrawal", "other", "safety", "home", "medication", "conditions", "needs",
                "insurance", "x", ""]


@pytest.mark.django_db
def test_the_guide_never_fails_whatever_the_query(client):
    from urllib.parse import quote

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    values = st.one_of(st.sampled_from(["today", "hard", "alcohol", "overdose", "none", "want", "pregnant", "work",
                                        "medicaid", "\x00", "%ff", "x" * 3000]), st.text(max_size=40))

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(pairs=st.lists(st.tuples(st.sampled_from(GUIDE_PARAMS), values), max_size=10))
    def check(pairs):
        query = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)
        response = client.get("/guide/?" + query)
        assert response.status_code == 200, query
        assert response.cookies == {}

    check()
