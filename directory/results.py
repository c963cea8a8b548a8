"""A treatment search's results: the ids found (capped, paginated, open at a time) and the programs
made ready for their cards, with the link back to the search they were found with."""
from __future__ import annotations

import datetime
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from directory.cards import (
    CardProgram,
    ProgramListing,
    card_programs,
    weekly_periods,
)
from directory.filters import ProgramFilterSet, taxonomy_generation
from directory.hours import keeps, open_status
from directory.models import OpeningHours, Program
from places import geo, timezones
from places.states import US_STATES

PAGE_PARAM = "page"
BACK_PARAM = "back"  # on a program's address: the search it was found with, to link back to
MAX_BACK_LENGTH = 1000


class CappedPaginator(Paginator):
    """Pages over a list of at most MAX_COUNTED + 1 ids; a longer search says "more than"."""

    MAX_COUNTED = 1000

    def __init__(self, ids: list[int], per_page: int):
        self.capped = len(ids) > self.MAX_COUNTED
        super().__init__(ids[: self.MAX_COUNTED], per_page)


def fetch_ids(queryset) -> list[int]:
    """The ids a values_list("pk", flat=True) queryset selects, read straight off the cursor (a
    search reads up to a thousand of them, which the queryset's iterator yields one by one)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def open_at(ids: list[int], wanted: list[str], now: datetime.datetime) -> list[int]:
    """The programs among `ids` (in that order) whose weekly hours meet every "open" wish at `now`,
    read on each program's own clock (two queries: where the programs are, and their hours)."""
    periods: dict[int, list] = {}
    for program_id, weekday, opens, closes in OpeningHours.objects.filter(program_id__in=ids).values_list(
        "program_id", "weekday", "opens", "closes"
    ):
        periods.setdefault(program_id, []).append((weekday, opens, closes))
    kept = {
        pk for pk, state, latitude, longitude in Program.objects.among(list(periods)).values_list(
            "pk", "state", "latitude", "longitude"
        )
        if keeps(tuple(periods[pk]), timezones.zone_for(state, latitude, longitude), now, wanted)
    }
    return [pk for pk in ids if pk in kept]


def mark_telehealth(programs: list[CardProgram], state: str) -> None:
    """Say on each card that the program is listed because it serves this state by telehealth."""
    note = _("Telehealth: serves %(state)s") % {"state": US_STATES.get(state, state)}
    for program in programs:
        program.telehealth_note = note


def programs_in_order(
    ids: list[int], place, *, now: datetime.datetime | None = None, back: str = "",
    read: dict[int, CardProgram] | None = None,
) -> list[CardProgram]:
    """The programs with these ids, in that order, ready for result cards: their address (with
    `back`, the search to return to), whether open now (the page's hours read in one query),
    whether the listing is due for a check, its services and its availability (directory.cards).
    `read`: the programs already read by card_programs (a page reads all its cards in one query)."""
    # One query (directory.cards.card_query), with each program's weekly hours; the ids give the order.
    by_id = read if read is not None else card_programs(ids) if ids else {}
    now = now or timezone.now()
    today = timezone.localdate(now)
    language = get_language()
    taxonomy = taxonomy_generation()
    # Every program's address differs only by its slug: reversed once, not once per card.
    url_start, _slug, url_end = reverse("directory:program-detail", kwargs={"slug": "SLUG"}).partition("SLUG")
    url_end += f"?{back}" if back else ""
    ordered = []
    for pk in ids:
        program = by_id[pk]
        program.url = f"{url_start}{program.slug}{url_end}"
        # The same haversine distance the search filtered on in SQL (places.geo's Python twin).
        program.distance = (
            geo.great_circle_miles(place.latitude, place.longitude, program.latitude, program.longitude)
            if place is not None and program.latitude is not None and program.longitude is not None else None
        )
        program.card_id = f"program-{pk}"
        zone = timezones.zone_for(program.state, program.latitude, program.longitude)
        program.open_status = open_status(weekly_periods(program.weekly_hours), zone, now, language)
        program.listing = ProgramListing(
            organization_name=program.organization_name,
            address=program.one_line_address,
            phone=program.phone,
            accepting_new_patients=program.accepting_new_patients,
            typical_wait_days=program.typical_wait_days,
            beds_available=program.beds_available,
            beds_updated=program.beds_updated,
            term_ids=tuple(program.term_ids or ()),
            taxonomy=taxonomy,
            stale_age=stale_age(program.last_verified, today, language),
            last_verified=program.last_verified,
        )
        ordered.append(program)
    return ordered


def stale_age(last_verified: datetime.date | None, today: datetime.date, language: str | None = None) -> str | None:
    """How long ago a listing was last verified ('11 months'), when that is longer than the
    configured PORTAL_STALE_AFTER_DAYS; '' when it never was; None when it is recent enough. `today`
    is the local date (timezone.localdate), read once for a page's cards."""
    if last_verified is None:
        return ""
    if (today - last_verified).days <= settings.PORTAL_STALE_AFTER_DAYS:
        return None
    return _time_since(last_verified, today, language or get_language())


@lru_cache(maxsize=4096)
def _time_since(then: datetime.date, today: datetime.date, language: str | None) -> str:
    """'11 months', in the language (kept: a day's result cards repeat the same few dates)."""
    return timesince(then, today, depth=1)


def search_query(given: QueryDict) -> str:
    """A search's query string with only the search's own parameters, short enough to carry
    along on every result's link ('' when nothing is left)."""
    known = ProgramFilterSet.parameter_names() | {PAGE_PARAM}
    kept = [(name, value[:200]) for name in given if name in known for value in given.getlist(name)[:20]]
    query = urlencode(kept)
    return query if len(query) <= MAX_BACK_LENGTH else ""


def back_to_results(raw: str | None) -> str | None:
    """The address of the search a program page was opened from: its known parameters only, and
    always on this portal's own search page, so the link can never lead elsewhere."""
    if not raw or len(raw) > MAX_BACK_LENGTH:
        return None
    query = search_query(QueryDict(raw))
    return f"{reverse('directory:program-search')}?{query}" if query else None
