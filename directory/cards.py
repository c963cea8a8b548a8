"""Search result cards.

Most of a card (organization, address, phone, availability, services, when it was verified) depends
only on the listing, the language, the taxonomy and the day, and a results page shows twenty of
them: that part is rendered once per process and reused while none of what it shows changes. The
key is every value the template reads, so an edit, an import or a new day shows at once, with
nothing to invalidate. What depends on the search or the minute (the link back to the results, the
distance, open now) is put together here with each page, escaped piece by piece: twenty cards through
template tags cost more than the search's SQL.
"""
from __future__ import annotations

from html import escape as _escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from directory.models import Program, Term
from portal.templatetags.portal_tags import miles_away

DETAILS_TEMPLATE = "directory/includes/program_card_details.html"
# Every attribute of the program that DETAILS_TEMPLATE (and the availability include) reads, but
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

_kept: dict[tuple, SafeString] = {}
_kept_taxonomy: dict[int, Term] | None = None


def summarise_services(program: Program, taxonomy: dict[int, Term]) -> tuple[tuple[str, str], ...]:
    """The services a result card lists: (category name, "term; term") in form order."""
    terms = [taxonomy[t] for t in program.term_ids if t in taxonomy and taxonomy[t].category.show_in_results]
    groups: dict[str, list[str]] = {}
    for term in sorted(terms, key=lambda t: (t.category.position, t.position, t.name)):
        groups.setdefault(term.category.localized_name, []).append(term.localized_name)
    return tuple((category, "; ".join(names)) for category, names in groups.items())


def card_details(program: Program, taxonomy: dict[int, Term]) -> SafeString:
    """The listing's part of its result card, as HTML.

    `program` as prepared by views.programs_in_order (with `stale_age`); `taxonomy`: the cached
    terms by id (directory.filters.terms_by_id), the same object until the taxonomy changes.
    """
    global _kept_taxonomy
    if taxonomy is not _kept_taxonomy or len(_kept) >= MAX_KEPT:
        _kept.clear()  # a changed taxonomy renames services; past the bound, start again
        _kept_taxonomy = taxonomy
    key = (get_language(), program.organization_name, tuple(program.term_ids),
           *(getattr(program, name) for name in DETAILS_FIELDS))
    html = _kept.get(key)
    if html is None:
        program.services_summary = summarise_services(program, taxonomy)
        html = _kept[key] = render_to_string(DETAILS_TEMPLATE, {"program": program})
    return html


def escape(value) -> str:
    """HTML-escape a value, as django.utils.html.escape does (without its lazy-string wrapper)."""
    return _escape(str(value))


def card(program: Program) -> SafeString:
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
    lines += [program.card_details, "  </article>", "</li>", ""]
    # Every value above is escaped; miles_away and card_details are HTML already.
    return mark_safe("\n".join(lines))
