"""Rendering the result lists of jinja2/ (config/jinja.py) for the Django pages that place them."""
from __future__ import annotations

from django.template import engines
from django.utils.safestring import SafeString, mark_safe


def render_list(template_name: str, context: dict) -> SafeString:
    """A jinja2/ template rendered with `context`, ready to place in a Django template (Jinja2
    escaped every value it printed)."""
    return mark_safe(engines["jinja2"].get_template(template_name).render(context))


def macro(template_name: str, name: str):
    """A macro of a jinja2/ template, to call from Python (a template tag showing one piece). The
    template is run afresh, so that what it translates is in the page's language."""
    return getattr(engines["jinja2"].env.get_template(template_name).make_module(), name)
