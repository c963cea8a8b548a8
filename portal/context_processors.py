"""Values every public template needs: the portal's name and the crisis lines.

The crisis lines are written here and nowhere else: templates show them from `crisis_lines` (all of
them, in order) or `crisis.lifeline`, `crisis.helpline`, `crisis.emergency` (one, with its `tel`
and `display`), usually through includes/tel.html.
"""
from django.conf import settings

CRISIS_LINES = (
    {
        "key": "lifeline",
        # Shown after its number: "988 Suicide & Crisis Lifeline", the Lifeline's full name.
        "name": "Suicide & Crisis Lifeline",
        "display": "988",
        "tel": "988",
        "sms": "988",
        "note": "Call or text, 24/7",
    },
    {
        "key": "helpline",
        "name": "SAMHSA National Helpline",
        "display": "1-800-662-4357",
        "tel": "+18006624357",
        "note": "Free, confidential treatment referral, 24/7, English and Spanish",
    },
    {
        "key": "emergency",
        "name": "Emergency",
        "display": "911",
        "tel": "911",
        "note": "If someone may be overdosing",
    },
)
CRISIS = {line["key"]: line for line in CRISIS_LINES}


def portal(request):
    """Add portal-wide settings and the public crisis lines to the template context."""
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_region": settings.PORTAL_REGION,
        "portal_demo": settings.PORTAL_DEMO,
        "quick_exit_url": settings.PORTAL_QUICK_EXIT_URL,
        "crisis_lines": CRISIS_LINES,
        "crisis": CRISIS,
    }
