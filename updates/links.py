"""Signed update links: made for one program at one version of its listing, for a limited time.

The token is `django.core.signing.dumps` of the link's id, the program's id, the listing's version
and the expiry day, under this module's salt: changing any character breaks the signature. A link
stops working when it expires (PORTAL_PROVIDER_LINK_DAYS), when the listing's facts changed since it
was made (so it cannot undo a newer change), or when a newer link was made for the program.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import Program
from updates import facts
from updates.models import UpdateLink

SALT = "updates.links"


def current_time() -> datetime.datetime:
    """Now (a separate function so that tests can fix the clock)."""
    return timezone.now()


class LinkProblem:
    BROKEN = "broken"  # not a link this portal signed (mistyped, cut short, tampered with)
    EXPIRED = "expired"
    CHANGED = "changed"  # the listing changed since the link was made
    SUPERSEDED = "superseded"  # a newer link was made for the program


@dataclass
class LinkCheck:
    link: UpdateLink | None
    program: Program | None
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


def issue(program: Program, *, kind: str, sent_to: str = "", sent_by=None) -> tuple[UpdateLink, str]:
    """Record a new link for the program and return it with its token."""
    now = current_time()
    link = UpdateLink.objects.create(
        program=program, kind=kind, sent_at=now, sent_to=sent_to,
        sent_by=sent_by if getattr(sent_by, "pk", None) else None,
        expires_at=now + datetime.timedelta(days=settings.PORTAL_PROVIDER_LINK_DAYS),
        version=facts.version(program),
    )
    return link, token_for(link)


def token_for(link: UpdateLink) -> str:
    payload = {"l": link.pk, "p": link.program_id, "v": link.version, "e": int(link.expires_at.timestamp())}
    return signing.dumps(payload, salt=SALT, compress=True)


def url_for(token: str, *, language: str = "en", base_url: str | None = None) -> str:
    """The link's absolute address, in the program's language."""
    with translation.override(language):
        path = reverse("updates:update", kwargs={"token": token})
    return (base_url or settings.PORTAL_BASE_URL).rstrip("/") + path


def check(token: str) -> LinkCheck:
    """Read a token: the link and program it names, and why it cannot be used, if it cannot."""
    try:
        payload = signing.loads(token, salt=SALT)
        link_id, program_id, version, expires = (payload["l"], payload["p"], payload["v"], payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return LinkCheck(None, None, LinkProblem.BROKEN)
    link = UpdateLink.objects.select_related("program").filter(pk=link_id, program_id=program_id).first()
    if link is None:
        return LinkCheck(None, None, LinkProblem.BROKEN)
    program = link.program
    if current_time().timestamp() >= expires or current_time() >= link.expires_at:
        return LinkCheck(link, program, LinkProblem.EXPIRED)
    if UpdateLink.objects.filter(program=program, pk__gt=link.pk).exists():
        return LinkCheck(link, program, LinkProblem.SUPERSEDED)
    if program.status == Program.Status.CLOSED or facts.version(program) != version or link.version != version:
        return LinkCheck(link, program, LinkProblem.CHANGED)
    return LinkCheck(link, program)


def state(link: UpdateLink | None, now: datetime.datetime | None = None) -> str:
    """A link's state in the staff queues: answered, opened, sent (or printed), expired, or none."""
    if link is None:
        return "none"
    now = now or current_time()
    if link.answered_at:
        return "answered"
    if now >= link.expires_at:
        return "expired"
    if link.opened_at:
        return "opened"
    return "printed" if link.kind == UpdateLink.Kind.PRINTED else "sent"
