"""Staff pages for programs' updates: the review queue of proposals, the links sent, the "Send
update links" action on programs, and the verification queue with each program's link and proposals.

`directory` cannot import this app (layers point down), so the action and the richer queue are
attached here to the admin classes `directory.admin` registered.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from directory.admin import ListingToVerifyAdmin, ProgramAdmin
from directory.models import ListingToVerify
from portal.admin_tools import log_changes
from updates import emails, facts, links, review
from updates.models import Proposal, UpdateLink


@admin.action(description="Send update links")
def send_update_links(modeladmin, request, queryset):
    """Email each selected program a new update link at its contact address."""
    sent, skipped, failed = [], [], []
    for program in queryset.order_by("name"):
        if not program.contact_email:
            skipped.append(program.name)
            continue
        try:
            with transaction.atomic():
                emails.send_link(program, kind=UpdateLink.Kind.SENT, sent_by=request.user)
        except OSError as error:  # smtplib errors are OSErrors: nothing recorded for this program
            failed.append(f"{program.name} ({error.__class__.__name__})")
            continue
        sent.append(program)
    if sent:
        log_changes(request, sent, "Sent an update link to the program's contact address.")
        modeladmin.message_user(request, f"Sent update links to {len(sent)} program(s).", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(request, "No contact email, so no link sent: " + ", ".join(skipped) + ".",
                                messages.WARNING)
    if failed:
        modeladmin.message_user(request, "The mail server refused or could not be reached, nothing sent: "
                                + ", ".join(failed) + ".", messages.ERROR)


ProgramAdmin.actions = [*ProgramAdmin.actions, send_update_links]


def _latest_link(field: str):
    return Subquery(UpdateLink.objects.filter(program=OuterRef("pk")).order_by("-pk").values(field)[:1])


class ListingToVerifyWithLinksAdmin(ListingToVerifyAdmin):
    """The verification queue with each program's last contact, the state of its newest link and its
    pending proposals; most overdue (never verified, then oldest) first."""

    list_display = ["name", "city", "state", "phone", "verified_age", "last_contact", "link_state",
                    "pending_proposals", "edit_link"]
    actions = [*ListingToVerifyAdmin.actions, send_update_links]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            link_kind=_latest_link("kind"), link_sent=_latest_link("sent_at"), link_opened=_latest_link("opened_at"),
            link_answered=_latest_link("answered_at"), link_expires=_latest_link("expires_at"),
            pending_count=Count("proposals", filter=Q(proposals__status=Proposal.Status.PENDING), distinct=True),
        )

    @admin.display(description="Last contact")
    def last_contact(self, program):
        moments = [(program.last_verified, "verified")]
        if program.link_sent:
            moments.append((timezone.localdate(program.link_sent), "link sent"))
        if program.link_answered:
            moments.append((timezone.localdate(program.link_answered), "answered"))
        day, what = max(((day, what) for day, what in moments if day), default=(None, ""))
        return f"{day:%Y-%m-%d} ({what})" if day else "never"

    @admin.display(description="Link")
    def link_state(self, program):
        if not program.link_sent:
            return "none"
        link = UpdateLink(kind=program.link_kind, sent_at=program.link_sent, opened_at=program.link_opened,
                          answered_at=program.link_answered, expires_at=program.link_expires)
        return f"{links.state(link)} ({timezone.localdate(program.link_sent):%Y-%m-%d})"

    @admin.display(description="Pending proposals", ordering="pending_count")
    def pending_proposals(self, program):
        if not program.pending_count:
            return ""
        url = reverse("admin:updates_proposal_changelist") + f"?status=pending&program__id__exact={program.pk}"
        return format_html('<a href="{}">{}</a>', url, program.pending_count)


admin.site.unregister(ListingToVerify)
admin.site.register(ListingToVerify, ListingToVerifyWithLinksAdmin)


@admin.register(UpdateLink)
class UpdateLinkAdmin(admin.ModelAdmin):
    """What was sent to whom and what became of it (read only; the token itself is never stored)."""

    list_display = ["program", "kind", "sent_at", "sent_to", "sent_by", "opened_at", "answered_at", "expires_at"]
    list_filter = ["kind"]
    list_select_related = ["program", "sent_by"]
    search_fields = ["program__name", "sent_to"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """The queue of changes programs proposed: waiting ones first, each reviewed field by field."""

    list_display = ["program", "created", "status", "fields_proposed", "has_note"]
    list_filter = ["status"]
    list_select_related = ["program"]
    search_fields = ["program__name", "note"]
    date_hierarchy = "created"

    def get_queryset(self, request):
        waiting_first = Case(When(status=Proposal.Status.PENDING, then=Value(0)), default=Value(1),
                             output_field=IntegerField())
        return super().get_queryset(request).proposals().annotate(waiting_first=waiting_first).order_by(
            "waiting_first", "-created")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("directory.change_program") and super().has_change_permission(request, obj)

    @admin.display(description="Fields")
    def fields_proposed(self, proposal):
        return ", ".join(facts.label(key) for key in proposal.changes) or "(note only)"

    @admin.display(description="Note", boolean=True)
    def has_note(self, proposal):
        return bool(proposal.note)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page: each field old beside new, approve all, approve some, or reject."""
        proposal = get_object_or_404(Proposal.objects.select_related("program", "superseded_by", "reviewed_by"),
                                     pk=object_id)
        if not self.has_view_or_change_permission(request, proposal):
            return HttpResponseRedirect(reverse("admin:index"))
        can_decide = self.has_change_permission(request, proposal) and proposal.status == Proposal.Status.PENDING
        errors = []
        if request.method == "POST" and can_decide:
            try:
                if "_reject" in request.POST:
                    review.reject(request=request, proposal=proposal, reason=request.POST.get("reason", ""))
                    told = False
                    if request.POST.get("tell_program"):
                        proposal.refresh_from_db()
                        try:
                            told = emails.send_rejection(proposal)
                        except OSError:
                            self.message_user(request, "The reason could not be emailed: the mail server "
                                              "refused or could not be reached.", messages.ERROR)
                    self.message_user(request, "Rejected the proposal" + (" and emailed the reason to the program."
                                                                          if told else "."), messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:updates_proposal_changelist"))
                keys = list(proposal.changes) if "_approve_all" in request.POST else request.POST.getlist("approve")
                if "_approve_all" in request.POST:
                    keys = [key for key in keys if key not in review.stale_keys(proposal, proposal.program)]
                done = review.approve(request=request, proposal=proposal, keys=keys,
                                      opened=request.POST.get("opened_version", ""))
                self.message_user(request, f"{done.get_status_display()}: the listing of {done.program} is updated.",
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:updates_proposal_changelist"))
            except review.ReviewRefused as refused:
                errors = refused.messages
        program = proposal.program
        now = facts.current(program)
        stale = set(review.stale_keys(proposal, program))
        rows = [{
            "key": key, "label": facts.label(key), "old": facts.describe(key, change["old"]),
            "now": facts.describe(key, now.get(key)), "new": facts.describe(key, change["new"]),
            "changed_since": key in stale, "decision": proposal.decisions.get(key, ""),
        } for key, change in proposal.changes.items()]
        published = [{"label": facts.label(key), "old": facts.describe(key, change["old"]),
                      "new": facts.describe(key, change["new"])} for key, change in proposal.published.items()]
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": f"Proposed changes to {program}",
            "proposal": proposal, "program": program, "rows": rows, "published": published, "errors": errors,
            "can_decide": can_decide, "opened_version": review.opened_version(request, program) if can_decide else "",
            "replaces": proposal.replaced.all(), "has_email": bool(program.contact_email),
        }
        return TemplateResponse(request, "admin/updates/review.html", context, status=400 if errors else 200)
