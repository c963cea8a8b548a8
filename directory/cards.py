"""Search result cards.

A results page shows twenty cards; through template tags (a variable costs some thirty-five Python
calls, a translation tag more) they cost more than the search's SQL, so cards are joined here from
pieces escaped one by one. The listing's part (organization, address, phone, availability,
services, when it was verified) depends only on the listing, the language, the taxonomy and the
day: it is kept per process under every value it shows, so an edit, an import or a new day shows at
once, with nothing to invalidate. What depends on the search or the minute (the link back to the
results, the distance, open now) is joined with each page.
"""
from __future__ import annotations

import datetime
from functools import lru_cache
from html import escape as _escape

from django.db import connections, router
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from directory.models import Program, Term
from phones import numbers as phones
from portal.templatetags.portal_tags import miles_away

# Every attribute of the program that card_details reads, but
# `services_summary`, made from `term_ids` and the taxonomy, and `organization_name` (annotated).
DETAILS_FIELDS = (
    "pk", "street1", "street2", "city", "state", "zip_code", "phone", "accepting_new_patients",
    "typical_wait_days", "beds_available", "beds_updated", "last_verified", "stale_age",
)
# What a card reads from the database (its query loads only these).
CARD_COLUMNS = (
    "name", "slug", "latitude", "longitude", "term_ids",
    *(name for name in DETAILS_FIELDS if name not in ("pk", "stale_age")),
)
MAX_KEPT = 5000


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


_kept: dict[tuple, SafeString] = {}
_kept_taxonomy: dict[int, Term] | None = None


_services_index: dict[str | None, tuple[dict | None, dict[int, tuple]]] = {}


def services_index(taxonomy: dict[int, Term]) -> dict[int, tuple]:
    """For each term a result card lists: (its place in form order, category name, term name), in
    the active language; made once per taxonomy and language."""
    language = get_language()
    held = _services_index.get(language)
    if held is None or held[0] is not taxonomy:
        index = {
            pk: ((term.category.position, term.position, term.name), term.category.localized_name, term.localized_name)
            for pk, term in taxonomy.items() if term.category.show_in_results
        }
        held = _services_index[language] = (taxonomy, index)
    return held[1]


def summarise_services(program: CardProgram, taxonomy: dict[int, Term]) -> tuple[tuple[str, str], ...]:
    """The services a result card lists: (category name, "term; term") in form order."""
    index = services_index(taxonomy)
    groups: dict[str, list[str]] = {}
    for _order, category, name in sorted(index[pk] for pk in program.term_ids if pk in index):
        groups.setdefault(category, []).append(name)
    return tuple((category, "; ".join(names)) for category, names in groups.items())


def availability(program) -> str:
    """Whether the program takes new patients, its usual wait and its beds, as HTML paragraphs
    (result cards and the program's page)."""
    parts = []
    if program.accepting_new_patients:
        parts.append(f'<p class="badge accepting">{escape(gettext("Accepting new patients"))}</p>')
    elif program.accepting_new_patients is False:
        parts.append(f'<p class="badge not-accepting">{escape(gettext("Not taking new patients right now"))}</p>')
    wait, beds = program.typical_wait_days, program.beds_available
    if wait is not None or beds is not None:
        texts = []
        if wait == 0:
            texts.append(gettext("Usually sees new patients the same day."))
        elif wait is not None:
            texts.append(ngettext("Typical wait: about %(days)s day.", "Typical wait: about %(days)s days.", wait)
                         % {"days": wait})
        if beds is not None and program.beds_updated:
            texts.append(gettext("Beds available: %(beds)s (as of %(date)s).")
                         % {"beds": beds, "date": date_format(program.beds_updated, "MONTH_DAY_FORMAT")})
        elif beds is not None:
            texts.append(gettext("Beds available: %(beds)s.") % {"beds": beds})
        parts.append(f'<p class="availability">{escape(" ".join(texts))}</p>')
    return "\n".join(parts)


def card_details(program: CardProgram, taxonomy: dict[int, Term], language: str | None = None) -> SafeString:
    """The listing's part of its result card, as HTML.

    `program` as prepared by views.programs_in_order (with `stale_age` and `organization_name`);
    `taxonomy`: the cached terms by id (directory.filters.terms_by_id), the same object until the
    taxonomy changes; `language`: the page's (get_language(), read once for the page's cards).
    """
    global _kept_taxonomy
    if taxonomy is not _kept_taxonomy or len(_kept) >= MAX_KEPT:
        _kept.clear()  # a changed taxonomy renames services; past the bound, start again
        _kept_taxonomy = taxonomy
    key = (language or get_language(), program.organization_name, tuple(program.term_ids),
           *(getattr(program, name) for name in DETAILS_FIELDS))
    html = _kept.get(key)
    if html is None:
        html = _kept[key] = mark_safe(_details(program, summarise_services(program, taxonomy)))
    return html


def _details(program: CardProgram, services: tuple[tuple[str, str], ...]) -> str:
    lines = []
    if program.organization_name:
        lines.append(f'<p class="org">{escape(program.organization_name)}</p>')
    lines.append(f'<p class="address">{escape(program.one_line_address)}</p>')
    if program.phone:
        call = gettext("Call %(phone)s") % {"phone": phones.display(program.phone)}
        lines.append(f'<p class="phone"><a class="call" href="{escape(phones.tel_href(program.phone))}">'
                     f"{escape(call)}</a></p>")
    if (available := availability(program)):
        lines.append(available)
    if services:
        items = "".join(f"<dt>{escape(category)}</dt><dd>{escape(names)}</dd>" for category, names in services)
        lines.append(f'<dl class="services">{items}</dl>')
    if program.stale_age:
        text = gettext("Last verified %(age)s ago: call to confirm") % {"age": program.stale_age}
        lines.append(f'<p class="stale-warning">{escape(text)}</p>')
    elif program.stale_age == "":
        lines.append(f'<p class="stale-warning">{escape(gettext("Not yet verified: call to confirm"))}</p>')
    else:
        text = gettext("Verified %(date)s") % {"date": date_format(program.last_verified, "SHORT_DATE_FORMAT")}
        lines.append(f'<p class="verified">{escape(text)}</p>')
    return "\n".join(lines)


def escape(value) -> str:
    """HTML-escape a value, as django.utils.html.escape does (without its lazy-string wrapper)."""
    return _escape(str(value))


def card(program: CardProgram) -> SafeString:
    """A whole result card: the name linking to the listing (`program.url`), open now, the distance,
    then `program.card_details` (card_details above)."""
    status = program.open_status
    distance = getattr(program, "distance", None)  # annotated when the search has a place
    lines = [
        '<li class="program-card">',
        f'  <article aria-labelledby="{escape(program.card_id)}">',
        f'    <h3 id="{escape(program.card_id)}"><a href="{escape(program.url)}">{escape(program.name)}</a></h3>',
    ]
    if status:
        detail = f", {escape(status.detail)}" if status.detail else ""
        lines.append(f'    <p class="open-status {"is-open" if status.is_open else "is-closed"}">'
                     f"<strong>{escape(status.label)}</strong>{detail}</p>")
    if distance is not None:
        lines.append(f'    <p class="distance">{miles_away(distance)}</p>')
    telehealth_note = getattr(program, "telehealth_note", "")  # set when listed for its telehealth
    if telehealth_note:
        lines.append(f'    <p class="telehealth-note"><strong>{escape(telehealth_note)}</strong></p>')
    lines += [program.card_details, "  </article>", "</li>", ""]
    # Every value above is escaped; miles_away and card_details are HTML already.
    return mark_safe("\n".join(lines))
