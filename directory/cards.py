"""What a search result card shows, read and prepared for its template.

The cards are jinja2/directory/program_cards.html (config/jinja.py says why Jinja2), placed by
`{% program_cards %}`. Each page reads and prepares its cards here and in
directory.results.programs_in_order; a card's listing part is kept by what it shows (ProgramListing,
portal.fragments.kept), so an edit, an import or a new day makes a new one at once, with nothing to clear.
"""
from __future__ import annotations

import datetime
from functools import lru_cache
from typing import NamedTuple

from django.db import connections, router
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from directory.filters import taxonomy_generation, terms_by_id
from directory.models import Program, Term
from portal.i18n import formatted_date, localized

# What a card reads from the database (its query loads only these).
CARD_COLUMNS = (
    "name", "slug", "latitude", "longitude", "term_ids", "location_approximate", "street1", "street2",
    "city", "state", "zip_code", "phone", "accepting_new_patients", "typical_wait_days", "beds_available",
    "beds_updated", "last_verified",
)


@lru_cache(maxsize=1)
def card_query() -> str:
    """The query that reads a results page's programs for their cards: by id (one parameter, the
    list of ids), only the columns a card shows, with the organization's name and each program's
    weekly hours as one text (see weekly_periods). Written once: through the ORM it was compiled
    anew for every page. The organization's name is a subquery rather than a join: for a page's
    twenty ids PostgreSQL hashed the whole organization table for the join (0.3 ms of the query's
    0.6 ms on the 100,000-program benchmark), and looks up twenty rows by key for the subquery."""
    program, organization = Program._meta, Program._meta.get_field("organization").related_model._meta
    hours = Program.hours.rel.related_model._meta
    columns = ", ".join(f'p."{program.get_field(name).column}" AS "{name}"' for name in CARD_COLUMNS)
    return (
        f'SELECT p."id" AS "pk", {columns}, '
        f'(SELECT o."name" FROM "{organization.db_table}" o WHERE o."id" = p."organization_id") AS organization_name, '
        f'(SELECT string_agg(concat_ws(\' \', h."weekday", h."opens", h."closes"), \',\' '
        f'ORDER BY h."weekday", h."opens", h."closes") FROM "{hours.db_table}" h '
        f'WHERE h."program_id" = p."id") AS weekly_hours '
        f'FROM "{program.db_table}" p WHERE p."id" = ANY(%s)'
    )


@lru_cache(maxsize=4096)
def weekly_periods(text: str | None) -> tuple[tuple[int, datetime.time, datetime.time], ...]:
    """card_query's weekly hours, "1 08:00:00 17:00:00,2 08:00:00 12:00:00", as the (weekday, opens,
    closes) periods directory.hours reads (kept: many programs share the same hours)."""
    periods = []
    for period in (text or "").split(","):
        if period:
            day, opens, closes = period.split(" ")
            periods.append((int(day), datetime.time.fromisoformat(opens), datetime.time.fromisoformat(closes)))
    return tuple(periods)


class CardProgram:
    """A results page's program as card_query reads it: the columns a card shows, as attributes of
    the same names (a model instance per card cost a third of the page's Python time)."""

    address_lines = Program.address_lines
    one_line_address = Program.one_line_address
    telehealth_note = ""  # set for the programs a search lists for their telehealth (directory.results)

    def __getitem__(self, name: str):
        # Templates try a dictionary lookup before an attribute: answering it from the attributes
        # spares each of a card's variables a caught TypeError.
        return self.__dict__[name]


class ProgramListing(NamedTuple):
    """A result card's listing part: what it shows of the program itself, the same on every page that
    lists it (jinja2/directory/program_cards.html's `listing` reads nothing else, so it is kept by
    these values: portal.fragments.kept). Its services are named from `term_ids` as the taxonomy
    of `taxonomy` (directory.filters.taxonomy_generation) names them, and its availability is told
    from the wait and the beds (availability_text): both only when the card is rendered anew. The
    rest of the card (its link back to the search, the distance, open now) is the search's own."""

    organization_name: str | None
    address: str
    phone: str
    accepting_new_patients: bool | None
    typical_wait_days: int | None
    beds_available: int | None
    beds_updated: datetime.date | None
    term_ids: tuple[int, ...]
    taxonomy: int
    stale_age: str | None
    last_verified: datetime.date | None


def card_programs(ids: list[int]) -> dict[int, CardProgram]:
    """The programs with these ids, ready for cards, by id."""
    if not ids:
        return {}
    with connections[router.db_for_read(Program)].cursor() as cursor:
        cursor.execute(card_query(), [list(ids)])
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    programs = {}
    for row in rows:
        program = programs[row[0]] = CardProgram()
        program.__dict__.update(zip(names, row))
    return programs


def services_index(taxonomy: dict[int, Term], language: str | None) -> dict[int, tuple]:
    """For each term a result card lists: (its place in form order, category name, term name), in
    the language."""
    index = {}
    for pk, term in taxonomy.items():
        category = term.category
        if category.show_in_results:
            index[pk] = ((category.position, term.position, term.name),
                         localized(category.name, category.name_es, language), localized(term.name, term.name_es, language))
    return index


# services_index by (taxonomy_generation, language): a few entries, let go together past a handful.
_indexes: dict[tuple[int, str | None], dict[int, tuple]] = {}


def listed_services(term_ids, language: str | None = None) -> tuple[tuple[str, str], ...]:
    """The services a result card lists for these term ids: (category name, "term; term") in form
    order and in the language (the page's), as the cached taxonomy names them."""
    key = (taxonomy_generation(), language or get_language())
    index = _indexes.get(key)
    if index is None:
        if len(_indexes) >= 8:
            _indexes.clear()
        index = _indexes[key] = services_index(terms_by_id(), key[1])
    groups: dict[str, list[str]] = {}
    for _order, category, name in sorted(index[pk] for pk in term_ids if pk in index):
        groups.setdefault(category, []).append(name)
    return tuple((category, "; ".join(names)) for category, names in groups.items())


def availability_text(program) -> str:
    """A program's usual wait and beds as one sentence or two ("Typical wait: about 3 days. Beds
    available: 2 (as of March 4)."), '' when it records neither: on its result card and its page
    (jinja2/directory/availability.html). `program` is a Program, a CardProgram or a ProgramListing."""
    wait, beds = program.typical_wait_days, program.beds_available
    sentences = []
    if wait == 0:
        sentences.append(_("Usually sees new patients the same day."))
    elif wait is not None:
        sentences.append(ngettext("Typical wait: about %(days)s day.", "Typical wait: about %(days)s days.", wait)
                         % {"days": wait})
    if beds is not None and program.beds_updated:
        sentences.append(_("Beds available: %(beds)s (as of %(date)s).")
                         % {"beds": beds, "date": formatted_date(program.beds_updated, "MONTH_DAY_FORMAT")})
    elif beds is not None:
        sentences.append(_("Beds available: %(beds)s.") % {"beds": beds})
    return " ".join(sentences)
