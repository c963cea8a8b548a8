"""Builders for meeting test data: a meeting in Baltimore (or online) with the types a test needs."""
import datetime
import itertools

from django.utils import timezone

from meetings.models import Fellowship, Meeting, MeetingType

_counter = itertools.count(1)

BALTIMORE = (39.2946, -76.6252)  # near ZIP 21201
PHOENIX = (33.4484, -112.0740)  # near ZIP 85004


def make_meeting(*, types=(), fellowship: str = "na", **fields) -> Meeting:
    """Create an active in-person meeting in Baltimore on Mondays at 7 PM Eastern, unless told otherwise."""
    n = next(_counter)
    values = {
        "name": f"Test Meeting {n}",
        "slug": f"test-meeting-{n}",
        "days": [1],
        "start_time": datetime.time(19, 0),
        "timezone": "America/New_York",
        "location": f"Fellowship Hall, Testwick {n} Community Church",
        "address": f"{n} Quillmoor Ave",
        "city": "Baltimore",
        "state": "MD",
        "postal_code": "21201",
        "latitude": BALTIMORE[0],
        "longitude": BALTIMORE[1],
        "last_verified": timezone.localdate() - datetime.timedelta(days=10),
    }
    values.update(fields)
    meeting = Meeting(fellowship=Fellowship.objects.get(slug=fellowship), **values)
    meeting.full_clean(exclude=["slug"] if "slug" in fields else None)
    meeting.save()
    if types:
        meeting.types.set(MeetingType.objects.filter(code__in=types))
        missing = set(types) - set(meeting.types.values_list("code", flat=True))
        assert not missing, f"unknown type codes {missing}"
    meeting.refresh_from_db()
    return meeting


def make_online_meeting(**fields) -> Meeting:
    """An online-only meeting: a conference link and no address."""
    values = {
        "location": "Online", "address": "", "city": "", "state": "", "postal_code": "", "country": "",
        "latitude": None, "longitude": None, "conference_url": "https://meet.example.org/test",
    }
    values.update(fields)
    return make_meeting(**values)
