"""Public pages of the treatment directory: the search results and a program's page."""
from __future__ import annotations

import datetime
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from directory import jsonld, vcard
from directory.cards import CardProgram, card_programs, services_index, shown, summarise_services, weekly_periods
from directory.filters import (
    ANY_PARAM, MAX_TEXT, TELEHEALTH_CODE, UNFILTERED_CHOICES, ProgramFilterSet, category_filter_parts, terms_by_id, vocabulary,
)
from directory.forms import ProblemReportForm
from directory.hours import OPEN_CHOICES, keeps, open_status
from directory.models import OpeningHours, ProblemReport, Program
from places import geo, timezones
from places.forms import RADIUS_CHOICES
from places.states import STATE_CHOICES_BY_NAME, US_STATES
from portal.client import address_key
from portal.notices import SEARCH_PHRASE, ignored_parameters, read_page_number
from portal.templatetags.portal_tags import miles
from safety import danger
from understanding.reading import understand
from understanding.rewriting import rewritten_query
from understanding.text import normalize

PAGE_PARAM = "page"
MAX_NOTICES = 6
# The order menu: the empty choice lets the page pick (nearest first with a place, best match with
# keywords, else by name), so opening the search never preselects an order the person did not ask for.
# Lazy: built once, read in each page's language.
SORT_MENU = [
    ("", gettext_lazy("Nearest first")), ("relevance", gettext_lazy("Best match")),
    ("name", gettext_lazy("Name (A–Z)")), ("verified", gettext_lazy("Most recently verified")),
]
MAX_BROADER = 5
TELEHEALTH_LISTED = 10  # statewide telehealth programs shown beside a search by distance
BACK_PARAM = "back"  # on a program's address: the search it was found with, to link back to
MAX_BACK_LENGTH = 1000


def current_time() -> datetime.datetime:
    """Now (a separate function so that tests can fix the clock)."""
    return timezone.now()


def program_search(request):
    """Search results: programs near a place and offering what the person ticked or typed."""
    rewritten = crisis_search_url(request) or understood_search_url(request)
    if rewritten is not None:
        # Words of danger: help first, then the search for what else was asked (crisis_search_url).
        # The keywords named services: show (and share) the search as the filters they mean.
        return redirect(rewritten)
    filterset = ProgramFilterSet(request.GET, queryset=Program.objects.active())
    notices = search_notices(request, filterset)
    danger_kinds = danger.help_kinds(request.GET.getlist(danger.HELP_PARAM))
    # A place that could not be found lists nothing: programs from anywhere would only mislead.
    place_unknown = "near" in filterset.form.errors
    # One query finds the matching programs, in order (at most MAX_COUNTED + 1 of them); the count,
    # the page and, when no service is ticked, the facet counts all work from those ids, so the
    # location and keyword conditions are evaluated once per search.
    ordered_ids = [] if place_unknown else fetch_ids(
        filterset.qs.values_list("pk", flat=True)[: CappedPaginator.MAX_COUNTED + 1]
    )
    now = current_time()
    wanted_hours = filterset.cleaned("open", [])
    if wanted_hours and ordered_ids:
        ordered_ids = open_at(ordered_ids, wanted_hours, now)
    paginator = CappedPaginator(ordered_ids, settings.PORTAL_PAGE_SIZE)
    page_number, page_notice = read_page_number(request.GET.get(PAGE_PARAM), paginator)
    if page_notice:
        notices.append(page_notice)
    page = paginator.page(page_number)
    search = search_query(request.GET)
    back = urlencode({BACK_PARAM: search}) if search else ""
    telehealth_only = filterset.telehealth_only
    page.object_list = programs_in_order(
        page.object_list, None if telehealth_only else filterset.place, now=now, back=back,
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
    else:  # nothing ticked: count the programs already found, by id
        counts = Program.objects.among(ordered_ids).term_counts() if ordered_ids else {}
    article_query = filterset.keywords or articles_query_for(filterset)
    facets = build_facets(filterset, counts)
    filter_names = filters_in_use(filterset, facets)
    hours_names = [str(label) for code, label in OPEN_CHOICES if code in wanted_hours]
    hours_names += [_("Usually seen the same day")] if filterset.cleaned("same_day") else []
    filter_count = len(filter_names)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "paginator": paginator,
        "place": filterset.place,
        "radius": filterset.radius_miles,
        "notices": notices[:MAX_NOTICES],
        "facets": facets,
        # The form's long lists (includes/facet_fieldsets.html, includes/select_options.html).
        "state_choices": STATE_CHOICES_BY_NAME,
        "state_chosen": filterset.cleaned("state", ""),
        # Places it may mean: offered once, first on the page (includes/place_unknown.html).
        "place_suggestions": filterset.location_suggestions(),
        "wider_radius": next((r for r, _label in RADIUS_CHOICES if r > filterset.radius_miles), None),
        "has_filters": bool(filter_count),
        "filter_count": filter_count,
        "filter_names": filter_names,
        "more_filter_names": [name for facet in facets for name in facet["chosen_names"]] + hours_names,
        "open_options": [(code, label, code in wanted_hours) for code, label in OPEN_CHOICES],
        "same_day": bool(filterset.cleaned("same_day")),
        "searched": bool(request.GET),
        "article_query": article_query,
        "panel_open": set(request.GET) <= {danger.HELP_PARAM} or "near" in filterset.form.errors,
        "danger_kinds": danger_kinds,
        "danger_search": bool(danger_kinds) and bool(set(request.GET) - {danger.HELP_PARAM}),
        "show_meetings": bool(filterset.cleaned("meetings")),
        "place_unknown": place_unknown,
        "sort_menu": SORT_MENU,
        "sort_chosen": "" if filterset.cleaned("sort", "") == "distance" else filterset.cleaned("sort", ""),
        "show_nearby_meetings": filterset.cleaned("meetings_nearby", False),
        "chips": search_chips(request, filterset),
        # Words no listing records ("walk in"): said beside the chips, in one short line.
        "unfiltered_notes": [
            str(label) for value, label in UNFILTERED_CHOICES if value in filterset.cleaned("unfiltered", [])
        ],
        "did_you_mean": did_you_mean(request, filterset.keywords),
        "places_in_keywords": [] if filterset.place else places_in_keywords(request, filterset.keywords),
        "broader": (
            broader_searches(request, filterset)
            if not ordered_ids and not place_unknown and request.GET else []
        ),
        "telehealth_only": telehealth_only,
        "telehealth_state_name": US_STATES.get(filterset.telehealth_state, ""),
        "telehealth": (
            statewide_telehealth(request, filterset, exclude=ordered_ids, back=back)
            if page.number == 1 and not place_unknown else None
        ),
    }
    return render(request, "directory/program_search.html", context)


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


def statewide_telehealth(request, filterset: ProgramFilterSet, *, exclude: list[int], back: str) -> dict | None:
    """The telehealth programs serving the searched place's state under the same filters, whatever
    the distance (those already listed by distance left out): the first TELEHEALTH_LISTED as cards,
    how many there are, and the address of the search listing them all. None without a place."""
    queryset = filterset.statewide_telehealth()
    if queryset is None:
        return None
    if exclude:
        queryset = queryset.exclude(pk__in=exclude)
    ids = fetch_ids(queryset.values_list("pk", flat=True)[: CappedPaginator.MAX_COUNTED + 1])
    programs = programs_in_order(ids[:TELEHEALTH_LISTED], None, now=current_time(), back=back)
    mark_telehealth(programs, filterset.telehealth_state)
    params = request.GET.copy()
    params.pop(PAGE_PARAM, None)
    params.setlist("setting", [TELEHEALTH_CODE])
    return {
        "state": filterset.telehealth_state,
        "state_name": US_STATES.get(filterset.telehealth_state, filterset.telehealth_state),
        "count": min(len(ids), CappedPaginator.MAX_COUNTED),
        "capped": len(ids) > CappedPaginator.MAX_COUNTED,
        "programs": programs,
        "more": len(ids) > TELEHEALTH_LISTED,
        "all_url": f"{request.path}?{params.urlencode()}",
    }


def fetch_ids(queryset) -> list[int]:
    """The ids a values_list("pk", flat=True) queryset selects, read straight off the cursor (a
    search reads up to a thousand of them, which the queryset's iterator yields one by one)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def articles_query_for(filterset: ProgramFilterSet) -> str:
    """Words to find articles about what a search without keywords asks for: the chosen medications
    and types of care (the services articles explain), as in "methadone or detox"."""
    names = []
    for entry in filterset.categories:
        if entry.category.show_in_results:
            chosen = set(filterset.cleaned(entry.category.param, []))
            names += [short_name(t.name).lower() for t in entry.terms if t.code in chosen]
    return " or ".join(names[:3])


def query_url(request, *, drop: tuple[str, str | None] | None = None, **changes) -> str:
    """This search's address with one value removed (`drop=(name, value)`, or the whole parameter
    when value is None) and/or parameters replaced; back to page 1."""
    params = request.GET.copy()
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
    return f"{request.path}?{params.urlencode()}"


def crisis_search_url(request) -> str | None:
    """When the keywords speak of danger (safety.danger): this search's address with the help to
    give first (`help`) and only the words that asked for something else, or None."""
    raw = request.GET.get("q", "")
    if not raw.strip() or len(raw) > MAX_TEXT or "\x00" in raw:
        return None
    reading = danger.read(raw)
    if not reading:
        return None
    params = danger.answered_query(request.GET, reading, asks=asks_for_something, page_param=PAGE_PARAM)
    return f"{request.path}?{params.urlencode()}"


def asks_for_something(text: str) -> bool:
    """Whether words name a service, a choice of the search or a place (what is worth searching
    beside words of danger: "i want to die need detox" still searches detox)."""
    understood = understand(text, vocabulary(), take_zip=True)
    return bool(understood.matches or understood.zip_code or (
        understood.text and geo.gazetteer().place_at_end(understood.text) is not None
    ))


def understood_search_url(request) -> str | None:
    """The address of this search with what its keywords mean as filters, or None when the keywords
    need no rewriting (nothing understood, dropped or moved)."""
    raw = request.GET.get("q", "")
    if not raw.strip() or len(raw) > MAX_TEXT or "\x00" in raw:
        return None  # nothing to read, or a value the form will explain
    understood = understand(raw, vocabulary(), take_zip=True)
    params = rewritten_query(request.GET, understood, page_param=PAGE_PARAM)
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
    return f"{request.path}?{params.urlencode()}"


def term_name(ref) -> str:
    """A vocabulary term's name in the page's language (from the cached taxonomy)."""
    term = terms_by_id().get(ref.pk)
    if term is None:  # a choice that is not a term (understanding.FLAG_PHRASES), named by its label
        return _(ref.name)
    return term.localized_name


def short_name(name: str) -> str:
    """A term's name without its explanation: "Buprenorphine (Suboxone and others)" → "Buprenorphine"."""
    return name.split(" (")[0]


def search_chips(request, filterset: ProgramFilterSet) -> list[dict]:
    """Every choice this search uses, each with the address of the same search without it."""
    chips = []
    for entry in filterset.categories:
        param = entry.category.param
        chosen = set(filterset.cleaned(param, []))
        for term in entry.terms:
            if term.code in chosen:
                chips.append({"label": short_name(term.localized_name), "url": query_url(request, drop=(param, term.code))})
    if filterset.keywords:
        chips.append({"label": f"“{filterset.keywords}”", "url": query_url(request, drop=("q", None))})
    if filterset.cleaned("accepting"):
        chips.append({"label": _("Accepting new patients"), "url": query_url(request, drop=("accepting", None))})
    for code, label in OPEN_CHOICES:
        if code in filterset.cleaned("open", []):
            chips.append({"label": str(label), "url": query_url(request, drop=("open", code))})
    if filterset.cleaned("same_day"):
        chips.append({"label": _("Usually seen the same day"), "url": query_url(request, drop=("same_day", None))})
    terms = terms_by_code()
    for code in filterset.cleaned(ANY_PARAM, []):
        if code in terms:
            chips.append({"label": short_name(terms[code].localized_name), "url": query_url(request, drop=(ANY_PARAM, code))})
    if filterset.cleaned("meetings"):
        chips.append({"label": _("Support group meetings nearby"), "url": query_url(request, drop=("meetings", None))})
    state = filterset.cleaned("state")
    if state:
        label = dict(filterset.form.fields["state"].choices).get(state, state)
        chips.append({"label": label, "url": query_url(request, drop=("state", None))})
    return chips


def terms_by_code() -> dict:
    """The taxonomy's terms by code (from the cached taxonomy)."""
    return {term.code: term for term in terms_by_id().values()}


def did_you_mean(request, keywords: str) -> list[dict]:
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
            "url": query_url(request, q=replaced),
        })
    return suggestions


def places_in_keywords(request, keywords: str) -> list[dict]:
    """Places the last keywords may name when the search has none ("suboxone columbus": Columbus,
    OH or Columbus, GA), each as a link to the search near it without those words."""
    if not keywords:
        return []
    places, rest = geo.gazetteer().cities_at_end(keywords)
    return [{"place": place, "url": query_url(request, q=rest, near=place)} for place in places]


def broader_searches(request, filterset: ProgramFilterSet) -> list[dict]:
    """For a search that found nothing: the nearest broader searches (one word, one filter or the
    distance relaxed) that do find programs, with how many, most results first."""
    candidates: list[tuple] = []
    for entry in filterset.categories:
        param = entry.category.param
        chosen = set(filterset.cleaned(param, []))
        for term in entry.terms:
            if term.code in chosen:
                candidates.append((_("Without “%(name)s”") % {"name": short_name(term.localized_name)},
                               query_url(request, drop=(param, term.code))))
    words = filterset.keywords.split()
    if len(words) == 1:
        candidates.append((_("Without the word “%(word)s”") % {"word": words[0]}, query_url(request, drop=("q", None))))
    else:
        for index, word in enumerate(words[:4]):
            rest = " ".join(words[:index] + words[index + 1:])
            candidates.append((_("Without the word “%(word)s”") % {"word": word}, query_url(request, q=rest)))
    if filterset.cleaned("accepting"):
        candidates.append((_("Including programs not marked as accepting new patients"),
                           query_url(request, drop=("accepting", None))))
    if filterset.cleaned("state"):
        candidates.append((_("In any state"), query_url(request, drop=("state", None))))
    if filterset.place:
        wider = [r for r, _ in RADIUS_CHOICES if r > filterset.radius_miles][:2]
        candidates.extend((_("Within %(miles)s miles") % {"miles": r}, query_url(request, radius=str(r))) for r in wider)
    if len(candidates) > 1:
        candidates.append((
            _("Every program within %(miles)s miles") % {"miles": filterset.radius_miles}
            if filterset.place else _("Every program"),
            query_url_only(request, {"near", "radius"}),
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


def query_url_only(request, keep: set[str]) -> str:
    """This search's address with only the given parameters kept."""
    params = request.GET.copy()
    for name in list(params):
        if name not in keep:
            del params[name]
    return f"{request.path}?{params.urlencode()}"


class CappedPaginator(Paginator):
    """Pages over a list of at most MAX_COUNTED + 1 ids; a longer search says "more than"."""

    MAX_COUNTED = 1000

    def __init__(self, ids: list[int], per_page: int):
        self.capped = len(ids) > self.MAX_COUNTED
        super().__init__(ids[: self.MAX_COUNTED], per_page)


def programs_in_order(
    ids: list[int], place, *, now: datetime.datetime | None = None, back: str = ""
) -> list[CardProgram]:
    """The programs with these ids, in that order, ready for result cards: their address (with
    `back`, the search to return to), whether open now (the page's hours read in one query),
    whether the listing is due for a check, its services, and the key its card's listing part is
    cached under (directory.cards)."""
    # One query (directory.cards.card_query), with each program's weekly hours; the ids give the order.
    by_id = card_programs(ids) if ids else {}
    now = now or timezone.now()
    language = get_language()
    services = services_index(terms_by_id(), language)
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
        program.stale_age = stale_age(program.last_verified, now, language)
        program.services = summarise_services(program, services)
        program.shown = shown(program, language)
        program.distance_text = miles(program.distance, language) if program.distance is not None else ""
        ordered.append(program)
    return ordered


def stale_age(last_verified: datetime.date | None, now: datetime.datetime, language: str | None = None) -> str | None:
    """How long ago a listing was last verified ('11 months'), when that is longer than the
    configured PORTAL_STALE_AFTER_DAYS; '' when it never was; None when it is recent enough."""
    if last_verified is None:
        return ""
    today = timezone.localdate(now)
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


def search_notices(request, filterset: ProgramFilterSet) -> list[str]:
    """Plain-language notes about every parameter the search ignored, and why."""
    notices = ignored_parameters(request, filterset.parameters | {PAGE_PARAM, danger.HELP_PARAM}, phrase=SEARCH_PHRASE)
    notices += danger.help_notices(request.GET.getlist(danger.HELP_PARAM))
    for name, errors in filterset.form.errors.items():
        if name == "near":
            continue  # explained with suggestions beside the location field
        field = filterset.form.fields.get(name)
        label = field.label if field is not None and field.label else name
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


def build_facets(filterset: ProgramFilterSet, counts: dict[int, int] | None) -> list[dict]:
    """Each category with its terms, whether ticked, and how many programs ticking it would leave."""
    facets = []
    # The names in the page's language, made once per taxonomy (directory.filters).
    for entry, (param, term_ids, _label, choices) in zip(
        filterset.categories, category_filter_parts(filterset.categories)
    ):
        chosen = set(filterset.cleaned(param, []))
        options = [
            {
                "code": code,
                "name": name,
                "count": None if counts is None else counts.get(term_ids[code], 0),
                "checked": code in chosen,
            }
            for code, name in choices
        ]
        facets.append({
            "param": param,
            "name": entry.category.localized_name,
            "description": entry.category.description,
            "options": options,
            "open": bool(chosen) or entry.category.show_in_results,
            "chosen": len(chosen),
            "chosen_names": [option["name"] for option in options if option["checked"]],
            "chosen_codes": {option["code"] for option in options if option["checked"]},
        })
    return facets


def program_detail(request, slug: str):
    """Everything about one program."""
    program = get_object_or_404(
        Program.objects.public().select_related("organization").prefetch_related("hours"),
        slug=slug,
    )
    zone = timezones.zone_for(program.state, program.latitude, program.longitude)
    groups: dict[int, dict] = {}
    for term in program.terms.select_related("category").order_by("category__position", "position"):
        group = groups.setdefault(term.category_id, {"category": term.category, "terms": []})
        group["terms"].append(term)
    context = {
        "program": program,
        "service_groups": list(groups.values()),
        "hours": program.hours.all(),
        "structured_data": jsonld.program(program, request),
        "stale": program.is_stale,
        "open_status": open_status(
            [(period.weekday, period.opens, period.closes) for period in program.hours.all()], zone, current_time()
        ),
        "open_status_zone": timezones.zone_label(zone),
        "back_url": back_to_results(request.GET.get(BACK_PARAM)),
    }
    return render(request, "directory/program_detail.html", context)


def program_contact_card(request, slug: str):
    """The program's contact card (vCard), to keep its phones and address on a phone."""
    program = get_object_or_404(
        Program.objects.public().select_related("organization").prefetch_related("hours"), slug=slug
    )
    text = vcard.program_card(program, request.build_absolute_uri(program.get_absolute_url()))
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{program.slug[:80]}.vcf"'
    return response


def same_origin_post(request) -> bool:
    """Accept a form post only from this site's own pages (no CSRF cookie is set for visitors)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser: nothing to forge
    return urlsplit(origin).netloc == request.get_host()


@csrf_exempt
def report_problem(request, slug: str):
    """Let anyone tell staff that a listing is wrong, without an account, a name or a cookie."""
    program = get_object_or_404(Program.objects.public(), slug=slug)
    status = 200
    if request.method == "POST":
        form = ProblemReportForm(request.POST)
        key = address_key(request)
        now = timezone.now()
        from_visitor = ProblemReport.objects.from_visitor(key).since(now - datetime.timedelta(hours=1)).count()
        about_listing = ProblemReport.objects.about(program).since(now - datetime.timedelta(days=1)).count()
        if not same_origin_post(request):
            form.add_error(None, _("This form can only be sent from this website. Please open the listing and try again."))
            status = 403
        elif from_visitor >= settings.PORTAL_REPORTS_PER_VISITOR_PER_HOUR:
            form.add_error(
                None, _("Thank you for your reports. You have sent several in the last hour; please try again later.")
            )
            status = 429
        elif about_listing >= settings.PORTAL_REPORTS_PER_LISTING_PER_DAY:
            form.add_error(None, _("Thank you. This listing has already been reported several times today, and "
                                   "staff will check it; there is no need to report it again."))
            status = 429
        elif form.is_valid():
            if not form.cleaned_data.get("website"):  # the hidden field: left empty by people
                report = form.save(commit=False)
                report.program = program
                report.visitor_key = key
                report.save()
            return redirect("directory:report-thanks", slug=program.slug)
        else:
            status = 400
    else:
        form = ProblemReportForm()
    return render(request, "directory/report_problem.html", {"program": program, "form": form}, status=status)


def report_thanks(request, slug: str):
    program = get_object_or_404(Program.objects.public(), slug=slug)
    return render(request, "directory/report_thanks.html", {"program": program})
