"""Redirects stay on the site and the feed shows text as text: what an attacker would try first."""
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from directory.models import ProblemReport
from tests.articles.factories import make_article
from tests.factories import make_program

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def report(db):
    program = make_program(name="Harbor Recovery")
    return ProblemReport.objects.create(program=program, kind="closed", details="Moved away.")


@pytest.mark.parametrize("target", [
    "https://evil.example/phish", "//evil.example/", "///evil.example", "\\\\evil.example", "javascript:alert(1)",
    "http://testserver.evil.example/",
])
def test_resolving_a_report_never_redirects_off_the_site(admin_client, report, target):
    response = admin_client.post(reverse("admin:directory_problemreport_resolve", args=[report.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:directory_problemreport_changelist")
    report.refresh_from_db()
    assert report.resolved


def test_resolving_a_report_returns_to_the_page_staff_came_from(admin_client, report):
    back = reverse("admin:directory_program_changelist") + "?status=active"
    response = admin_client.post(reverse("admin:directory_problemreport_resolve", args=[report.pk]), {"next": back})
    assert response["Location"] == back


def test_feed_summary_shows_markup_as_text(client):
    make_article(title="Signs of overdose", summary='Call 911 <script>alert("x")</script> & stay <b>with</b> them.')
    feed = ElementTree.fromstring(client.get("/learn/feed/").content)
    entry = next(feed.iter(f"{ATOM}entry"))
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # A feed reader decodes the HTML once: it must find escaped text, not a script element.
    assert summary.text == 'Call 911 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; stay &lt;b&gt;with&lt;/b&gt; them.'
