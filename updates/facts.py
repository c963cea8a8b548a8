"""A listing's facts as a program sees and corrects them: read, compared, described and versioned.

Keys: the Program field names below, `hours` (a list of [weekday, "HH:MM", "HH:MM"]) and
`terms:<category param>` (the sorted codes of the services ticked in that category).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils.translation import gettext_lazy as _

from directory.models import Category, Program, Term
from places.weekdays import Weekday

TEXT_FIELDS = ("name", "street1", "street2", "city", "state", "zip_code",
               "phone", "intake_phone", "website", "hours_note")
# The categories of services a program corrects (setting and accreditation stay with staff).
TERM_CATEGORIES = ("care", "medication", "payment", "language", "group", "age")
AVAILABILITY = ("accepting_new_patients", "beds_available", "typical_wait_days")

LABELS = {
    "name": _("Name of the program"),
    "street1": _("Street address"),
    "street2": _("Address line 2"),
    "city": _("City"),
    "state": _("State"),
    "zip_code": _("ZIP code"),
    "phone": _("Main phone"),
    "intake_phone": _("Intake phone"),
    "website": _("Website"),
    "hours_note": _("Note about hours"),
    "hours": _("Opening hours"),
    "accepting_new_patients": _("Accepting new patients"),
    "beds_available": _("Beds available now"),
    "typical_wait_days": _("Typical wait, in days"),
}


def term_keys() -> list[str]:
    return [f"terms:{param}" for param in TERM_CATEGORIES]


def keys() -> list[str]:
    """Every fact a program can correct, in the order of its page."""
    return [*TEXT_FIELDS, "hours", *term_keys(), *AVAILABILITY]


def current(program: Program) -> dict[str, Any]:
    """The listing's facts now, read from the database."""
    facts: dict[str, Any] = {name: getattr(program, name) for name in (*TEXT_FIELDS, *AVAILABILITY)}
    facts["hours"] = sorted(
        [period.weekday, f"{period.opens:%H:%M}", f"{period.closes:%H:%M}"] for period in program.hours.all()
    )
    codes: dict[str, list[str]] = {param: [] for param in TERM_CATEGORIES}
    for code, param in program.terms.values_list("code", "category__param"):
        if param in codes:
            codes[param].append(code)
    for param in TERM_CATEGORIES:
        facts[f"terms:{param}"] = sorted(codes[param])
    return facts


def version(program: Program) -> str:
    """A short digest of what staff must approve (everything but availability): a link made for one
    version cannot be used once any of these facts changed, so it never undoes a newer change."""
    facts = current(program)
    reviewed = {key: facts[key] for key in keys() if key not in AVAILABILITY}
    return hashlib.sha256(json.dumps(reviewed, sort_keys=True, default=str).encode()).hexdigest()[:16]


def label(key: str) -> str:
    if key.startswith("terms:"):
        category = Category.objects.filter(param=key.split(":", 1)[1]).first()
        return category.localized_name if category else key
    return str(LABELS.get(key, key))


def describe(key: str, value: Any) -> str:
    """A fact's value in words, for staff and for emails."""
    if key.startswith("terms:"):
        names = dict(Term.objects.filter(code__in=value or []).values_list("code", "name"))
        return ", ".join(names.get(code, code) for code in value) if value else "(none)"
    if key == "hours":
        if not value:
            return "(none)"
        return "; ".join(f"{Weekday(day).label} {opens}–{closes}" for day, opens, closes in value)
    if key == "accepting_new_patients":
        return {True: "Yes", False: "No", None: "Not sure"}[value]
    if value in (None, ""):
        return "(empty)"
    return str(value)


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{key: {"old": ..., "new": ...}} for each fact that differs."""
    return {key: {"old": before.get(key), "new": after[key]} for key in keys()
            if key in after and after[key] != before.get(key)}
