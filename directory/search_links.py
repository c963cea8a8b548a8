"""The other searches a treatment search's page links to: the search its words mean (a redirect),
the same search without one choice (the chips), spelled otherwise, or near a place its words name.

Each works from the search's validated parameters (directory.filters.ProgramFilterSet) and an
`Address`: the search page's path and the query it was given, to build the links from.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from directory.filters import ANY_PARAM, ProgramFilterSet, terms_by_id, vocabulary
from directory.hours import OPEN_CHOICES
from places import geo
from safety import danger
from understanding.reading import understand
from understanding.rewriting import rewritten_query
from understanding.text import normalize

PAGE_PARAM = "page"


@dataclass(frozen=True)
class Address:
    """A search's address: the page's path and the query it was given."""

    path: str
    params: QueryDict

    def changed(self, *, drop: tuple[str, str | None] | None = None, **changes) -> str:
        """This search's address with one value removed (`drop=(name, value)`, or the whole parameter
        when value is None) and/or parameters replaced; back to page 1."""
        params = self.params.copy()
        params.pop(PAGE_PARAM, None)
        if drop is not None:
            name, value = drop
            if value is None:
                params.pop(name, None)
            else:
                params.setlist(name, [v for v in params.getlist(name) if v != value])
        for name, value in changes.items():
            if value in (None, ""):
                params.pop(name, None)
            else:
                params[name] = value
        return self.with_query(params)

    def only(self, keep: set[str]) -> str:
        """This search's address with only the given parameters kept."""
        params = self.params.copy()
        for name in list(params):
            if name not in keep:
                del params[name]
        return self.with_query(params)

    def with_query(self, params: QueryDict) -> str:
        return f"{self.path}?{params.urlencode()}"


def crisis_search_url(address: Address, filterset: ProgramFilterSet) -> str | None:
    """When the keywords speak of danger (safety.danger): this search's address with the help to
    give first (`help`) and only the words that asked for something else, or None."""
    keywords = filterset.keywords  # empty when missing or invalid (the form explains those)
    reading = danger.read(keywords) if keywords else None
    if not reading:
        return None
    params = danger.answered_query(address.params, reading, asks=asks_for_something, page_param=PAGE_PARAM)
    return address.with_query(params)


def asks_for_something(text: str) -> bool:
    """Whether words name a service, a choice of the search or a place (what is worth searching
    beside words of danger: "i want to die need detox" still searches detox)."""
    understood = understand(text, vocabulary(), take_zip=True)
    return bool(understood.matches or understood.zip_code or (
        understood.text and geo.gazetteer().place_at_end(understood.text) is not None
    ))


def understood_search_url(address: Address, filterset: ProgramFilterSet) -> str | None:
    """The address of this search with what its keywords mean as filters, or None when the keywords
    need no rewriting (nothing understood, dropped or moved)."""
    keywords = filterset.keywords
    if not keywords:
        return None  # nothing to read, or a value the form will explain
    understood = understand(keywords, vocabulary(), take_zip=True)
    params = rewritten_query(address.params, understood, page_param=PAGE_PARAM)
    if params is None:
        return None
    fellowships = params.pop("fellowship", [])
    if fellowships:
        params["meetings"] = "1"
    if params.get("meetings") and not params.get("q") and set(params) <= {"near", "radius", "meetings"}:
        # Only meetings were asked for ("na meetings near me"): the meeting finder is where they are.
        meeting_params = QueryDict(mutable=True)
        for name in ("near", "radius"):
            if params.get(name):
                meeting_params[name] = params[name]
        meeting_params.setlist("fellowship", fellowships)
        query = meeting_params.urlencode()
        return f"{reverse('meetings:finder')}{'?' if query else ''}{query}"
    return address.with_query(params)


def term_name(ref) -> str:
    """A vocabulary term's name in the page's language (from the cached taxonomy)."""
    term = terms_by_id().get(ref.pk)
    if term is None:  # a choice that is not a term (understanding.FLAG_PHRASES), named by its label
        return _(ref.name)
    return term.localized_name


def short_name(name: str) -> str:
    """A term's name without its explanation: "Buprenorphine (Suboxone and others)" → "Buprenorphine"."""
    return name.split(" (")[0]


def terms_by_code() -> dict:
    """The taxonomy's terms by code (from the cached taxonomy)."""
    return {term.code: term for term in terms_by_id().values()}


def search_chips(address: Address, filterset: ProgramFilterSet) -> list[dict]:
    """Every choice this search uses, each with the address of the same search without it."""
    chips = []
    for entry in filterset.categories:
        param = entry.category.param
        chosen = set(filterset.cleaned(param, []))
        for term in entry.terms:
            if term.code in chosen:
                chips.append({"label": short_name(term.localized_name), "url": address.changed(drop=(param, term.code))})
    if filterset.keywords:
        chips.append({"label": f"“{filterset.keywords}”", "url": address.changed(drop=("q", None))})
    if filterset.cleaned("accepting"):
        chips.append({"label": _("Accepting new patients"), "url": address.changed(drop=("accepting", None))})
    for code, label in OPEN_CHOICES:
        if code in filterset.cleaned("open", []):
            chips.append({"label": str(label), "url": address.changed(drop=("open", code))})
    if filterset.cleaned("same_day"):
        chips.append({"label": _("Usually seen the same day"), "url": address.changed(drop=("same_day", None))})
    terms = terms_by_code()
    for code in filterset.cleaned(ANY_PARAM, []):
        if code in terms:
            chips.append({"label": short_name(terms[code].localized_name), "url": address.changed(drop=(ANY_PARAM, code))})
    if filterset.cleaned("meetings"):
        chips.append({"label": _("Support group meetings nearby"), "url": address.changed(drop=("meetings", None))})
    state = filterset.cleaned("state")
    if state:
        label = dict(filterset.form.fields["state"].choices).get(state, state)
        chips.append({"label": label, "url": address.changed(drop=("state", None))})
    return chips


def did_you_mean(address: Address, keywords: str) -> list[dict]:
    """Known words that the unknown words of the keywords look like, as links to that search."""
    if not keywords:
        return []
    suggestions = []
    tokens = keywords.split()
    for suggestion in understand(keywords, vocabulary()).suggestions[:3]:
        replaced = " ".join(suggestion.replacement if normalize(t) == suggestion.word else t for t in tokens)
        suggestions.append({
            "word": suggestion.word,
            "replacement": suggestion.replacement,
            "meaning": ", ".join(short_name(term_name(t)) for t in suggestion.terms),
            "url": address.changed(q=replaced),
        })
    return suggestions


def places_in_keywords(address: Address, keywords: str) -> list[dict]:
    """Places the last keywords may name when the search has none ("suboxone columbus": Columbus,
    OH or Columbus, GA), each as a link to the search near it without those words."""
    if not keywords:
        return []
    places, rest = geo.gazetteer().cities_at_end(keywords)
    return [{"place": place, "url": address.changed(q=rest, near=place)} for place in places]
