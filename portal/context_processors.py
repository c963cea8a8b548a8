"""Values every public template needs: the portal's name and the crisis lines.

The crisis lines are written here and nowhere else: templates show them from `crisis_lines` (all of
them, in order) or `crisis.lifeline`, `crisis.helpline`, `crisis.emergency` (one, with its `tel`
and `display`), usually through includes/tel.html.
"""
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.i18n import is_spanish, language_versions, prefers_spanish

CRISIS_LINES = (
    {
        "key": "lifeline",
        # Shown after its number: "988 Suicide & Crisis Lifeline", the Lifeline's full name.
        "name": _("Suicide & Crisis Lifeline"),
        "display": "988",
        "tel": "988",
        "sms": "988",
        "note": _("Call or text, 24/7"),
    },
    {
        "key": "helpline",
        "name": _("SAMHSA National Helpline"),
        "display": "1-800-662-4357",
        "tel": "+18006624357",
        "note": _("Free, confidential treatment referral, 24/7, English and Spanish"),
    },
    {
        "key": "emergency",
        "name": _("Emergency"),
        "display": "911",
        "tel": "911",
        "note": _("If someone may be overdosing"),
    },
)
CRISIS = {line["key"]: line for line in CRISIS_LINES}


def portal(request):
    """Add portal-wide settings and the public crisis lines to the template context."""
    return {
        "portal_name": settings.PORTAL_NAME_ES if is_spanish() else settings.PORTAL_NAME,
        "portal_region": settings.PORTAL_REGION,
        "portal_demo": settings.PORTAL_DEMO,
        "quick_exit_url": settings.PORTAL_QUICK_EXIT_URL,
        "crisis_lines": CRISIS_LINES,
        "crisis": CRISIS,
    }


def languages(request):
    """This page in English and Spanish (switch link, hreflang), and whether to offer Spanish."""
    versions = language_versions(request)
    other = [version for version in versions if not version.current]
    default = next(version for version in versions if version.code == settings.LANGUAGE_CODE)
    return {
        "language_versions": versions,
        "other_language": other[0] if other else None,
        # English is the default for visitors whose language is neither (when this page has an English twin).
        "x_default_url": default.absolute_url if default.alternate else "",
        "offer_spanish": translation.get_language() == "en" and prefers_spanish(request),
    }
