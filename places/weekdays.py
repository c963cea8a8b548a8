"""Days of the week, numbered one way across the portal: 0 = Sunday to 6 = Saturday.

That is the Meeting Guide numbering, which meetings store and exchange. Python's `date.weekday()`
(0 = Monday) and the iCalendar/HSDS codes (MO ... SU) are converted here and nowhere else.
"""
from __future__ import annotations

import datetime

DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
DAY_PLURALS = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"]
ICAL_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]


def meeting_day(date: datetime.date) -> int:
    """The Meeting Guide day number (0 = Sunday) of a date."""
    return (date.weekday() + 1) % 7


