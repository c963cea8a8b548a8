"""The week's counts per day are kept between requests: every way meetings change shows at once."""
import datetime

import pytest
from django.contrib.admin.sites import site

from meetings.admin import mark_active, mark_temporarily_closed
from meetings.models import Meeting, MeetingType

from .conftest import at
from .factories import make_meeting

pytestmark = pytest.mark.django_db


def heading(client) -> str:
    html = client.get("/meetings/?day=").content.decode()
    return html.split('id="results-heading" aria-live="polite">', 1)[1].split("<", 1)[0]


def test_week_counts_follow_every_change(client, fixed_now, rf, admin_user):
    fixed_now(at("2026-03-04 09:00", "America/New_York"))
    first = make_meeting(name="Twice a week", days=[1, 3], start_time=datetime.time(19))
    assert heading(client) == "2 meetings this week, by day"
    second = make_meeting(name="Saturdays", days=[6])  # a save
    assert heading(client) == "3 meetings this week, by day"
    first.days = [1, 3, 5]
    first.save()
    assert heading(client) == "4 meetings this week, by day"
    request = rf.post("/")
    request.user = admin_user
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    modeladmin = site._registry[Meeting]
    mark_temporarily_closed(modeladmin, request, Meeting.objects.filter(pk=second.pk))  # a bulk update
    assert heading(client) == "3 meetings this week, by day"
    mark_active(modeladmin, request, Meeting.objects.filter(pk=second.pk))
    assert heading(client) == "4 meetings this week, by day"
    # Location temporarily closed, and no way to join online: the meeting leaves the finder.
    second.types.add(MeetingType.objects.get(code="TC"))
    assert heading(client) == "3 meetings this week, by day"
    first.delete()
    assert heading(client) == "No meetings match this search"
