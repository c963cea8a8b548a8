"""Template helpers shared by every app."""
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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
    """Turn a displayed phone number into a tel: link target (digits and a leading +)."""
    digits = "".join(ch for ch in str(number) if ch.isdigit())
    if len(digits) == 10:
        digits = "1" + digits
    return f"tel:+{digits}" if len(digits) == 11 else f"tel:{digits}"


@register.filter
def miles(value) -> str:
    """Format a distance: one decimal below ten miles, whole miles above."""
    if value is None:
        return ""
    value = float(value)
    if value < 0.1:
        return gettext("less than %(distance)s mi") % {"distance": number_format(0.1, 1)}
    places = 1 if value < 10 else 0
    # number_format cuts extra decimals off; round first so 3.46 reads 3.5.
    return gettext("%(distance)s mi") % {"distance": number_format(round(value, places), places)}
