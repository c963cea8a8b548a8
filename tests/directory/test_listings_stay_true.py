"""Listings that stay true: problem reports, the verification queue, change history, availability."""
import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from directory.models import ProblemReport, Program
from tests.factories import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db):
    return make_program(name="Report Me", phone="(434) 555-0100")


def report_url(program):
    return reverse("directory:report-problem", args=[program.slug])


def test_anyone_can_report_a_problem_without_a_name_or_a_cookie(client, program):
    page = client.get(program.get_absolute_url()).content.decode()
    assert f'href="{report_url(program)}"' in page
    form = client.get(report_url(program))
    assert "You do not need to give your name" in form.content.decode()
    response = client.post(report_url(program), {"kind": "wrong_phone", "details": "It is 555-0199 now."},
                           HTTP_ORIGIN="http://testserver", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response.cookies == {}
    report = ProblemReport.objects.get()
    assert (report.program, report.kind, report.details) == (program, "wrong_phone", "It is 555-0199 now.")
    assert "203.0.113.9" not in report.visitor_key and len(report.visitor_key) == 32
    thanks = client.get(response["Location"])
    assert "Thank you for telling us" in thanks.content.decode()


def test_reports_are_rate_limited_per_visitor(client, program):
    for _ in range(5):
        assert client.post(report_url(program), {"kind": "other"}, REMOTE_ADDR="198.51.100.1").status_code == 302
    blocked = client.post(report_url(program), {"kind": "other"}, REMOTE_ADDR="198.51.100.1")
    assert blocked.status_code == 429
    assert "try again later" in blocked.content.decode()
    # Another visitor is not affected.
    assert client.post(report_url(program), {"kind": "other"}, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert ProblemReport.objects.count() == 6


def test_reports_from_other_sites_are_refused(client, program):
    response = client.post(report_url(program), {"kind": "closed"}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    cross = client.post(report_url(program), {"kind": "closed"}, HTTP_SEC_FETCH_SITE="cross-site")
    assert cross.status_code == 403
    assert ProblemReport.objects.count() == 0


def test_bad_reports_explain_and_bots_are_ignored(client, program):
    bad = client.post(report_url(program), {"kind": "nonsense", "details": "x" * 5000})
    assert bad.status_code == 400
    assert "Choose what is wrong." in bad.content.decode()
    bot = client.post(report_url(program), {"kind": "other", "website": "http://spam.example"})
    assert bot.status_code == 302
    assert ProblemReport.objects.count() == 0


def test_staff_resolve_a_report_with_one_click(admin_client, client, program):
    client.post(report_url(program), {"kind": "closed", "details": "Moved away."})
    report = ProblemReport.objects.get()
    inbox = admin_client.get(reverse("admin:directory_problemreport_changelist"))
    html = inbox.content.decode()
    assert "Moved away." in html and 'formaction="' + reverse("admin:directory_problemreport_resolve", args=[report.pk]) in html
    admin_client.post(reverse("admin:directory_problemreport_resolve", args=[report.pk]))
    report.refresh_from_db()
    assert report.resolved and report.resolved_by.username == "admin" and report.resolved_at is not None
    program_list = admin_client.get(reverse("admin:directory_program_changelist"))
    assert program_list.status_code == 200


def test_verification_queue_lists_stale_listings_oldest_first(admin_client, settings):
    settings.PORTAL_STALE_AFTER_DAYS = 180
    today = timezone.localdate()
    make_program(name="Fresh", last_verified=today - datetime.timedelta(days=10))
    make_program(name="Old", last_verified=today - datetime.timedelta(days=200))
    make_program(name="Older", last_verified=today - datetime.timedelta(days=500))
    make_program(name="Never", last_verified=None)
    make_program(name="Closed long ago", last_verified=None, status=Program.Status.CLOSED)
    url = reverse("admin:directory_listingtoverify_changelist")
    response = admin_client.get(url)
    assert [p.name for p in response.context["cl"].result_list] == ["Never", "Older", "Old"]
    ids = [p.pk for p in response.context["cl"].result_list]
    admin_client.post(url, {"action": "mark_verified_today", "_selected_action": ids})
    assert list(admin_client.get(url).context["cl"].result_list) == []
    assert set(Program.objects.filter(pk__in=ids).values_list("last_verified", flat=True)) == {today}


def test_history_records_who_changed_what_and_when(admin_client, program):
    url = reverse("admin:directory_program_change", args=[program.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({
        "phone": "(434) 555-0199", "accepting_new_patients": "unknown", "terms": [],
        "last_verified": "", "typical_wait_days": "", "beds_available": "", "beds_updated": "",
        "hours-TOTAL_FORMS": "0", "hours-INITIAL_FORMS": "0", "hours-MIN_NUM_FORMS": "0", "hours-MAX_NUM_FORMS": "1000",
    })
    data.pop("organization", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = LogEntry.objects.filter(object_id=str(program.pk)).latest("action_time")
    assert entry.user.username == "admin"
    assert "Main phone: (434) 555-0100 → (434) 555-0199" in entry.get_change_message()
    admin_client.post(reverse("admin:directory_program_changelist"),
                      {"action": "mark_verified_today", "_selected_action": [program.pk]})
    history = admin_client.get(reverse("admin:directory_program_history", args=[program.pk])).content.decode()
    assert "Main phone: (434) 555-0100 → (434) 555-0199" in history
    assert "Marked verified on" in history


def test_results_show_availability_and_filter_by_it(client):
    make_program(name="Open beds", accepting_new_patients=True, typical_wait_days=2, beds_available=3,
                 beds_updated=datetime.date(2026, 11, 20), terms=["RES"])
    make_program(name="Waitlist", accepting_new_patients=False)
    html = client.get("/programs/", {"near": "22902"}).content.decode()
    assert "Typical wait: about 2 days." in html
    assert "Beds available: 3 (as of Nov 20)." in html
    assert "Not taking new patients right now" in html
    accepting = client.get("/programs/", {"near": "22902", "accepting": "1"})
    assert [p.name for p in accepting.context["page"]] == ["Open beds"]
