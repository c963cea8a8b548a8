"""Plain, short emails to programs, in the language each program chose, with nothing to track them."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from directory.models import Program
from updates import links
from updates.models import Proposal, UpdateLink


def language_of(program: Program) -> str:
    """The language the program chose for emails (English when none)."""
    return program.contact_language if program.contact_language in ("en", "es") else "en"


def _send(*, to: str, template: str, context: dict, language: str, connection=None) -> None:
    with translation.override(language):
        subject = " ".join(render_to_string(f"updates/email/{template}_subject.txt", context).split())
        body = render_to_string(f"updates/email/{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                           reply_to=[settings.PORTAL_STAFF_EMAIL], connection=connection)
    message.send()


def send_link(program: Program, *, kind: str, sent_by=None, connection=None) -> UpdateLink:
    """Make a new link for the program and email it to its contact address (the caller holds a
    transaction, so a message that cannot be sent leaves no link recorded)."""
    link, token = links.issue(program, kind=kind, sent_to=program.contact_email, sent_by=sent_by)
    language = language_of(program)
    context = {
        "program": program, "url": links.url_for(token, language=language),
        "expires": timezone.localdate(link.expires_at), "reminder": kind == UpdateLink.Kind.REMINDER,
        "portal_name": settings.PORTAL_NAME_ES if language == "es" else settings.PORTAL_NAME,
        "staff_email": settings.PORTAL_STAFF_EMAIL,
    }
    _send(to=program.contact_email, template="update_link", context=context, language=language,
          connection=connection)
    return link


def send_rejection(proposal: Proposal) -> bool:
    """Tell the program why staff did not accept its changes; False when it has no contact address."""
    program = proposal.program
    if not program.contact_email:
        return False
    language = language_of(program)
    context = {
        "program": program, "proposal": proposal, "reason": proposal.reason,
        "portal_name": settings.PORTAL_NAME_ES if language == "es" else settings.PORTAL_NAME,
        "staff_email": settings.PORTAL_STAFF_EMAIL,
    }
    _send(to=program.contact_email, template="rejected", context=context, language=language)
    return True
