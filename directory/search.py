"""The treatment search as a service: `ProgramSearch(params, language, now=...).run()` reads a
search's parameters (through ProgramFilterSet's form, the one place that validates them) and returns
a plain `ProgramSearchResult`: the page of programs, facets, chips, notices, broader searches, the
statewide telehealth section, or the address to redirect to when the keywords were rewritten.

Testable without a request; directory.views.program_search only renders what it returns.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.cards import card_programs
from directory.filters import TELEHEALTH_CODE, UNFILTERED_CHOICES, ProgramFilterSet, category_filter_parts
from directory.hours import OPEN_CHOICES
from directory.models import Program, kept_answer
from directory.results import (
    BACK_PARAM,
    PAGE_PARAM,
    CappedPaginator,
    fetch_ids,
    mark_telehealth,
    open_at,
    programs_in_order,
    search_query,
)
from directory.search_links import (
    Address,
    crisis_search_url,
    did_you_mean,
    places_in_keywords,
    search_chips,
    short_name,
    understood_search_url,
)
from places.forms import RADIUS_CHOICES
from places.states import STATE_CHOICES_BY_NAME, US_STATES
from portal.notices import SEARCH_PHRASE, ignored_parameters, read_page_number
from safety import danger

MAX_NOTICES = 6
# The order menu: the empty choice lets the page pick (nearest first with a place, best match with
# keywords, else by name), so opening the search never preselects an order the person did not ask for.
# Lazy: built once, read in each page's language.
SORT_MENU = [
    ("", gettext_lazy("Nearest first")), ("relevance", gettext_lazy("Best match")),
    ("name", gettext_lazy("Name (A–Z)")), ("verified", gettext_lazy("Most recently verified")),
]
MAX_BROADER = 5
TELEHEALTH_LISTED = 5  # statewide telehealth programs shown as cards beside a search by distance (a link lists them all)


@dataclass
class ProgramSearchResult:
    """What a treatment search found, named as the page's template reads it (context())."""

    redirect: str | None = None  # the address to go to instead (the keywords were rewritten)
    filterset: ProgramFilterSet | None = None
    form: Any = None
    page: Page | None = None
    page_range: list = field(default_factory=list)
    paginator: CappedPaginator | None = None
    place: Any = None
    radius: int = 0
    notices: list[str] = field(default_factory=list)
    facets: list[dict] = field(default_factory=list)
    state_choices: Any = field(default_factory=lambda: STATE_CHOICES_BY_NAME)  # the form's long lists (includes/facet_fieldsets.html)
    state_chosen: str = ""
    place_suggestions: list[str] = field(default_factory=list)  # includes/place_unknown.html
    wider_radius: int | None = None
    has_filters: bool = False
    filter_count: int = 0
    filter_names: list[str] = field(default_factory=list)
    more_filter_names: list[str] = field(default_factory=list)
    open_options: list[tuple] = field(default_factory=list)
    same_day: bool = False
    searched: bool = False
    article_query: str = ""
    panel_open: bool = False
    danger_kinds: list = field(default_factory=list)
    danger_search: bool = False
    show_meetings: bool = False
    place_unknown: bool = False
    sort_menu: list = field(default_factory=lambda: SORT_MENU)
    sort_chosen: str = ""
    show_nearby_meetings: bool = False
    chips: list[dict] = field(default_factory=list)
    unfiltered_notes: list[str] = field(default_factory=list)  # words no listing records ("walk in")
    did_you_mean: list[dict] = field(default_factory=list)
    places_in_keywords: list[dict] = field(default_factory=list)
    broader: list[dict] = field(default_factory=list)
    telehealth_only: bool = False
    telehealth_state_name: str = ""
    telehealth: dict | None = None

    def context(self) -> dict:
        """The template's context (directory/program_search.html)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "redirect"}


class ProgramSearch:
    """One treatment search: `params` (a query's parameters), read in `language`, at `now`; `path`
    is the search page's address that its links (chips, broader searches) are built on."""

    def __init__(self, params: QueryDict, language: str, *, now: datetime.datetime | None = None,
                 path: str | None = None):
        self.params = params
        self.language = language
        self.now = now or timezone.now()
        with translation.override(language):  # the form's labels and choices in the search's language
            self.address = Address(path or reverse("directory:program-search"), params)
            self.filterset = ProgramFilterSet(params, queryset=Program.objects.active())

    @cached_property
    def redirect(self) -> str | None:
        """Where to send the search instead, or None. Words of danger: help first, then the search for
        what else was asked. Keywords that named services: the search as the filters they mean."""
        with translation.override(self.language):
            return crisis_search_url(self.address, self.filterset) or understood_search_url(self.address, self.filterset)

    def run(self) -> ProgramSearchResult:
        if self.redirect is not None:
            return ProgramSearchResult(redirect=self.redirect)
        with translation.override(self.language):
            return self._results()

    def _results(self) -> ProgramSearchResult:
        filterset, params, now = self.filterset, self.params, self.now
        notices = search_notices(params, filterset)
        danger_kinds = danger.help_kinds(params.getlist(danger.HELP_PARAM))
        # A place that could not be found lists nothing: programs from anywhere would only mislead.
        place_unknown = "near" in filterset.form.errors
        # One query finds the matching programs, in order (at most MAX_COUNTED + 1 of them); the count,
        # the page and, when no service is ticked, the facet counts all work from those ids, so the
        # location and keyword conditions are evaluated once per search.
        ordered_ids = [] if place_unknown else fetch_ids(
            filterset.qs.values_list("pk", flat=True)[: CappedPaginator.MAX_COUNTED + 1]
        )
        wanted_hours = filterset.cleaned("open", [])
        if wanted_hours and ordered_ids:
            ordered_ids = open_at(ordered_ids, wanted_hours, now)
        paginator = CappedPaginator(ordered_ids, settings.PORTAL_PAGE_SIZE)
        page_number, page_notice = read_page_number(params.get(PAGE_PARAM), paginator)
        if page_notice:
            notices.append(page_notice)
        page = paginator.page(page_number)
        search = search_query(params)
        back = urlencode({BACK_PARAM: search}) if search else ""
        telehealth_only = filterset.telehealth_only
        telehealth_ids = (
            self.statewide_telehealth_ids(exclude=ordered_ids) if page.number == 1 and not place_unknown else None
        )
        # The page's cards and the telehealth section's, read in one query.
        read = card_programs([*page.object_list, *(telehealth_ids or [])[:TELEHEALTH_LISTED]])
        page.object_list = programs_in_order(
            page.object_list, None if telehealth_only else filterset.place, now=now, back=back, read=read,
        )
        if telehealth_only:  # listed for their telehealth: no distance, the state they serve instead
            mark_telehealth(page.object_list, filterset.telehealth_state)
        # Counting every option across a whole country's listings tells a person little and costs a lot:
        # counts are shown once the search is narrow enough to be counted exactly (what they are taken
        # over, the search without its ticked services, holds at most MAX_COUNTED programs).
        if paginator.capped:
            counts = None
        elif filterset.selected_term_ids():
            counts = filterset.facet_counts(at_most=CappedPaginator.MAX_COUNTED)
        else:  # nothing ticked: count the programs already found, by id (kept, as facet_counts)
            counts = kept_answer(
                "found", tuple(ordered_ids), lambda: Program.objects.among(ordered_ids).term_counts()
            ) if ordered_ids else {}
        facets = build_facets(filterset, counts)
        filter_names = filters_in_use(filterset, facets)
        hours_names = [str(label) for code, label in OPEN_CHOICES if code in wanted_hours]
        hours_names += [_("Usually seen the same day")] if filterset.cleaned("same_day") else []
        sort = filterset.cleaned("sort", "")
        return ProgramSearchResult(
            filterset=filterset,
            form=filterset.form,
            page=page,
            page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            paginator=paginator,
            place=filterset.place,
            radius=filterset.radius_miles,
            notices=notices[:MAX_NOTICES],
            facets=facets,
            state_chosen=filterset.cleaned("state", ""),
            place_suggestions=filterset.location_suggestions(),
            wider_radius=next((r for r, _label in RADIUS_CHOICES if r > filterset.radius_miles), None),
            has_filters=bool(filter_names),
            filter_count=len(filter_names),
            filter_names=filter_names,
            more_filter_names=[name for facet in facets for name in facet["chosen_names"]] + hours_names,
            open_options=[(code, label, code in wanted_hours) for code, label in OPEN_CHOICES],
            same_day=bool(filterset.cleaned("same_day")),
            searched=bool(params),
            article_query=filterset.keywords or articles_query_for(filterset),
            panel_open=set(params) <= {danger.HELP_PARAM} or place_unknown,
            danger_kinds=danger_kinds,
            danger_search=bool(danger_kinds) and bool(set(params) - {danger.HELP_PARAM}),
            show_meetings=bool(filterset.cleaned("meetings")),
            place_unknown=place_unknown,
            sort_chosen="" if sort == "distance" else sort,
            show_nearby_meetings=filterset.cleaned("meetings_nearby", False),
            chips=search_chips(self.address, filterset),
            unfiltered_notes=[
                str(label) for value, label in UNFILTERED_CHOICES if value in filterset.cleaned("unfiltered", [])
            ],
            did_you_mean=did_you_mean(self.address, filterset.keywords),
            places_in_keywords=[] if filterset.place else places_in_keywords(self.address, filterset.keywords),
            broader=self.broader_searches() if not ordered_ids and not place_unknown and params else [],
            telehealth_only=telehealth_only,
            telehealth_state_name=US_STATES.get(filterset.telehealth_state, ""),
            telehealth=(
                self.statewide_telehealth(telehealth_ids, back=back, read=read) if telehealth_ids is not None else None
            ),
        )

    def statewide_telehealth_ids(self, *, exclude: list[int]) -> list[int] | None:
        """The telehealth programs serving the searched place's state under the same filters, whatever
        the distance, by name, those already listed by distance (`exclude`) left out: at most
        MAX_COUNTED + 1 ids. None without a place."""
        filterset = self.filterset
        if not filterset.lists_statewide_telehealth:
            return None
        listed = set(exclude)
        # Left out here rather than in SQL: a thousand ids in the query cost more than reading them.
        # A search lists at most MAX_COUNTED + 1 programs, so twice that many leaves enough whatever
        # it listed, and the limit (part of the question) is the same for every place in the state.
        limit = 2 * (CappedPaginator.MAX_COUNTED + 1)
        # The same for every place in the state: kept for a minute, or until the listings change.
        question = (filterset.telehealth_state, filterset.question(skip={"near"}), limit)
        ids = kept_answer("telehealth", question,
                          lambda: fetch_ids(filterset.statewide_telehealth().values_list("pk", flat=True)[:limit]))
        return [pk for pk in ids if pk not in listed][: CappedPaginator.MAX_COUNTED + 1]

    def statewide_telehealth(self, ids: list[int], *, back: str, read: dict) -> dict:
        """The statewide telehealth section (statewide_telehealth_ids): the first TELEHEALTH_LISTED as
        cards, how many there are, and the address of the search listing them all."""
        filterset = self.filterset
        programs = programs_in_order(ids[:TELEHEALTH_LISTED], None, now=self.now, back=back, read=read)
        mark_telehealth(programs, filterset.telehealth_state)
        params = self.params.copy()
        params.pop(PAGE_PARAM, None)
        params.setlist("setting", [TELEHEALTH_CODE])
        return {
            "state": filterset.telehealth_state,
            "state_name": US_STATES.get(filterset.telehealth_state, filterset.telehealth_state),
            "count": min(len(ids), CappedPaginator.MAX_COUNTED),
            "capped": len(ids) > CappedPaginator.MAX_COUNTED,
            "programs": programs,
            "more": len(ids) > TELEHEALTH_LISTED,
            "all_url": self.address.with_query(params),
        }

    def broader_searches(self) -> list[dict]:
        """For a search that found nothing: the nearest broader searches (one word, one filter or the
        distance relaxed) that do find programs, with how many, most results first."""
        filterset, address = self.filterset, self.address
        candidates: list[tuple] = []
        for entry in filterset.categories:
            param = entry.category.param
            chosen = set(filterset.cleaned(param, []))
            for term in entry.terms:
                if term.code in chosen:
                    candidates.append((_("Without “%(name)s”") % {"name": short_name(term.localized_name)},
                                       address.changed(drop=(param, term.code))))
        words = filterset.keywords.split()
        if len(words) == 1:
            candidates.append((_("Without the word “%(word)s”") % {"word": words[0]}, address.changed(drop=("q", None))))
        else:
            for index, word in enumerate(words[:4]):
                rest = " ".join(words[:index] + words[index + 1:])
                candidates.append((_("Without the word “%(word)s”") % {"word": word}, address.changed(q=rest)))
        if filterset.cleaned("accepting"):
            candidates.append((_("Including programs not marked as accepting new patients"),
                               address.changed(drop=("accepting", None))))
        if filterset.cleaned("state"):
            candidates.append((_("In any state"), address.changed(drop=("state", None))))
        if filterset.place:
            wider = [r for r, _ in RADIUS_CHOICES if r > filterset.radius_miles][:2]
            candidates.extend((_("Within %(miles)s miles") % {"miles": r}, address.changed(radius=str(r))) for r in wider)
        if len(candidates) > 1:
            candidates.append((
                _("Every program within %(miles)s miles") % {"miles": filterset.radius_miles}
                if filterset.place else _("Every program"),
                address.only({"near", "radius"}),
                True,
            ))
        found = []
        for label, url, *last_resort in candidates[: MAX_BROADER * 2]:
            query = url.split("?", 1)[1]
            broader = ProgramFilterSet(QueryDict(query), queryset=Program.objects.active())
            count = broader.qs.order_by().values("pk")[: CappedPaginator.MAX_COUNTED + 1].count()
            if count:
                found.append({"label": label, "url": url, "count": count, "last_resort": bool(last_resort),
                              "capped": count > CappedPaginator.MAX_COUNTED})
        # One change at a time, most results first; dropping everything is offered only when no single
        # change finds anything.
        one_step = [option for option in found if not option["last_resort"]]
        return sorted(one_step or found, key=lambda option: -option["count"])[:MAX_BROADER]


def articles_query_for(filterset: ProgramFilterSet) -> str:
    """Words to find articles about what a search without keywords asks for: the chosen medications
    and types of care (the services articles explain), as in "methadone or detox"."""
    names = []
    for entry in filterset.categories:
        if entry.category.show_in_results:
            chosen = set(filterset.cleaned(entry.category.param, []))
            names += [short_name(t.name).lower() for t in entry.terms if t.code in chosen]
    return " or ".join(names[:3])


def search_notices(params: QueryDict, filterset: ProgramFilterSet) -> list[str]:
    """Plain-language notes about every parameter the search ignored, and why."""
    notices = ignored_parameters(params, filterset.parameters | {PAGE_PARAM, danger.HELP_PARAM}, phrase=SEARCH_PHRASE)
    notices += danger.help_notices(params.getlist(danger.HELP_PARAM))
    for name, errors in filterset.form.errors.items():
        if name == "near":
            continue  # explained with suggestions beside the location field
        form_field = filterset.form.fields.get(name)
        label = form_field.label if form_field is not None and form_field.label else name
        if name in filterset.term_ids_by_param:
            notices.append(_("%(label)s: we ignored an option we do not recognise.") % {"label": label})
        else:
            notices.append(_("%(label)s: %(errors)s We ignored it.") % {"label": label, "errors": " ".join(map(str, errors))})
    return notices


def filters_in_use(filterset: ProgramFilterSet, facets: list[dict]) -> list[str]:
    """The names of the filters a search uses, in form order: what "Filters (3)" stands for."""
    names = [_("Accepting new patients")] if filterset.cleaned("accepting") else []
    names += [str(label) for code, label in OPEN_CHOICES if code in filterset.cleaned("open", [])]
    names += [_("Usually seen the same day")] if filterset.cleaned("same_day") else []
    names += [name for facet in facets for name in facet["chosen_names"]]
    state = filterset.cleaned("state")
    if state:
        names.append(dict(filterset.form.fields["state"].choices).get(state, state))
    return names


class FacetOption(NamedTuple):
    """One service checkbox of the search form: its code, its name in the page's language, how many
    programs ticking it would leave (None when not counted) and whether it is ticked."""

    code: str
    name: str
    count: int | None
    checked: bool


def build_facets(filterset: ProgramFilterSet, counts: dict[int, int] | None) -> list[dict]:
    """Each category with its terms, whether ticked, and how many programs ticking it would leave."""
    facets = []
    # The names in the page's language, made once per taxonomy (directory.filters).
    for entry, (param, term_ids, _label, choices) in zip(
        filterset.categories, category_filter_parts(filterset.categories)
    ):
        chosen = set(filterset.cleaned(param, []))
        options = tuple(
            FacetOption(code, name, None if counts is None else counts.get(term_ids[code], 0), code in chosen)
            for code, name in choices
        )
        facets.append({
            "param": param,
            "name": entry.category.localized_name,
            "description": entry.category.description,
            "options": options,
            "open": bool(chosen) or entry.category.show_in_results,
            "chosen": len(chosen),
            "chosen_names": [option.name for option in options if option.checked],
            "chosen_codes": {option.code for option in options if option.checked},
        })
    return facets
