"""Rendering the result lists of jinja2/ (config/jinja.py) for the Django pages that place them, and
keeping the pieces of a list that repeat from page to page."""
from __future__ import annotations

from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from markupsafe import Markup

# Rendered pieces kept per process (see kept). When this many are held they are all let go and made
# again as pages ask for them: a piece is a few hundred bytes, so the bound holds a few megabytes.
KEPT_MOST = 5000
_kept: dict[tuple, Markup] = {}


def render_list(template_name: str, context: dict) -> SafeString:
    """A jinja2/ template rendered with `context`, ready to place in a Django template (Jinja2
    escaped every value it printed). The template also gets `language`, the page's (read once)."""
    return mark_safe(engines["jinja2"].get_template(template_name).render({"language": get_language(), **context}))


# Each jinja2/ template's module (its macros, and the labels it translates once) per language.
_modules: dict[tuple[str, str | None], object] = {}


def macro(template_name: str, name: str):
    """A macro of a jinja2/ template, to call from Python (a template tag showing one piece), from the
    template's module in the page's language (made once per language, or afresh while templates
    reload). The module is given `language`, as render_list gives every list."""
    env = engines["jinja2"].env
    language = get_language()
    key = (template_name, language)
    module = None if env.auto_reload else _modules.get(key)
    if module is None:
        module = env.get_template(template_name).make_module({"language": language})
        if not env.auto_reload:
            _modules[key] = module
    return getattr(module, name)


def keeper(template_name: str, name: str):
    """`kept` for one macro of a jinja2/ template, as a template tag uses it for each piece it shows
    (a card's listing part, a fieldset, a menu): a function of the macro's values, in the page's
    language (read once), keeping nothing while templates reload. A loop in a tag costs less than one
    in a template, where each call costs several more."""
    piece, language, reloading = macro(template_name, name), get_language(), engines["jinja2"].env.auto_reload
    return lambda *values: kept(piece, *values, language=language, reloading=reloading)


def kept(piece, *values, language: str | None = None, reloading: bool = False) -> Markup:
    """`piece(*values)`, a macro of a jinja2/ template, rendered once per process for the same values
    in the same language and then reused: a fragment cache keyed on everything the piece shows.

    A macro sees only its arguments (and the template's translated labels), so an edit, an import or
    a new day that changes what it shows changes its key: there is nothing to clear. Templates
    call it as `{{ kept(listing, program.listing, language=language) }}` for what many pages show
    alike, such as a listing's part of its result card; the values must be hashable (strings,
    numbers, dates, tuples). `language` is the page's (render_list gives every list its own), else
    the active one. Macro names given to kept are unique across jinja2/ (a test checks). Nothing is
    kept while templates reload (`reloading`: development), so that an edited template shows at once.
    (A function taking Jinja2's context would cost more than it saves: called inside a loop, Jinja2
    derives a new context for every call.)
    """
    if reloading:
        return piece(*values)
    key = (piece.name, language or get_language(), values)
    html = _kept.get(key)
    if html is None:
        html = piece(*values)
        if len(_kept) >= KEPT_MOST:
            _kept.clear()
        _kept[key] = html
    return html
