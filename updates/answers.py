"""What a program's answer through its link does: confirm the listing, publish availability, or
propose changes for staff to review."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.admin.models import CHANGE
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from directory.models import Program
from directory.signals import listings_changed
from portal.admin_tools import record_history
from updates import facts, links
from updates.models import Proposal, UpdateLink

PROGRAM_USERNAME = "program-update-link"


def program_account():
    """The inactive account a program's own changes are recorded under in the admin history."""
    account, created = get_user_model().objects.get_or_create(
        username=PROGRAM_USERNAME,
        defaults={"is_active": False, "first_name": "The program", "last_name": "(update link)"},
    )
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    return account


def answers_limited(*, link: UpdateLink, visitor_key: str) -> str | None:
    """Why another answer cannot be taken now ("link" or "address"), or None."""
    now = links.current_time()
    if Proposal.objects.filter(link=link).since(now - datetime.timedelta(days=1)).count() \
            >= settings.PORTAL_PROVIDER_ANSWERS_PER_LINK_PER_DAY:
        return "link"
    if Proposal.objects.filter(visitor_key=visitor_key).since(now - datetime.timedelta(hours=1)).count() \
            >= settings.PORTAL_PROVIDER_ANSWERS_PER_ADDRESS_PER_HOUR:
        return "address"
    return None


@dataclass
class Answer:
    proposal: Proposal
    published: dict[str, Any] = field(default_factory=dict)
    waiting: dict[str, Any] = field(default_factory=dict)


def confirm(*, link: UpdateLink, visitor_key: str, language: str) -> Proposal:
    """"Nothing has changed": the listing counts as verified today, confirmed by the program."""
    now = links.current_time()
    today = timezone.localdate(now)
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=link.program_id)
        Program.objects.filter(pk=program.pk).update(last_verified=today, confirmed_by_program=today)
        answer = Proposal.objects.create(program=program, link=link, created=now, status=Proposal.Status.CONFIRMED,
                                         visitor_key=visitor_key, language=language)
        UpdateLink.objects.filter(pk=link.pk).update(answered_at=now)
        message = f"Confirmed by the program through its link on {today:%Y-%m-%d}: nothing has changed. Marked verified."
        record_history([(program, CHANGE, message)], user=program_account())
        listings_changed.send(sender=Program)
    return answer


def answer(*, link: UpdateLink, proposed: dict[str, Any], note: str, visitor_key: str, language: str) -> Answer:
    """Take what the program sent: availability is published at once (PORTAL_PROVIDER_AVAILABILITY_AT_ONCE),
    everything else becomes a proposal that waits for staff and replaces any still waiting."""
    now = links.current_time()
    today = timezone.localdate(now)
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=link.program_id)
        changes = facts.differences(facts.current(program), proposed)
        published = {}
        if settings.PORTAL_PROVIDER_AVAILABILITY_AT_ONCE:
            published = {key: change for key, change in changes.items() if key in facts.AVAILABILITY}
        waiting = {key: change for key, change in changes.items() if key not in published}
        if published:
            values = {key: change["new"] for key, change in published.items()}
            if "beds_available" in values:
                values["beds_updated"] = today if values["beds_available"] is not None else None
            Program.objects.filter(pk=program.pk).update(**values, updated=now)
            described = "; ".join(
                f"{facts.LABELS[key]}: {facts.describe(key, change['old'])} → {facts.describe(key, change['new'])}"
                for key, change in published.items()
            )
            message = (f"Set by the program through its link on {today:%Y-%m-%d} "
                       f"(availability, published at once): {described}.")
            record_history([(program, CHANGE, message)], user=program_account())
            listings_changed.send(sender=Program)
        status = Proposal.Status.PENDING if (waiting or note) else Proposal.Status.PUBLISHED
        proposal = Proposal.objects.create(
            program=program, link=link, created=now, status=status, changes=waiting, published=published,
            note=note, visitor_key=visitor_key, language=language,
        )
        if status == Proposal.Status.PENDING:
            Proposal.objects.pending().filter(program=program).exclude(pk=proposal.pk).update(
                status=Proposal.Status.SUPERSEDED, superseded_by=proposal
            )
        UpdateLink.objects.filter(pk=link.pk).update(answered_at=now)
    return Answer(proposal, published, waiting)
