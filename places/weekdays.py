"""Days of the week, numbered one way across the portal: 0 = Sunday to 6 = Saturday.

That is the Meeting Guide numbering, which meetings store and exchange, and the one programs'
opening hours store too. Python's `date.weekday()` (0 = Monday) and the iCalendar/HSDS codes
(SU ... SA) are converted here and nowhere else. Lists shown to people start on Monday
(MONDAY_FIRST), as US opening-hours tables do.
"""
from __future__ import annotations

import datetime

from django.db import models


class Weekday(models.IntegerChoices):
    SUNDAY = 0, "Sunday"
    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"


DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
DAY_PLURALS = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"]
# iCalendar (RFC 5545) BYDAY codes, which HSDS schedules use too.
ICAL_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
ICAL_NUMBERS = {code: number for number, code in enumerate(ICAL_DAYS)}
MONDAY_FIRST = (1, 2, 3, 4, 5, 6, 0)
WORKDAYS = (1, 2, 3, 4, 5)


def monday_first(day: int) -> int:
    """Sort key that puts Monday first and Sunday last."""
    return (day - 1) % 7


def day_of(date: datetime.date) -> int:
    """The day number (0 = Sunday) of a date."""
    return (date.weekday() + 1) % 7


# The name meetings' code has always used for day_of.
meeting_day = day_of
