"""Fixtures for meeting tests: reference data, a fixed clock, and a meeting factory."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from meetings import reference
from meetings.models import Fellowship, MeetingType, forget_zones_in_use
from meetings.seed import load_reference_data

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def reference_data(django_db_setup, django_db_blocker):
    """The fellowships and meeting types the migrations load, restored when a transactional test flushed them."""
    with django_db_blocker.unblock():
        if Fellowship.objects.count() < 12 or MeetingType.objects.count() < 87:
            load_reference_data(fellowship_model=Fellowship, type_model=MeetingType)
    reference.clear()  # the finder's in-memory copies may hold rows a rolled-back test created
    forget_zones_in_use()


def at(text: str, zone: str = "UTC") -> datetime.datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM' in a zone."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
