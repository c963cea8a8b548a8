"""The search form's long lists (the services of every category, the states) as HTML built from
cached, pre-escaped pieces.

A search page has about 70 service checkboxes and 56 states; through template loops they cost
several milliseconds per request, more than the search's SQL. The pieces that never change (names,
codes, markup) are escaped once per taxonomy and language; a request only adds the ticks and counts.
"""
from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

_cache: dict[str, tuple] = {}


def localized_name(obj) -> str:
    """The Spanish name on Spanish pages when there is one, else the name."""
    spanish = getattr(obj, "name_es", "")
    return spanish if spanish and (get_language() or "").startswith("es") else obj.name


def _facet_pieces(categories) -> list[tuple]:
    language = get_language()
    cached = _cache.get("facets")
    if cached is not None and cached[0] is categories and cached[1] == language:
        return cached[2]
    pieces = []
    for entry in categories:
        param = escape(entry.category.param)
        options = [
            (term.pk, term.code,
             f'<li><label><input type="checkbox" name="{param}" value="{escape(term.code)}"',
             f"> {escape(localized_name(term))}")
            for term in entry.terms
        ]
        pieces.append((entry.category.param, escape(localized_name(entry.category)), options))
    _cache["facets"] = (categories, language, pieces)
    return pieces


def facet_fieldsets(categories, chosen: dict[str, set[str]], counts: dict[int, int] | None) -> SafeString:
    """One fieldset of checkboxes per category: ticked as chosen, each with how many programs
    ticking it would leave (when counted)."""
    programs = escape(gettext("programs"))
    chosen_label = escape(gettext("chosen"))
    out = []
    for param, name, options in _facet_pieces(categories):
        ticked = chosen.get(param, set())
        legend = f' <span class="chosen">({len(ticked)} {chosen_label})</span>' if ticked else ""
        out.append(f'<fieldset class="choices">\n<legend>{name}{legend}</legend>\n<ul>')
        for pk, code, head, tail in options:
            count = "" if counts is None else (
                f' <span class="count">({counts.get(pk, 0)}<span class="visually-hidden"> {programs}</span>)</span>'
            )
            out.append(f"{head}{' checked' if code in ticked else ''}{tail}{count}</label></li>")
        out.append("</ul>\n</fieldset>")
    # Every piece was escaped above; the markup itself is this module's own.
    return mark_safe("\n".join(out))


def select_options(choices, selected: str | None, cache_key: str) -> SafeString:
    """`<option>`s for a long, fixed list of (value, label) choices, with one selected."""
    language = get_language()
    cached = _cache.get(cache_key)
    if cached is None or cached[0] is not choices or cached[1] != language:
        rendered = [(str(value), f'<option value="{escape(value)}"', f">{escape(label)}</option>")
                    for value, label in choices if value]
        cached = (choices, language, rendered)
        _cache[cache_key] = cached
    selected = "" if selected is None else str(selected)
    return mark_safe("".join(
        f"{head}{' selected' if value == selected else ''}{tail}" for value, head, tail in cached[2]
    ))
