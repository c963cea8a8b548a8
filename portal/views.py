"""Portal-wide pages: home, about, robots.txt, and the error pages.

The home page's search form comes from the directory's inclusion tag (`program_search_form`), so
this module imports no app above it.
"""
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe


def home(request):
    """The front page: the search first, and the crisis lines."""
    return render(request, "portal/home.html")


def about(request):
    return render(request, "portal/about.html")


@require_safe
def robots_txt(request):
    """Rules for crawlers: no admin, no search-result pages, and where the sitemap is."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Disallow: {reverse('directory:program-search')}?",
        f"Disallow: {reverse('articles:search')}?",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('django.contrib.sitemaps.views.sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
