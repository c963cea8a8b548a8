"""Portal-wide pages: home, about, and the error pages."""
from django.shortcuts import render

from directory.filters import DEFAULT_RADIUS, ProgramFilterSet
from portal.i18n import language_homes


def home(request):
    """The front page: the search first, and the crisis lines."""
    filterset = ProgramFilterSet(None)
    featured = {"care", "medication", "payment"}
    return render(request, "portal/home.html", {
        "form": filterset.form,
        "radius": DEFAULT_RADIUS,
        "featured_categories": [entry for entry in filterset.categories if entry.category.param in featured],
    })


def about(request):
    return render(request, "portal/about.html")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    # An unknown language prefix (/fr/...) lands here in English; each language's home is linked.
    return render(request, "404.html", {"language_homes": language_homes()}, status=404)


def server_error(request):
    return render(request, "500.html", status=500)
