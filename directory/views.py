"""Public pages of the treatment directory: the search results and a program's page."""
from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from directory import jsonld, vcard
from directory.forms import ProblemReportForm
from directory.hours import open_status
from directory.models import ProblemReport, Program
from directory.results import BACK_PARAM, back_to_results
from directory.search import ProgramSearch
from places import timezones
from portal.client import address_key


def current_time() -> datetime.datetime:
    """Now (a separate function so that tests can fix the clock)."""
    return timezone.now()


def program_search(request):
    """Search results: programs near a place and offering what the person ticked or typed
    (the search itself is directory.search.ProgramSearch)."""
    result = ProgramSearch(request.GET, get_language(), now=current_time(), path=request.path).run()
    if result.redirect is not None:
        return redirect(result.redirect)
    return render(request, "directory/program_search.html", result.context())


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
