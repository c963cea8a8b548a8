"""What a search result card shows, read and prepared for its template.

The cards are templates/directory/includes/program_cards.html. A card's listing's part (organization,
address, phone, availability, services, when it was verified) depends only on the listing, the
language, the taxonomy and the day: it is a `{% cache %}` fragment keyed on every value it shows
(`shown`), so an edit, an import or a new day shows at once, with nothing to clear. What depends on
the search or the minute (the link back to the results, the distance, open now) is rendered with
each page.
"""
from __future__ import annotations

import datetime
from functools import lru_cache

from django.db import connections, router

from directory.models import Program, Term
from portal.i18n import localized

# Every attribute of the program that the listing's part of a card reads, but `services` (made from
# `term_ids` and the taxonomy) and `organization_name` (annotated).
DETAILS_FIELDS = (
    "pk", "street1", "street2", "city", "state", "zip_code", "phone", "accepting_new_patients",
    "typical_wait_days", "beds_available", "beds_updated", "last_verified", "stale_age",
)
# What a card reads from the database (its query loads only these).
CARD_COLUMNS = (
    "name", "slug", "latitude", "longitude", "term_ids", "location_approximate",
    *(name for name in DETAILS_FIELDS if name not in ("pk", "stale_age")),
)


@lru_cache(maxsize=1)
def card_query() -> str:
    """The query that reads a results page's programs for their cards: by id (one parameter, the
    list of ids), only the columns a card shows, with the organization's name and each program's
    weekly hours as one text (see weekly_periods). Written once: through the ORM it was compiled
    anew for every page."""
    program, organization = Program._meta, Program._meta.get_field("organization").related_model._meta
    hours = Program.hours.rel.related_model._meta
    columns = ", ".join(f'p."{program.get_field(name).column}" AS "{name}"' for name in CARD_COLUMNS)
    return (
        f'SELECT p."id" AS "pk", {columns}, o."name" AS organization_name, '
        f'(SELECT string_agg(concat_ws(\' \', h."weekday", h."opens", h."closes"), \',\' '
        f'ORDER BY h."weekday", h."opens", h."closes") FROM "{hours.db_table}" h '
        f'WHERE h."program_id" = p."id") AS weekly_hours '
        f'FROM "{program.db_table}" p LEFT JOIN "{organization.db_table}" o ON o."id" = p."organization_id" '
        f'WHERE p."id" = ANY(%s)'
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

    def __getitem__(self, name: str):
        # Templates try a dictionary lookup before an attribute: answering it from the attributes
        # spares each of a card's variables a caught TypeError.
        return self.__dict__[name]


def card_programs(ids: list[int]) -> dict[int, CardProgram]:
    """The programs with these ids, ready for cards, by id."""
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
    the page's language (made once per results page)."""
    index = {}
    for pk, term in taxonomy.items():
        category = term.category
        if category.show_in_results:
            index[pk] = ((category.position, term.position, term.name),
                         localized(category.name, category.name_es, language), localized(term.name, term.name_es, language))
    return index


def summarise_services(program: CardProgram, index: dict[int, tuple]) -> tuple[tuple[str, str], ...]:
    """The services a result card lists: (category name, "term; term") in form order (`index`:
    services_index)."""
    groups: dict[str, list[str]] = {}
    for _order, category, name in sorted(index[pk] for pk in program.term_ids if pk in index):
        groups.setdefault(category, []).append(name)
    return tuple((category, "; ".join(names)) for category, names in groups.items())


def shown(program: CardProgram, language: str | None) -> tuple:
    """Every value the listing's part of a card shows (includes/program_card_listing.html), the
    language first: the key its rendering is cached under, so an edit, an import, a renamed service
    or a new day shows at once, with nothing to clear."""
    return (language, program.organization_name, program.services, *(getattr(program, name) for name in DETAILS_FIELDS))
