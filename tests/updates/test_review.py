"""A program proposes through its link; staff approve all, some or none; history and locking hold."""
import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from directory.models import Program
from tests.factories import make_program
from updates import links
from updates.forms import ProviderUpdateForm
from updates.models import Proposal, UpdateLink

pytestmark = pytest.mark.django_db


def page_values(client, token) -> dict:
    """What the program's browser sends back when it changes nothing: the prefilled form."""
    form = client.get(f"/update/{token}/").context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = list(value)
        elif value not in (None, ""):
            data[name] = str(value)
    return data


@pytest.fixture
def token(program, clock):
    return links.issue(program, kind=UpdateLink.Kind.SENT)[1]


def propose(client, token, **changes):
    data = {**page_values(client, token), **changes}
    return client.post(f"/update/{token}/", data, HTTP_ORIGIN="http://testserver", REMOTE_ADDR="203.0.113.5")


def history(program) -> list[str]:
    return [entry.get_change_message() for entry in LogEntry.objects.filter(object_id=str(program.pk)).order_by("pk")]


def test_nothing_has_changed_confirms_the_listing(client, program, token, clock):
    response = client.post(f"/update/{token}/", {"confirm": "1"}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 200 and response.cookies == {}
    assert "confirmed it today" in response.content.decode()
    program.refresh_from_db()
    today = clock.now.date()
    assert program.last_verified == today and program.confirmed_by_program == today
    public = client.get(program.get_absolute_url()).content.decode()
    assert "Confirmed by the program on" in public
    assert "Confirmed by the program through its link on 2026-12-07" in history(program)[-1]
    assert UpdateLink.objects.get().answered_at == clock.now


def test_availability_publishes_at_once_and_the_rest_waits(client, program, token, clock):
    response = propose(client, token, accepting_new_patients="no", beds_available="3", phone="434-555-0199",
                       **{"terms:medication": ["METH", "BU"]})
    assert response.status_code == 200, response.context["form"].errors
    html = response.content.decode()
    assert "Published now:" in html and "Waiting for staff:" in html
    program.refresh_from_db()
    assert program.accepting_new_patients is False and program.beds_available == 3
    assert program.beds_updated == clock.now.date()
    assert program.phone == "(434) 555-0100"  # waits for staff
    assert set(program.terms.values_list("code", flat=True)) == {"OTP", "BU", "MD"}
    proposal = Proposal.objects.get(status="pending")
    assert proposal.changes["phone"] == {"old": "(434) 555-0100", "new": "(434) 555-0199"}
    assert proposal.changes["terms:medication"] == {"old": ["BU"], "new": ["BU", "METH"]}
    assert set(proposal.published) == {"accepting_new_patients", "beds_available"}
    assert "availability, published at once" in history(program)[-1]


def package_table(client, table: str) -> str:
    import io
    import zipfile

    response = client.get("/api/datapackage.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as bundle:
        return bundle.read(table).decode()


def test_staff_approve_all_through_the_staff_edit(admin_client, client, program, token, clock, run_jobs):
    propose(client, token, phone="(434) 555-0199", website="harbor.example", hours_note="Dosing 6 to 11",
            hours_5_1_opens="07:00", hours_5_1_closes="12:00", **{"terms:payment": ["MD", "SF"]})
    proposal = Proposal.objects.get(status="pending")
    url = reverse("admin:updates_proposal_change", args=[proposal.pk])
    review = admin_client.get(url)
    html = review.content.decode()
    assert "(434) 555-0100" in html and "(434) 555-0199" in html and "Cash or self-pay" in html
    response = admin_client.post(url, {"_approve_all": "1", "opened_version": review.context["opened_version"]})
    assert response.status_code == 302, response.context["errors"]
    program.refresh_from_db()
    assert program.phone == "(434) 555-0199" and program.website == "https://harbor.example"
    assert set(program.terms.values_list("code", flat=True)) == {"OTP", "BU", "MD", "SF"}
    assert sorted((p.weekday, p.opens.hour) for p in program.hours.all()) == [(1, 6), (5, 7)]
    entry = history(program)[-1]
    assert "Proposed by the program through its link on 2026-12-07, approved by admin." in entry
    assert "Main phone: (434) 555-0100 → (434) 555-0199" in entry
    assert "Opening hours:" in entry
    assert LogEntry.objects.filter(object_id=str(program.pk)).latest("pk").user.username == "admin"
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.reviewed_by.username == "admin"
    public = client.get(program.get_absolute_url()).content.decode()
    assert "(434) 555-0199" in public
    run_jobs()  # the data package is rebuilt as after any staff edit
    assert "555-0199" in package_table(client, "phones.csv")


def test_staff_approve_some_and_the_rest_is_left(admin_client, client, program, token, clock):
    propose(client, token, phone="(434) 555-0199", name="Harbor Recovery Center", city="Crozet", zip_code="22932")
    proposal = Proposal.objects.get(status="pending")
    url = reverse("admin:updates_proposal_change", args=[proposal.pk])
    opened = admin_client.get(url).context["opened_version"]
    response = admin_client.post(url, {"_approve_some": "1", "approve": ["phone"], "opened_version": opened})
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.phone, program.name, program.city) == ("(434) 555-0199", "Harbor Recovery", "Charlottesville")
    proposal.refresh_from_db()
    assert proposal.status == "partly"
    assert proposal.decisions == {"phone": "approved", "name": "rejected", "city": "rejected", "zip_code": "rejected"}


def test_an_approval_over_a_newer_staff_edit_is_refused(admin_client, client, program, token, clock):
    propose(client, token, phone="(434) 555-0199", hours_note="Walk-ins Monday")
    proposal = Proposal.objects.get(status="pending")
    url = reverse("admin:updates_proposal_change", args=[proposal.pk])
    opened = admin_client.get(url).context["opened_version"]
    # Someone edits the listing after the review page was opened.
    Program.objects.filter(pk=program.pk).update(description="Now with evening groups")
    response = admin_client.post(url, {"_approve_all": "1", "opened_version": opened})
    assert response.status_code == 400
    assert "Someone else saved this program after you opened it" in response.content.decode()
    program.refresh_from_db()
    assert program.phone == "(434) 555-0100"
    assert Proposal.objects.get().status == "pending"
    # A field changed since the program proposed it cannot be approved at all.
    program.phone = "(434) 555-0155"
    program.save()
    review = admin_client.get(url)
    assert "Changed since the program proposed this" in review.content.decode()
    admin_client.post(url, {"_approve_all": "1", "opened_version": review.context["opened_version"]})
    program.refresh_from_db()
    assert program.phone == "(434) 555-0155" and program.hours_note == "Walk-ins Monday"


def test_rejection_with_a_reason_is_emailed_in_the_programs_language(admin_client, client, program, clock, smtp_inbox):
    program.contact_language = "es"
    program.save()
    _, token = links.issue(program, kind=UpdateLink.Kind.SENT)
    propose(client, token, name="Totally Different Name")
    proposal = Proposal.objects.get(status="pending")
    url = reverse("admin:updates_proposal_change", args=[proposal.pk])
    response = admin_client.post(url, {"_reject": "1", "reason": "The name must match your state license.",
                                       "tell_program": "1"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.reason == "The name must match your state license."
    program.refresh_from_db()
    assert program.name == "Harbor Recovery"
    assert "rejected by admin: The name must match your state license." in history(program)[-1]
    message = smtp_inbox.messages[-1]
    assert message["To"] == "intake@harbor.example"
    assert "Harbor Recovery" in message["Subject"] and "Sobre" in message["Subject"]
    body = smtp_inbox.body()
    assert "The name must match your state license." in body and "Gracias" in body
    assert message.get_content_type() == "text/plain" and "<img" not in body


def test_a_newer_proposal_supersedes_a_pending_one_and_says_so(admin_client, client, program, token, clock):
    propose(client, token, phone="(434) 555-0199")
    first = Proposal.objects.get()
    page = client.get(f"/update/{token}/")
    assert "are waiting for staff" in page.content.decode()
    assert page.context["form"]["phone"].value() == "(434) 555-0199"  # the waiting change is shown
    clock.move(hours=1)
    propose(client, token, phone="(434) 555-0199", hours_note="Closed on holidays")
    first.refresh_from_db()
    second = Proposal.objects.get(status="pending")
    assert first.status == "superseded" and first.superseded_by == second
    assert set(second.changes) == {"phone", "hours_note"}
    old_page = admin_client.get(reverse("admin:updates_proposal_change", args=[first.pk])).content.decode()
    assert "replaced by a" in old_page and 'name="_approve_all"' not in old_page
    new_page = admin_client.get(reverse("admin:updates_proposal_change", args=[second.pk])).content.decode()
    assert "This proposal replaces" in new_page


def test_every_field_is_text_and_bounded(client, program, token, clock):
    response = propose(client, token, note="<script>alert(1)</script>" + "x" * 10, hours_note="<b>bold</b>",
                       name="n" * 500, phone="call us", hours_1_1_closes="05:00")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Enter a US phone number" in html and "closing time must be after" in html
    assert Proposal.objects.count() == 0
    ok = propose(client, token, note="<script>alert(1)</script>")
    assert ok.status_code == 200
    assert Proposal.objects.get().note == "<script>alert(1)</script>"


def test_answers_are_limited_per_link_and_per_address(client, program, token, clock, settings):
    settings.PORTAL_PROVIDER_ANSWERS_PER_ADDRESS_PER_HOUR = 2
    settings.PORTAL_PROVIDER_ANSWERS_PER_LINK_PER_DAY = 3
    for _ in range(2):
        assert client.post(f"/update/{token}/", {"confirm": "1"}, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert client.post(f"/update/{token}/", {"confirm": "1"}, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.post(f"/update/{token}/", {"confirm": "1"}, REMOTE_ADDR="198.51.100.8").status_code == 200
    assert client.post(f"/update/{token}/", {"confirm": "1"}, REMOTE_ADDR="198.51.100.9").status_code == 429
    assert not any("198.51.100" in key for key in Proposal.objects.values_list("visitor_key", flat=True))


def test_posts_from_other_sites_are_refused(client, program, token, clock):
    response = client.post(f"/update/{token}/", {"confirm": "1"}, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert Proposal.objects.count() == 0


def test_staff_send_update_links_from_the_program_list(admin_client, program, clock, smtp_inbox):
    nobody = make_program(name="No Address Clinic")
    response = admin_client.post(reverse("admin:directory_program_changelist"),
                                 {"action": "send_update_links", "_selected_action": [program.pk, nobody.pk]},
                                 follow=True)
    html = response.content.decode()
    assert "Sent update links to 1 program(s)." in html and "No Address Clinic" in html
    assert len(smtp_inbox.messages) == 1
    body = smtp_inbox.body()
    link = UpdateLink.objects.get()
    assert link.kind == "sent" and link.sent_to == "intake@harbor.example" and link.sent_by.username == "admin"
    url = next(line for line in body.splitlines() if line.startswith("https://treatment.example.org/update/"))
    assert links.check(url.rstrip("/").rsplit("/", 1)[1]).usable
    listing = admin_client.get(reverse("admin:updates_updatelink_changelist")).content.decode()
    assert "intake@harbor.example" in listing and url.rsplit("/", 2)[1] not in listing  # the token is not kept
    assert admin_client.get(reverse("admin:updates_updatelink_change", args=[link.pk])).status_code == 200
    assert ProviderUpdateForm  # the form module imports cleanly


def test_verification_queue_shows_links_and_proposals(admin_client, client, clock, settings):
    settings.PORTAL_STALE_AFTER_DAYS = 180
    old = make_program(name="Old Listing", last_verified=datetime.date(2025, 1, 1), contact_email="a@b.example")
    never = make_program(name="Never Listing", last_verified=None)
    _, token = links.issue(old, kind=UpdateLink.Kind.REMINDER)
    client.get(f"/update/{token}/")
    propose(client, token, hours_note="Open late Thursdays")
    response = admin_client.get(reverse("admin:directory_listingtoverify_changelist"))
    rows = list(response.context["cl"].result_list)
    assert [p.name for p in rows] == ["Never Listing", "Old Listing"]
    html = response.content.decode()
    assert "answered (2026-12-07)" in html and "Pending proposals" in html
    assert never.pk


def test_sending_the_form_unchanged_proposes_nothing_even_with_three_periods_a_day(client, clock):
    program = make_program(name="Split Day Clinic", terms=["OTP"], hours=[
        (1, datetime.time(6), datetime.time(9)), (1, datetime.time(10), datetime.time(12)),
        (1, datetime.time(13), datetime.time(15))])
    _, token = links.issue(program, kind=UpdateLink.Kind.SENT)
    response = propose(client, token)
    assert response.status_code == 400
    assert "You did not change anything" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_availability_can_wait_for_staff_too(admin_client, client, program, token, clock, settings):
    settings.PORTAL_PROVIDER_AVAILABILITY_AT_ONCE = False
    propose(client, token, beds_available="5", typical_wait_days="3")
    program.refresh_from_db()
    assert program.beds_available is None
    proposal = Proposal.objects.get(status="pending")
    assert set(proposal.changes) == {"beds_available", "typical_wait_days"} and proposal.published == {}
    url = reverse("admin:updates_proposal_change", args=[proposal.pk])
    opened = admin_client.get(url).context["opened_version"]
    assert admin_client.post(url, {"_approve_all": "1", "opened_version": opened}).status_code == 302
    program.refresh_from_db()
    assert (program.beds_available, program.typical_wait_days, program.beds_updated) == (5, 3, clock.now.date())


def test_a_note_alone_waits_for_staff_and_is_marked_read(admin_client, client, program, token, clock):
    propose(client, token, note="Our director changes in January.")
    proposal = Proposal.objects.get(status="pending")
    assert proposal.changes == {}
    url = reverse("admin:updates_proposal_change", args=[proposal.pk])
    page = admin_client.get(url)
    assert "Our director changes in January." in page.content.decode()
    admin_client.post(url, {"_approve_all": "1", "opened_version": page.context["opened_version"]})
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.reviewed_by.username == "admin"
