"""Template helpers shared by every app."""
import json
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlencode

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from phones import numbers as phones
from portal.fragments import keeper, macro

register = template.Library()

# The same escapes as django.utils.html.json_script: nothing in the data can close the element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data) -> str:
    """Render schema.org data as a JSON-LD block, escaped so no value can break out of it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def tel_href(number: str) -> str:
    """A phone number's tel: link in E.164, extension kept (tel:+14345550100;ext=12); '' if it is not a number."""
    return phones.tel_href(str(number or ""))


@register.filter
def phone_number(number: str) -> str:
    """A phone number as people read it: (434) 555-0100 ext. 12."""
    return phones.display(str(number or ""))


@register.filter
def miles(value, language: str | None = None) -> str:
    """Format a distance: one decimal below ten miles, whole miles above."""
    if value is None:
        return ""
    value = float(value)
    language = language or get_language()
    if value < 0.1:
        return _miles(None, 1, language)
    places = 1 if value < 10 else 0
    # number_format cuts extra decimals off; round first so 3.46 reads 3.5.
    return _miles(round(value, places), places, language)


@register.filter
def miles_away(value, language: str | None = None) -> str:
    """A distance as a result card says it: "<strong>3.5 mi</strong> away" ('' without one), in the
    page's language or `language` (a result list passes the one it is rendered in)."""
    if value is None:
        return ""
    language = language or get_language()
    return _away(miles(value, language), language)


@register.filter
def about_miles_away(value, language: str | None = None) -> str:
    """The distance to a listing placed at its ZIP code's centre: "about <strong>3 mi</strong> away",
    in whole miles (its location is approximate); in `language` when a list gives it."""
    if value is None:
        return ""
    language = language or get_language()
    return _about(_miles(max(1, round(float(value))), 0, language), language)


@lru_cache(maxsize=512)
def _about(distance: str, language: str | None) -> str:
    return mark_safe(gettext("about <strong>%(distance)s</strong> away (approximate location)")
                     % {"distance": escape(distance)})


@lru_cache(maxsize=4096)
def _away(distance: str, language: str | None) -> str:
    return mark_safe(gettext("<strong>%(distance)s</strong> away") % {"distance": escape(distance)})


@lru_cache(maxsize=4096)
def _miles(rounded: float | None, places: int, language: str | None) -> str:
    """A rounded distance in the language's words and number format (a result page shows twenty)."""
    if rounded is None:
        return gettext("less than %(distance)s mi") % {"distance": number_format(0.1, 1)}
    return gettext("%(distance)s mi") % {"distance": number_format(rounded, places)}


@register.simple_tag
def pagination(page, query) -> str:
    """Links to the other pages of a list: previous, the page numbers (elided around the current
    one) and next, each keeping every other parameter of `query` (a QueryDict); rendered by
    jinja2/includes/pagination.html's `page_links` (config/jinja.py: on every search page, a Django
    include cost a quarter of a millisecond).

    Usage: {% pagination page pagination_query|default:request.GET %}
    """
    return macro("includes/pagination.html", "page_links")(**pagination_links(page, query))


class PageLink(NamedTuple):
    """One page of a list in its pagination links; `number` is None for the ellipsis between them."""

    number: int | None
    url: str = ""
    current: bool = False


def pagination_links(page, query) -> dict:
    """What the pagination template shows: each page's link, and the previous and next ones."""
    if not page or not page.has_other_pages():
        return {"links": [], "previous": "", "next": ""}
    rest = urlencode([(name, value) for name, values in query.lists() if name != "page" for value in values])
    start = f"?{rest}&page=" if rest else "?page="
    current, ellipsis = page.number, page.paginator.ELLIPSIS
    links = [
        PageLink(None) if number == ellipsis else PageLink(number, f"{start}{number}", number == current)
        for number in page.paginator.get_elided_page_range(current, on_each_side=2, on_ends=1)
    ]
    return {
        "links": links,
        "previous": f"{start}{current - 1}" if page.has_previous() else "",
        "next": f"{start}{current + 1}" if page.has_next() else "",
    }


@register.simple_tag
def select_options(choices, selected) -> str:
    """`<option>`s for a long, fixed list of (value, label) choices with `selected` chosen
    (jinja2/includes/select_options.html).

    Usage: <select name="state" ...>{% select_options state_choices state_chosen %}</select>
    """
    return keeper("includes/select_options.html", "menu_options")(tuple(choices), selected)


_radius_options: dict[tuple, str] = {}


@register.simple_tag
def radius_options(choices, selected) -> str:
    """A finder's distance menu as `<option>`s ("Within 25 miles"), the chosen one selected; made
    once per language and choice (every search page shows it).

    Usage: <select ...>{% radius_options field.field.choices radius %}</select>
    """
    key = (get_language(), str(selected), *(value for value, _label in choices))
    html = _radius_options.get(key)
    if html is None:
        within = gettext("Within %(label)s")  # outside the f-string, where makemessages sees it
        html = _radius_options[key] = "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == str(selected) else ""}>'
            f'{escape(within % {"label": label})}</option>'
            for value, label in choices
        )
    return mark_safe(html)  # every value escaped above


@register.simple_tag(takes_context=True)
def place_fields(context, placeholder: str, radius_label: str, hint: str = "") -> str:
    """The place and distance fields of a finder (one for the treatment search and the meeting finder).

    Reads the finder's `form` (its `near` and `radius` fields) and `radius` (the distance in use)
    from the context. A place that could not be found is explained here; the places it may mean are
    offered first on the page (includes/place_unknown.html). Built here rather than in a
    template: on every search page, its variables and translations cost as much as a query.

    Usage: {% place_fields _("e.g. 22901 or Columbus, OH") _("How far can you travel?") %}
    """
    form = context["form"]
    near, radius = form["near"], form["radius"]
    errors = near.errors
    name = near.html_name
    described = ([f"{name}-hint"] if hint else []) + ([f"{name}-error"] if errors else [])
    value = near.value()
    parts = [
        '\n    <div class="field field-near">',
        f'\n      <label for="{escape(near.id_for_label)}">{escape(near.label)}</label>',
        f'\n      <input type="text" name="{escape(name)}" id="{escape(near.id_for_label)}"'
        f' value="{escape("" if value is None else value)}" maxlength="{escape(near.field.max_length)}"'
        f' autocomplete="postal-code" inputmode="text" placeholder="{escape(placeholder)}"'
        + (f' aria-describedby="{escape(" ".join(described))}"' if described else "")
        + (' aria-invalid="true"' if errors else "") + ">",
    ]
    if hint:
        parts.append(f'\n      <p class="hint" id="{escape(name)}-hint">{escape(hint)}</p>')
    parts.append(_location_button(get_language()))
    if errors:
        messages = "".join(f"<p>{escape(error)}</p>" for error in errors)
        parts.append(f'\n      <div id="{escape(name)}-error" class="field-error">{messages}\n      </div>')
    parts += [
        "\n    </div>",
        '\n    <div class="field field-radius">',
        f'\n      <label for="{escape(radius.id_for_label)}">{escape(radius_label or radius.label)}</label>',
        f'\n      <select name="{escape(radius.html_name)}" id="{escape(radius.id_for_label)}">',
        f"\n        {radius_options(radius.field.choices, context.get('radius'))}",
        "\n      </select>",
        "\n    </div>",
    ]
    return mark_safe("".join(parts))  # every value escaped above; radius_options is HTML


@lru_cache(maxsize=8)
def _location_button(language: str | None) -> str:
    """The "Use my location" button (portal.js shows it where the browser can) and its status line."""
    # The messages outside the f-strings, where makemessages sees them.
    use, finding = gettext("Use my location"), gettext("Finding your location…")
    found = gettext("Location found. Press Search to see what is near you.")
    failed = gettext("We could not get your location. Type a ZIP code or city instead.")
    return (
        '\n      <button type="button" class="secondary" data-use-location hidden>'
        f'{escape(use)}</button>'
        f'\n      <p class="hint" data-location-status aria-live="polite"'
        f' data-finding="{escape(finding)}" data-found="{escape(found)}" data-failed="{escape(failed)}"></p>'
    )
