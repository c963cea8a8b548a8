"""Staff pages for meetings, fellowships and types: every changelist, filter and form opens."""
import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, Fellowship, Meeting, MeetingType

from .factories import make_meeting, make_online_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    return [make_meeting(types=["O", "W"], last_verified=None), make_online_meeting(days=[0, 6])]


@pytest.mark.parametrize("model", ["meeting", "fellowship", "meetingtype"])
def test_changelists_and_add_forms_open(admin_client, meetings, model):
    assert admin_client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:meetings_{model}_add")).status_code == 200


def test_change_forms_open(admin_client, meetings):
    for obj in (meetings[0], Fellowship.objects.get(slug="na"), MeetingType.objects.get(code="O")):
        url = reverse(f"admin:meetings_{obj._meta.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("query", [
    "?fellowship__id__exact=1", "?day=0", "?day=9", "?attendance__exact=online", "?status__exact=active",
    "?type=W", "?verified=never", "?verified=stale", "?verified=90", "?tz=America/New_York", "?source=",
    "?q=Testwick", "?o=3",
])
def test_meeting_changelist_filters(admin_client, meetings, query):
    response = admin_client.get(reverse("admin:meetings_meeting_changelist") + query)
    assert response.status_code == 200


def test_type_filter_and_search(admin_client, meetings):
    response = admin_client.get(reverse("admin:meetings_meeting_changelist") + "?type=W")
    assert meetings[0].name in response.content.decode()
    assert meetings[1].name not in response.content.decode()


def test_mark_verified_today(admin_client, meetings):
    response = admin_client.post(reverse("admin:meetings_meeting_changelist"), {
        "action": "mark_verified_today", "_selected_action": [m.pk for m in meetings],
    })
    assert response.status_code == 302
    assert set(Meeting.objects.values_list("last_verified", flat=True)) == {timezone.localdate()}


def test_autocomplete_for_types(admin_client, meetings):
    response = admin_client.get(
        "/admin/autocomplete/?app_label=meetings&model_name=meeting&field_name=types&term=wheelch"
    )
    assert response.status_code == 200
    assert {r["text"] for r in response.json()["results"]} == {
        "Wheelchair Access (X)", "Wheelchair-Accessible Bathroom (XB)",
    }


def test_staff_can_add_a_meeting_with_day_boxes(admin_client):
    types = MeetingType.objects.filter(code__in=["O", "TC"])
    response = admin_client.post(reverse("admin:meetings_meeting_add"), {
        "name": "Added by staff", "slug": "added-by-staff", "fellowship": Fellowship.objects.get(slug="mara").pk,
        "status": "active", "days": ["3", "1"], "start_time": "18:30", "end_time": "", "timezone": "America/Denver",
        "types": [t.pk for t in types], "location": "Hall", "address": "1 Main St", "city": "Denver", "state": "CO",
        "postal_code": "80202", "country": "US", "conference_url": "https://meet.example.org/staff",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    meeting = Meeting.objects.get(slug="added-by-staff")
    assert meeting.days == [1, 3]
    assert meeting.latitude is not None  # the ZIP code's centre
    assert meeting.attendance == Attendance.ONLINE  # TC: the building is closed, the link works


def test_staff_form_rejects_a_meeting_nobody_can_attend(admin_client):
    response = admin_client.post(reverse("admin:meetings_meeting_add"), {
        "name": "Nowhere", "slug": "nowhere", "fellowship": Fellowship.objects.get(slug="na").pk, "status": "active",
        "days": ["1"], "start_time": "19:00", "timezone": "Mars/Base", "country": "US",
    })
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "timezone" in errors and "address" in errors


def test_meetings_have_a_verification_queue_oldest_first(admin_client, settings):
    import datetime

    from django.contrib.admin.models import LogEntry
    from django.urls import reverse
    from django.utils import timezone

    from tests.meetings.factories import make_meeting

    settings.PORTAL_STALE_AFTER_DAYS = 180
    today = timezone.localdate()
    make_meeting(name="Fresh", last_verified=today - datetime.timedelta(days=3))
    make_meeting(name="Old", last_verified=today - datetime.timedelta(days=300))
    make_meeting(name="Never", last_verified=None)
    url = reverse("admin:meetings_meetingtoverify_changelist")
    listed = admin_client.get(url).context["cl"].result_list
    assert [m.name for m in listed] == ["Never", "Old"]
    admin_client.post(url, {"action": "mark_verified_today", "_selected_action": [m.pk for m in listed]})
    assert list(admin_client.get(url).context["cl"].result_list) == []
    assert LogEntry.objects.filter(change_message__startswith="Marked verified on").count() == 2
