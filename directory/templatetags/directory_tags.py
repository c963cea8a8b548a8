"""The program search form for other pages (the home page asks for it from its template), and a
program's availability (its page shows the same lines as its result card)."""
from django import template

from directory.filters import ProgramFilterSet
from places.forms import DEFAULT_RADIUS

register = template.Library()

HOME_CATEGORIES = {"care", "medication", "payment"}


@register.inclusion_tag("directory/includes/program_search_form.html")
def program_search_form() -> dict:
    """The search form of the home page: place, distance, keywords and the main service categories.

    Usage: {% load directory_tags %}{% program_search_form %}
    """
    filterset = ProgramFilterSet(None)
    return {
        "form": filterset.form,
        "radius": DEFAULT_RADIUS,
        "featured_categories": [entry for entry in filterset.categories if entry.category.param in HOME_CATEGORIES],
    }


@register.inclusion_tag("directory/includes/availability.html")
def availability(program) -> dict:
    """Whether the program takes new patients, its usual wait and its beds (as on its result card).

    Usage: {% load directory_tags %}{% availability program %}
    """
    return {"program": program}
