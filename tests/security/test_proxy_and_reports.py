"""Behind a proxy each visitor keeps their own report limit; a forged header changes nothing; a flood
of reports about one listing stops at a daily limit."""
import pytest
from django.urls import reverse

from directory.models import ProblemReport
from tests.factories import make_program

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"


@pytest.fixture
def programs(db):
    return make_program(name="Harbor Recovery"), make_program(name="Lakeside Clinic")


def report(client, program, **headers):
    return client.post(reverse("directory:report-problem", args=[program.slug]), {"kind": "other"}, **headers)


def test_behind_a_trusted_proxy_each_visitor_has_their_own_limit(client, settings, programs):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    harbor, lakeside = programs
    for _ in range(5):
        assert report(client, harbor, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert report(client, lakeside, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # Someone else behind the same proxy can still report.
    assert report(client, lakeside, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
    # Adding a forged address to the left of the header does not give a fresh limit: the proxy's
    # own (rightmost) entry is the one believed.
    forged = report(client, lakeside, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.1")
    assert forged.status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(client, settings, programs):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    harbor, _ = programs
    for n in range(5):
        assert report(client, harbor, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code == 302
    assert report(client, harbor, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429


def test_one_listing_takes_a_limited_number_of_reports_a_day(client, settings, programs):
    settings.PORTAL_REPORTS_PER_LISTING_PER_DAY = 10
    harbor, lakeside = programs
    for n in range(10):
        assert report(client, harbor, REMOTE_ADDR=f"198.51.100.{n}").status_code == 302
    refused = report(client, harbor, REMOTE_ADDR="198.51.100.200")
    assert refused.status_code == 429
    assert "already been reported several times today" in refused.content.decode()
    assert ProblemReport.objects.filter(program=harbor).count() == 10
    # Other listings are not affected.
    assert report(client, lakeside, REMOTE_ADDR="198.51.100.200").status_code == 302

