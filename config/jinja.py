"""The Jinja2 environment of the lists pages repeat (jinja2/): result cards, the form's service
checkboxes, the map, meeting cards and pagination links.

Jinja2 compiles a template to Python; Django's template language walks a node for every variable and
tag at render time. Thirty result cards, every one rendered, cost 7.6 ms in Django's templates and
2.4 ms in Jinja2 before either was tuned (bench/cards_bench.py prints what the Jinja2 lists cost
now). The pages themselves stay Django templates; they place a list with a template tag
(`{% program_cards %}`, `{% facet_fieldsets %}`, `{% results_map %}`, `{% meeting_list %}`,
`{% pagination %}`), which renders it here, with nothing cached.

The same filters as the Django templates, the same gettext (templates write `_("...")`, which
`makemessages` collects from jinja2/ with Jinja2's extractor, and `|format(name=value)` for a value
in the sentence; a sentence that needs a plural is made in Python), autoescaping on.
"""
from __future__ import annotations

from functools import partial

from django.templatetags.static import static
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment

from directory.cards import availability_text, listed_services
from meetings.templatetags import meetings_tags
from portal.fragments import kept
from portal.i18n import formatted_date
from portal.templatetags import portal_tags


class ListsEnvironment(Environment):
    """Jinja2's environment with each template's globals as a plain dictionary: the documented default
    (a ChainMap over the environment's globals, so that globals added later still show) is copied key
    by key in Python for every render, a fifth of what a short list costs. Every global is set in
    environment() below, before any template loads."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def environment(**options) -> Environment:
    env = ListsEnvironment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(get_language=get_language, static=static, kept=partial(kept, reloading=env.auto_reload))
    env.filters.update({
        "date": formatted_date,
        "availability_text": availability_text,
        "listed_services": listed_services,
        "tel_href": portal_tags.tel_href,
        "phone_number": portal_tags.phone_number,
        "miles_away": portal_tags.miles_away,
        "about_miles_away": portal_tags.about_miles_away,
        "clock": meetings_tags.clock,
        "describe_days": meetings_tags.describe_days,
        "zone_name": meetings_tags.zone_name,
    })
    return env

