"""The program search form for other pages (the home page asks for it from its template), a
program's availability (its page shows the same lines as its result card), and the result lists of
the search page (jinja2/directory/, config/jinja.py)."""
from django import template
from django.utils.safestring import SafeString, mark_safe

from directory.cards import availability_text
from directory.filters import ProgramFilterSet
from places.forms import DEFAULT_RADIUS
from portal.fragments import keeper, macro

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


@register.simple_tag
def availability(program) -> SafeString:
    """Whether the program takes new patients, its usual wait and its beds (as on its result card).

    Usage: {% load directory_tags %}{% availability program %}
    """
    show = macro("directory/availability.html", "availability")
    return mark_safe(show(program.accepting_new_patients, availability_text(program)))


@register.simple_tag
def program_cards(programs) -> SafeString:
    """A results page's cards, programs made ready by directory.results.programs_in_order: each card's
    head rendered for this page, its listing part kept by what it shows (jinja2/directory/program_cards.html).

    Usage: <ol class="result-list">{% program_cards page.object_list %}</ol>
    """
    head, listing = macro("directory/program_cards.html", "card_head"), keeper("directory/program_cards.html", "listing")
    return mark_safe("".join(head(program) + listing(program.listing) for program in programs))


@register.simple_tag
def facet_fieldsets(facets) -> SafeString:
    """The search form's services: one fieldset of checkboxes per category (directory.search.build_facets).

    Usage: {% facet_fieldsets facets %}
    """
    fieldset = keeper("directory/facet_fieldsets.html", "fieldset")
    return mark_safe("".join(
        fieldset(facet["name"], facet["param"], facet["chosen"], facet["options"]) for facet in facets
    ))
