"""Public pages of the treatment directory: the search results and a program's page."""
from __future__ import annotations

import datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.csrf import csrf_exempt

from directory import jsonld
from directory.filters import ProgramFilterSet, terms_by_id
from directory.hours import open_status
from directory.forms import ProblemReportForm
from directory.models import OpeningHours, ProblemReport, Program, Term
from places import timezones
from places.forms import RADIUS_CHOICES
from portal.client import address_key
from portal.notices import SEARCH_PHRASE, ignored_parameters, read_page_number

PAGE_PARAM = "page"
MAX_NOTICES = 6
BACK_PARAM = "back"  # on a program's address: the search it was found with, to link back to
MAX_BACK_LENGTH = 1000


def current_time() -> datetime.datetime:
    """Now (a separate function so that tests can fix the clock)."""
    return timezone.now()


def program_search(request):
    """Search results: programs near a place and offering what the person ticked."""
    filterset = ProgramFilterSet(request.GET, queryset=Program.objects.active().select_related("organization"))
    notices = search_notices(request, filterset)
    # One query finds the matching programs, in order (at most MAX_COUNTED + 1 of them); the count,
    # the page and, when no service is ticked, the facet counts all work from those ids, so the
    # location and keyword conditions are evaluated once per search.
    ordered_ids = list(filterset.qs.values_list("pk", flat=True)[: CappedPaginator.MAX_COUNTED + 1])
    paginator = CappedPaginator(ordered_ids, settings.PORTAL_PAGE_SIZE)
    page_number, page_notice = read_page_number(request.GET.get(PAGE_PARAM), paginator)
    if page_notice:
        notices.append(page_notice)
    page = paginator.page(page_number)
    page.object_list = programs_in_order(page.object_list, filterset.place, now=current_time())
    search = search_query(request.GET)
    back = urlencode({BACK_PARAM: search}) if search else ""
    for program in page.object_list:
        program.url = f"{program.get_absolute_url()}?{back}" if back else program.get_absolute_url()
    # Counting every option across a whole country's listings tells a person little and costs a lot:
    # counts are shown once the search is narrow enough to be counted exactly.
    if paginator.capped:
        counts = None
    elif filterset.selected_term_ids():
        counts = filterset.facet_counts()
    else:
        counts = facet_counts_of(ordered_ids)
    facets = build_facets(filterset, counts)
    filter_names = filters_in_use(filterset, facets)
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
        "suggestions": filterset.location_suggestions(),
        "wider_radius": next((r for r, _ in RADIUS_CHOICES if r > filterset.radius_miles), None),
        "has_filters": bool(filter_count),
        "filter_count": filter_count,
        "filter_names": filter_names,
        "more_filter_names": [name for facet in facets for name in facet["chosen_names"]],
        "searched": bool(request.GET),
        "panel_open": not request.GET or "near" in filterset.form.errors,
        "show_meetings": bool(filterset.cleaned("meetings")),
    }
    return render(request, "directory/program_search.html", context)


def summarise_services(terms: list[Term]) -> list[tuple[str, str]]:
    """The services a result card lists: (category name, "term; term") in form order."""
    groups: dict[str, list[str]] = {}
    for term in sorted(terms, key=lambda t: (t.category.position, t.position, t.name)):
        groups.setdefault(term.category.name, []).append(term.name)
    return [(category, "; ".join(names)) for category, names in groups.items()]


class CappedPaginator(Paginator):
    """Pages over a list of at most MAX_COUNTED + 1 ids; a longer search says "more than"."""

    MAX_COUNTED = 1000

    def __init__(self, ids: list[int], per_page: int):
        self.capped = len(ids) > self.MAX_COUNTED
        super().__init__(ids[: self.MAX_COUNTED], per_page)


def programs_in_order(ids: list[int], place, *, now: datetime.datetime | None = None) -> list[Program]:
    """The programs with these ids, in that order, ready for result cards: services, whether open
    now (the page's hours read in one query) and whether the listing is due for a check."""
    programs = Program.objects.filter(pk__in=ids).select_related("organization").defer(
        "description", "search_text", "search_vector"
    )
    programs = programs.with_distance_from(place)
    by_id = {program.pk: program for program in programs}
    hours: dict[int, list[tuple]] = {}
    if ids:
        for program_id, *period in OpeningHours.objects.filter(program_id__in=ids).values_list(
            "program_id", "weekday", "opens", "closes"
        ):
            hours.setdefault(program_id, []).append(tuple(period))
    now = now or timezone.now()
    taxonomy = terms_by_id()
    ordered = []
    for pk in ids:
        program = by_id[pk]
        zone = timezones.zone_for(program.state, program.latitude, program.longitude)
        program.open_status = open_status(hours.get(pk, ()), zone, now)
        program.stale_age = stale_age(program.last_verified, now)
        program.services_summary = summarise_services(
            [taxonomy[t] for t in program.term_ids if t in taxonomy and taxonomy[t].category.show_in_results]
        )
        ordered.append(program)
    return ordered


def stale_age(last_verified: datetime.date | None, now: datetime.datetime) -> str | None:
    """How long ago a listing was last verified ('11 months'), when that is longer than the
    configured PORTAL_STALE_AFTER_DAYS; '' when it never was; None when it is recent enough."""
    if last_verified is None:
        return ""
    today = timezone.localdate(now)
    if (today - last_verified).days <= settings.PORTAL_STALE_AFTER_DAYS:
        return None
    return timesince(last_verified, today, depth=1)


def search_query(given: QueryDict) -> str:
    """A search's query string with only the search's own parameters, short enough to carry
    along on every result's link ('' when nothing is left)."""
    known = set(ProgramFilterSet(None).filters) | {PAGE_PARAM}
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


def facet_counts_of(ids: list[int]) -> dict[int, int]:
    """How many of these programs offer each term (the facet counts when no service is ticked)."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.term_id, count(*) FROM {Program._meta.db_table} p "
            "CROSS JOIN LATERAL unnest(p.term_ids) AS u(term_id) WHERE p.id = ANY(%s) GROUP BY u.term_id",
            [ids],
        )
        return dict(cursor.fetchall())


def search_notices(request, filterset: ProgramFilterSet) -> list[str]:
    """Plain-language notes about every parameter the search ignored, and why."""
    notices = ignored_parameters(request, set(filterset.filters) | {PAGE_PARAM}, phrase=SEARCH_PHRASE)
    for name, errors in filterset.form.errors.items():
        if name == "near":
            continue  # explained with suggestions beside the location field
        field = filterset.form.fields.get(name)
        label = field.label if field is not None and field.label else name
        if name in filterset.term_ids_by_param:
            notices.append(f"{label}: we ignored an option we do not recognise.")
        else:
            notices.append(f"{label}: {' '.join(str(e) for e in errors)} We ignored it.")
    return notices


def filters_in_use(filterset: ProgramFilterSet, facets: list[dict]) -> list[str]:
    """The names of the filters a search uses, in form order: what "Filters (3)" stands for."""
    names = ["Accepting new patients"] if filterset.cleaned("accepting") else []
    names += [name for facet in facets for name in facet["chosen_names"]]
    state = filterset.cleaned("state")
    if state:
        names.append(dict(filterset.form.fields["state"].choices).get(state, state))
    return names


def build_facets(filterset: ProgramFilterSet, counts: dict[int, int] | None) -> list[dict]:
    """Each category with its terms, whether ticked, and how many programs ticking it would leave."""
    facets = []
    for entry in filterset.categories:
        param = entry.category.param
        chosen = set(filterset.cleaned(param, []))
        options = [
            {
                "code": term.code,
                "name": term.name,
                "count": None if counts is None else counts.get(term.pk, 0),
                "checked": term.code in chosen,
            }
            for term in entry.terms
        ]
        facets.append({
            "param": param,
            "name": entry.category.name,
            "description": entry.category.description,
            "options": options,
            "open": bool(chosen) or entry.category.show_in_results,
            "chosen": len(chosen),
            "chosen_names": [option["name"] for option in options if option["checked"]],
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
        "stale": program.verified_days_ago is None
        or program.verified_days_ago > settings.PORTAL_STALE_AFTER_DAYS,
        "open_status": open_status(
            [(period.weekday, period.opens, period.closes) for period in program.hours.all()], zone, current_time()
        ),
        "open_status_zone": timezones.zone_label(zone),
        "back_url": back_to_results(request.GET.get(BACK_PARAM)),
    }
    return render(request, "directory/program_detail.html", context)


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
            form.add_error(None, "This form can only be sent from this website. Please open the listing and try again.")
            status = 403
        elif from_visitor >= settings.PORTAL_REPORTS_PER_VISITOR_PER_HOUR:
            form.add_error(None, "Thank you for your reports. You have sent several in the last hour; please try again later.")
            status = 429
        elif about_listing >= settings.PORTAL_REPORTS_PER_LISTING_PER_DAY:
            form.add_error(None, "Thank you. This listing has already been reported several times today, and "
                                 "staff will check it; there is no need to report it again.")
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
