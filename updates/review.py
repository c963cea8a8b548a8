"""Staff decisions on a program's proposal. Approval goes through the program admin's own form:
the same validation, optimistic locking, history and data package rebuild as a staff edit."""
from __future__ import annotations

import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import CHANGE
from django.contrib.admin.utils import flatten_fieldsets
from django.db import transaction
from django.forms import MultiWidget
from django.utils import timezone

from directory.models import OpeningHours, Program, Term
from portal.admin_locking import SNAPSHOT_FIELD
from portal.admin_tools import record_history
from updates import facts, links
from updates.models import Proposal


class ReviewRefused(Exception):
    """The decision could not be applied; `messages` say why, in words for staff."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def program_admin():
    return admin.site._registry[Program]


def change_form_class(request, program: Program):
    """The program admin's change form, built as its change page builds it."""
    model_admin = program_admin()
    fields = flatten_fieldsets(model_admin.get_fieldsets(request, program))
    return model_admin.get_form(request, program, change=True, fields=fields)


def opened_version(request, program: Program) -> str:
    """The snapshot a staff change form of this program would carry now (for the review page)."""
    form_class = change_form_class(request, program)
    return form_class(instance=program).initial.get(SNAPSHOT_FIELD, "")


def stale_keys(proposal: Proposal, program: Program) -> list[str]:
    """Fields that changed since the program proposed them: approving would undo a newer change."""
    now = facts.current(program)
    return [key for key, change in proposal.changes.items() if now.get(key) != change["old"]]


def _form_data(form) -> dict[str, Any]:
    """What the change form would send back as opened: every field's current value."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = getattr(field.widget, "widget", field.widget)
        if isinstance(widget, MultiWidget):
            parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = part
        else:
            data[name] = value
    return data


def _apply(data: dict[str, Any], program: Program, changes: dict[str, Any]) -> None:
    for key, new in changes.items():
        if key in facts.TEXT_FIELDS or key in facts.AVAILABILITY:
            data[key] = new
            if key == "beds_available" and "beds_updated" in data:
                data["beds_updated"] = timezone.localdate(links.current_time()) if new is not None else None
        elif key.startswith("terms:"):
            param = key.split(":", 1)[1]
            kept = [pk for pk in data.get("terms") or [] if not Term.objects.filter(pk=pk, category__param=param).exists()]
            data["terms"] = kept + list(Term.objects.filter(code__in=new).values_list("pk", flat=True))


def approve(*, request, proposal: Proposal, keys: list[str], opened: str) -> Proposal:
    """Apply the chosen fields of a pending proposal as the reviewing staff member's edit."""
    keys = [key for key in keys if key in proposal.changes]
    if not keys and proposal.changes:
        raise ReviewRefused(["Tick at least one change to approve, or reject the proposal."])
    model_admin = program_admin()
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Proposal.Status.PENDING:
            raise ReviewRefused([f"This proposal is no longer waiting ({proposal.get_status_display().lower()})."])
        if not proposal.changes:  # a note alone: read, nothing to apply
            proposal.status, proposal.reviewed_by, proposal.reviewed_at = (
                Proposal.Status.APPROVED, request.user, links.current_time())
            proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
            return proposal
        program = Program.objects.get(pk=proposal.program_id)
        stale = [key for key in stale_keys(proposal, program) if key in keys]
        if stale:
            raise ReviewRefused([f"{facts.label(key)} changed after the program proposed this, so approving it "
                                 "would undo the newer change." for key in stale])
        form_class = change_form_class(request, program)
        data = _form_data(form_class(instance=program))
        chosen = {key: proposal.changes[key]["new"] for key in keys}
        _apply(data, program, {key: value for key, value in chosen.items() if key != "hours"})
        data[SNAPSHOT_FIELD] = opened
        form = form_class(data, instance=program)
        if not form.is_valid():
            errors = [str(error) for error in form.non_field_errors()]
            errors += [f"{form.fields[name].label}: {' '.join(map(str, errs))}"
                       for name, errs in form.errors.items() if name != "__all__"]
            raise ReviewRefused(errors)
        program = form.save(commit=False)
        model_admin.save_model(request, program, form, change=True)
        form.save_m2m()
        parts = []
        if form.changed_data:
            parts.append(model_admin.construct_change_message(request, form, [], False))
        if "hours" in chosen:
            OpeningHours.objects.filter(program=program).delete()
            for day, opens, closes in chosen["hours"]:
                OpeningHours.objects.create(program=program, weekday=day,
                                            opens=datetime.time.fromisoformat(opens),
                                            closes=datetime.time.fromisoformat(closes))
            change = proposal.changes["hours"]
            parts.append(f"Opening hours: {facts.describe('hours', change['old'])} → "
                         f"{facts.describe('hours', change['new'])}.")
        reviewer = request.user.get_full_name() or request.user.get_username()
        model_admin.log_change(request, program, (
            f"Proposed by the program through its link on {timezone.localdate(proposal.created):%Y-%m-%d}, "
            f"approved by {reviewer}. " + " ".join(parts)
        ))
        proposal.decisions = {key: ("approved" if key in chosen else "rejected") for key in proposal.changes}
        proposal.status = (Proposal.Status.APPROVED if len(chosen) == len(proposal.changes)
                           else Proposal.Status.PARTLY_APPROVED)
        proposal.reviewed_by, proposal.reviewed_at = request.user, links.current_time()
        proposal.save(update_fields=["decisions", "status", "reviewed_by", "reviewed_at"])
    return proposal


def reject(*, request, proposal: Proposal, reason: str) -> Proposal:
    """Turn a pending proposal down, with the reason staff give (the program may be told)."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("program").get(pk=proposal.pk)
        if proposal.status != Proposal.Status.PENDING:
            raise ReviewRefused([f"This proposal is no longer waiting ({proposal.get_status_display().lower()})."])
        proposal.status = Proposal.Status.REJECTED
        proposal.decisions = {key: "rejected" for key in proposal.changes}
        proposal.reason = reason.strip()[:2000]
        proposal.reviewed_by, proposal.reviewed_at = request.user, links.current_time()
        proposal.save(update_fields=["status", "decisions", "reason", "reviewed_by", "reviewed_at"])
        reviewer = request.user.get_full_name() or request.user.get_username()
        record_history([(proposal.program, CHANGE, (
            f"Proposal from the program through its link on {timezone.localdate(proposal.created):%Y-%m-%d} "
            f"rejected by {reviewer}" + (f": {proposal.reason}" if proposal.reason else ".")
        ))], user=request.user)
    return proposal
