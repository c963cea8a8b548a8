"""Links that let a program correct its own listing, and what programs send back through them."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from directory.models import Program


class UpdateLinkQuerySet(models.QuerySet):
    def emailed(self):
        """Links sent by email (not the ones staff printed to paste into their own message)."""
        return self.exclude(kind=UpdateLink.Kind.PRINTED)

    def since(self, moment):
        return self.filter(sent_at__gte=moment)


class UpdateLink(models.Model):
    """One signed update link given to a program: when and how it went out, and what became of it."""

    class Kind(models.TextChoices):
        PRINTED = "printed", "Printed for staff (manage.py provider_link)"
        SENT = "sent", "Sent by staff from the admin"
        REMINDER = "reminder", "Verification reminder"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="update_links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(db_index=True)
    sent_to = models.EmailField(blank=True, help_text="The address it was emailed to (empty when printed).")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    expires_at = models.DateTimeField()
    version = models.CharField(max_length=16, help_text="The listing's version the link was made for.")
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = UpdateLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["program", "-sent_at"], name="updatelink_program_sent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.program} on {self.sent_at:%Y-%m-%d}"


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Proposal.Status.PENDING)

    def proposals(self):
        """Answers that asked staff for changes (not confirmations, nor availability alone)."""
        return self.filter(status__in=Proposal.REVIEWED_STATUSES)

    def since(self, moment):
        return self.filter(created__gte=moment)


class Proposal(models.Model):
    """What a program sent through its link: a confirmation, availability published at once, or
    changes that wait for staff (each field with its value then and the value proposed)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        PARTLY_APPROVED = "partly", "Partly approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Replaced by a newer proposal"
        CONFIRMED = "confirmed", "Confirmed: nothing has changed"
        PUBLISHED = "published", "Availability published at once"

    REVIEWED_STATUSES = ("pending", "approved", "partly", "rejected", "superseded")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="proposals")
    link = models.ForeignKey(UpdateLink, on_delete=models.CASCADE, related_name="proposals")
    created = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    changes = models.JSONField(default=dict, blank=True,
                               help_text="Each proposed field: its value when proposed and the new value.")
    published = models.JSONField(default=dict, blank=True, help_text="Availability published at once.")
    note = models.TextField("note to staff", blank=True, max_length=2000)
    language = models.CharField(max_length=2, default="en")
    visitor_key = models.CharField(
        max_length=64, editable=False, db_index=True,
        help_text="A keyed hash that changes daily, used only to limit repeated answers; not an address.",
    )
    decisions = models.JSONField(default=dict, blank=True, help_text="Each field: approved or rejected.")
    reason = models.TextField("reason for rejecting", blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="replaced")

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "proposed change"

    def __str__(self) -> str:
        return f"{self.program} on {self.created:%Y-%m-%d}"
