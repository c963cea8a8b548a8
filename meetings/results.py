"""The meeting finder's results: the active meetings as rows for their cards (names in the page's
language), and the page of them asked for, counted in as few queries as the listing allows."""
from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, Window
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.cards import CardMeetings
from meetings.filters import DayListing
from meetings.models import Fellowship, Meeting, MeetingQuerySet, MeetingType
from portal.i18n import is_spanish
from portal.notices import read_page_number

PAGE_PARAM = "page"


class CountedPaginator(Paginator):
    """A paginator told its count (which came with the page, or from a count of its own)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


LISTED_FIELDS = [
    "name", "slug", "days", "start_time", "end_time", "timezone", "location", "city", "state", "attendance",
    "last_verified", "fellowship_id",
]


def public_meetings():
    """Active meetings with the fields a list of results shows, their fellowship's name and their type
    names, in the page's language (PostgreSQL works the type names out only for the rows on the page;
    the fellowship's name comes as a value, not as a Fellowship object per card).

    Built once per language (a new queryset each call, cloned from it: building it cost more than
    cloning); the queryset kept is never evaluated.
    """
    spanish = is_spanish()
    kept = _public_meetings.get(spanish)
    if kept is None:
        type_names, fellowship_name = listing_names_sql(spanish)
        kept = _public_meetings[spanish] = (
            Meeting.objects.active()
            .annotate(
                type_names=RawSQL(type_names, [], output_field=ArrayField(CharField())),
                fellowship_name=RawSQL(fellowship_name, [], output_field=CharField()),
            )
            # Rows as values (what each filter annotates joins them), not a Meeting object per card.
            .values("pk", *LISTED_FIELDS, "type_names", "fellowship_name")
        )
        kept._iterable_class = CardMeetings
    return kept.all()


def listing_names_sql(spanish: bool) -> tuple[str, str]:
    """SQL for a listed meeting's type names (an array, sorted) and its fellowship's name, in English
    or Spanish (the Spanish name where there is one). Written once as SQL: as ORM expressions (a
    subquery and a join) they were compiled anew for every page, which cost more than running them."""
    meeting, fellowship = Meeting._meta, Fellowship._meta
    through, kind = Meeting.types.through._meta, MeetingType._meta

    def shown(alias: str) -> str:
        return f"COALESCE(NULLIF({alias}.name_es, ''), {alias}.name)" if spanish else f"{alias}.name"

    table = f'"{meeting.db_table}"'
    type_names = (
        f'ARRAY(SELECT {shown("t")} FROM "{kind.db_table}" t '
        f'JOIN "{through.db_table}" mt ON mt."{through.get_field("meetingtype").column}" = t.id '
        f'WHERE mt."{through.get_field("meeting").column}" = {table}.id ORDER BY 1)'
    )
    fellowship_name = (
        f'(SELECT {shown("f")} FROM "{fellowship.db_table}" f '
        f'WHERE f.id = {table}."{meeting.get_field("fellowship").column}")'
    )
    return type_names, fellowship_name


_public_meetings: dict[bool, MeetingQuerySet] = {}


def paginate(listing, raw_page: str | None, *, count_in_page: bool) -> tuple[Page, Paginator, str | None]:
    """The requested page of results, and a note when the page number had to be changed.

    With `count_in_page` the page and the total come from one query (COUNT(*) OVER ()): right when
    every matching row is read anyway to sort it (by distance, by how soon it starts). A list in
    start-time order counts separately, so that its page can stop reading after twenty rows.
    A DayListing counts per day.
    """
    size = settings.PORTAL_PAGE_SIZE
    if isinstance(listing, DayListing):
        paginator = Paginator(listing, size)
        number, notice = read_page_number(raw_page, paginator)
        page = paginator.page(number)
        page.object_list = list(page.object_list)
        return page, paginator, notice
    number, notice = 1, None
    if raw_page not in (None, ""):
        try:
            number = int(raw_page)
        except (TypeError, ValueError):
            notice = _("The page number was not a number, so we show the first page.")
        else:
            if number < 1:
                number, notice = 1, _("Page numbers start at 1, so we show the first page.")
    if count_in_page:
        counted = listing.annotate(total_count=Window(Count("pk")))
        rows = list(counted[(number - 1) * size:number * size])
        total = rows[0].total_count if rows else (listing.count() if number > 1 else 0)
    else:
        counted = listing
        total = listing.count()
        rows = list(listing[(number - 1) * size:number * size]) if (number - 1) * size < total else []
    paginator = CountedPaginator(listing, size, count=total)
    if not rows and number > paginator.num_pages:
        number = paginator.num_pages
        notice = ngettext(
            "There is only %(count)s page of results; this is the last one.",
            "There are only %(count)s pages of results; this is the last one.",
            number,
        ) % {"count": number} if total else None
        rows = list(counted[(number - 1) * size:number * size]) if total else []
    return Page(rows, number, paginator), paginator, notice
