"""The program's own form: the listing's facts, prefilled, every one of them plain, bounded text."""
from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.models import Term
from phones import numbers as phones
from places.states import STATE_CHOICES_BY_NAME
from places.weekdays import DAY_NAMES, MONDAY_FIRST
from updates import facts

PERIODS_PER_DAY = 2
ACCEPTING_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not sure"))]
ACCEPTING_VALUES = {"yes": True, "no": False, "unknown": None}


def hours_field(day: int, period: int, end: str) -> str:
    return f"hours_{day}_{period}_{end}"


class ProviderUpdateForm(forms.Form):
    """Every fact a program can correct; `proposed()` gives them back as facts (see updates.facts)."""

    name = forms.CharField(label=_("Name of the program"), max_length=200)
    phone = forms.CharField(label=_("Main phone"), max_length=30, required=False,
                            help_text=_("With the area code, for example (410) 555-0123."),
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    intake_phone = forms.CharField(label=_("Intake phone"), max_length=30, required=False,
                                   help_text=_("The number people call to start treatment, if it is different."),
                                   widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    website = forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https")
    street1 = forms.CharField(label=_("Street address"), max_length=200, required=False)
    street2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES_BY_NAME)
    zip_code = forms.RegexField(label=_("ZIP code"), regex=r"^\d{5}(-\d{4})?$", max_length=10,
                                error_messages={"invalid": _("Enter a 5-digit ZIP code.")})
    hours_note = forms.CharField(label=_("Note about hours"), max_length=200, required=False,
                                 help_text=_("For example “Open 24 hours” or “Dosing 5:30 to 11:00 am”."))
    accepting_new_patients = forms.ChoiceField(label=_("Are you accepting new patients?"),
                                               choices=ACCEPTING_CHOICES, widget=forms.RadioSelect)
    beds_available = forms.IntegerField(label=_("Beds available now"), min_value=0, max_value=9999, required=False,
                                        help_text=_("Leave empty if you do not have beds or do not want to say."))
    typical_wait_days = forms.IntegerField(label=_("Typical wait, in days"), min_value=0, max_value=365,
                                           required=False,
                                           help_text=_("Usual days from the first call to the first appointment."))
    note = forms.CharField(label=_("Note to the portal's staff (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Anything else staff should know. Please do not write about patients."))

    def __init__(self, *args, categories=(), periods: int = PERIODS_PER_DAY, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.periods = min(max(periods, PERIODS_PER_DAY), 6)  # a day with more breaks than two keeps them all
        for category in self.categories:
            terms = Term.objects.filter(category=category).order_by("position", "name")
            self.fields[f"terms:{category.param}"] = forms.MultipleChoiceField(
                label=category.localized_name, required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(term.code, term.localized_name) for term in terms],
            )
        for day in MONDAY_FIRST:
            for period in range(1, self.periods + 1):
                for end, label in (("opens", _("Opens")), ("closes", _("Closes"))):
                    self.fields[hours_field(day, period, end)] = forms.TimeField(
                        label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )

    @staticmethod
    def periods_needed(values: dict[str, Any]) -> int:
        """Periods per day the form needs to show every period of the listing's hours."""
        counts: dict[int, int] = {}
        for day, _opens, _closes in values.get("hours", []):
            counts[day] = counts.get(day, 0) + 1
        return max(counts.values(), default=0)

    @classmethod
    def initial_from(cls, values: dict[str, Any]) -> dict[str, Any]:
        """The form's initial values from a listing's facts."""
        initial = {name: values.get(name) or "" for name in facts.TEXT_FIELDS}
        initial["accepting_new_patients"] = {True: "yes", False: "no"}.get(values.get("accepting_new_patients"),
                                                                           "unknown")
        initial["beds_available"] = values.get("beds_available")
        initial["typical_wait_days"] = values.get("typical_wait_days")
        for key in facts.term_keys():
            initial[key] = values.get(key, [])
        by_day: dict[int, list] = {}
        for day, opens, closes in values.get("hours", []):
            by_day.setdefault(day, []).append((opens, closes))
        for day, periods in by_day.items():
            for period, (opens, closes) in enumerate(periods, start=1):
                initial[hours_field(day, period, "opens")] = opens
                initial[hours_field(day, period, "closes")] = closes
        return initial

    def day_rows(self):
        """For the template: each weekday (Monday first) with its periods' opening and closing fields."""
        return [
            {"day": DAY_NAMES[day], "periods": [
                (self[hours_field(day, period, "opens")], self[hours_field(day, period, "closes")])
                for period in range(1, self.periods + 1)
            ]}
            for day in MONDAY_FIRST
        ]

    def term_fields(self):
        return [self[f"terms:{category.param}"] for category in self.categories]

    def _clean_phone(self, name: str) -> str:
        value = " ".join(self.cleaned_data.get(name, "").split())
        if not value:
            return ""
        normalized = phones.normalize(value)
        if not normalized:
            raise ValidationError(_("Enter a US phone number with its area code, for example (410) 555-0123."))
        return normalized

    def clean_phone(self):
        return self._clean_phone("phone")

    def clean_intake_phone(self):
        return self._clean_phone("intake_phone")

    def clean(self):
        cleaned = super().clean()
        for name in facts.TEXT_FIELDS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = " ".join(cleaned[name].split())  # no line breaks or runs of spaces in one line
        for day in MONDAY_FIRST:
            for period in range(1, self.periods + 1):
                opens_name, closes_name = hours_field(day, period, "opens"), hours_field(day, period, "closes")
                opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
                if (opens is None) != (closes is None) and opens_name not in self.errors \
                        and closes_name not in self.errors:
                    self.add_error(closes_name if closes is None else opens_name,
                                   _("Give both the opening and the closing time, or neither."))
                elif opens is not None and closes is not None and closes <= opens:
                    self.add_error(closes_name, _("The closing time must be after the opening time."))
        return cleaned

    def proposed(self) -> dict[str, Any]:
        """The facts as the program sent them (call after is_valid())."""
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name) or "" for name in facts.TEXT_FIELDS}
        values["accepting_new_patients"] = ACCEPTING_VALUES.get(data.get("accepting_new_patients"))
        values["beds_available"] = data.get("beds_available")
        values["typical_wait_days"] = data.get("typical_wait_days")
        for category in self.categories:
            key = f"terms:{category.param}"
            values[key] = sorted(data.get(key) or [])
        hours = []
        for day in MONDAY_FIRST:
            for period in range(1, self.periods + 1):
                opens, closes = data.get(hours_field(day, period, "opens")), data.get(hours_field(day, period, "closes"))
                if isinstance(opens, datetime.time) and isinstance(closes, datetime.time):
                    hours.append([day, f"{opens:%H:%M}", f"{closes:%H:%M}"])
        values["hours"] = sorted(hours)
        return values
