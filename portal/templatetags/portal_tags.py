"""Template helpers shared by every app."""
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from phones import numbers as phones

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
def miles(value) -> str:
    """Format a distance: one decimal below ten miles, whole miles above."""
    if value is None:
        return ""
    value = float(value)
    if value < 0.1:
        return "less than 0.1 mi"
    return f"{value:.1f} mi" if value < 10 else f"{value:.0f} mi"
