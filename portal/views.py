"""Portal-wide pages: home, about, robots.txt, and the error pages.

The home page's search form comes from the directory's inclusion tag (`program_search_form`), so
this module imports no app above it.
"""
import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from portal.i18n import language_homes


def home(request):
    """The front page: the search first, and the crisis lines."""
    return render(request, "portal/home.html")


def about(request):
    return render(request, "portal/about.html")


def browse_privately(request):
    """What Quick exit does and does not do, and how to leave fewer traces (linked beside the button)."""
    return render(request, "portal/browse_privately.html")


@require_safe
def robots_txt(request):
    """Rules for crawlers: no admin, no search-result pages, and where the sitemap is."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code, _name in settings.LANGUAGES:  # /programs/? and /es/programs/?
        with translation.override(code):
            lines += [f"Disallow: {reverse('directory:program-search')}?", f"Disallow: {reverse('articles:search')}?"]
    lines += [
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    # An unknown language prefix (/fr/...) lands here in English; each language's home is linked.
    return render(request, "404.html", {"language_homes": language_homes()}, status=404)


def _statement_timed_out(error: BaseException | None) -> bool:
    """Whether PostgreSQL cancelled a query at PORTAL_STATEMENT_TIMEOUT_MS (SQLSTATE 57014)."""
    return getattr(getattr(error, "__cause__", None), "sqlstate", None) == "57014"


def server_error(request):
    # A database that cannot be reached (a restart, a failover) is a temporary outage, not a fault of
    # this page: say so with 503 and Retry-After, so browsers, proxies and monitors try again shortly.
    # A query cut at the statement timeout says that the page took too long.
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = render(request, "500.html", {"timed_out": _statement_timed_out(error)}, status=503)
        response["Retry-After"] = "5"
        return response
    return render(request, "500.html", status=500)
