"""The Jinja2 environment of the result lists (jinja2/): the templates a results page repeats for every
card and checkbox.

A page of twenty result cards, the statewide telehealth cards and some seventy service checkboxes
renders about five times faster in Jinja2, which compiles a template to Python, than in Django's
template language, whose every variable and tag is a node walked at render time
(bench/cards_bench.py prints both). The pages themselves stay Django templates; they place a list
with a template tag (`{% program_cards %}`, `{% facet_fieldsets %}`, `{% meeting_list %}`), which
renders it here.

The same filters as the Django templates, the same gettext (templates write `_("...")`, which
`makemessages` collects from jinja2/ as from any template, and `|format(name=value)` for a value
in the sentence), autoescaping on.
"""
from __future__ import annotations

from functools import lru_cache

from django.template import defaultfilters
from django.templatetags.static import static
from django.utils.translation import get_language, gettext, ngettext

from jinja2 import Environment
from meetings.templatetags import meetings_tags
from portal.templatetags import portal_tags


def date(value, format_name: str | None = None, language: str | None = None) -> str:
    """Django's `date` filter, kept per date, format and language (a page repeats the same few dates);
    a result list may pass the language it is rendered in (`language`), not look it up for each date."""
    return _date(value, format_name, language or get_language()) if value else ""


@lru_cache(maxsize=4096)
def _date(value, format_name: str | None, language: str | None) -> str:
    return defaultfilters.date(value, format_name)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(get_language=get_language, static=static)
    env.filters.update({
        "date": date,
        "tel_href": portal_tags.tel_href,
        "phone_number": portal_tags.phone_number,
        "miles_away": portal_tags.miles_away,
        "about_miles_away": portal_tags.about_miles_away,
        "clock": meetings_tags.clock,
        "describe_days": meetings_tags.describe_days,
        "zone_name": meetings_tags.zone_name,
    })
    return env
