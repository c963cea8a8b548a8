"""Optimistic locking for staff forms: a form opened before someone else saved is refused.

The change form carries a signed snapshot of the values it was opened with. On save, the row is
locked and compared with that snapshot; if anything differs (another staff member's save, a bulk
action, an import), the save is refused and the message names each field with the value the form
was opened with and the value saved since, so nobody silently reverts someone else's change.
"""
from __future__ import annotations

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.functional import cached_property

from portal.admin_tools import describe_value

SNAPSHOT_FIELD = "opened_version"
_SALT = "portal.admin_locking"


def _values(obj, names) -> dict:
    values = {}
    for name in names:
        try:
            field = obj._meta.get_field(name)
        except Exception:  # noqa: BLE001, S112  (a form-only field has no stored value)
            continue
        if field.many_to_many:
            values[name] = sorted(obj.pk and getattr(obj, name).values_list("pk", flat=True) or [])
        elif field.concrete and not field.auto_created:
            value = field.value_from_object(obj)
            values[name] = value if not isinstance(value, models.Model) else value.pk
    return values


def snapshot(obj, names) -> str:
    """The signed, compressed snapshot of `obj`'s values for the given form fields."""
    data = DjangoJSONEncoder().encode(_values(obj, names))
    return signing.dumps(data, salt=_SALT, compress=True)


def changes_since(opened: str, current, names) -> list[str] | None:
    """Describe each field whose value differs from the snapshot; None when the snapshot is unreadable."""
    import json

    try:
        before = json.loads(signing.loads(opened, salt=_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    now = json.loads(DjangoJSONEncoder().encode(_values(current, names)))
    lines = []
    for name, was in before.items():
        if now.get(name, was) == was:
            continue
        field = current._meta.get_field(name)
        lines.append(f"{field.verbose_name.capitalize()}: “{_shown(field, was)}” when you opened the form, "
                     f"now “{_shown(field, now.get(name))}”")
    return lines


def _shown(field, value) -> str:
    if field.many_to_many or field.many_to_one:
        model = field.related_model
        pks = value if isinstance(value, list) else [value]
        names = [str(item) for item in model._default_manager.filter(pk__in=[pk for pk in pks if pk is not None])]
        return describe_value(names) if field.many_to_many else (names[0] if names else "(empty)")
    if field.choices and value is not None:
        return str(dict(field.flatchoices).get(value, value))
    return describe_value(value)


class OptimisticLockingMixin:
    """For a ModelAdmin: refuse to save a change form when the object changed after it was opened."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            # The snapshot is declared on the form below, not a model field for the form factory.
            fields = kwargs.get("fields")
            if fields is not None:
                kwargs["fields"] = [name for name in fields if name != SNAPSHOT_FIELD]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or SNAPSHOT_FIELD in getattr(form_class, "declared_fields", {}):
            return form_class
        model = self.model

        class LockedForm(form_class):
            opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args, **inner):
                super().__init__(*args, **inner)
                if self.instance.pk is not None and not self.is_bound:
                    self.initial[SNAPSHOT_FIELD] = snapshot(self.instance, self._locked_names())

            @cached_property
            def changed_data(self):
                # The snapshot is a token, not something a person changed: history never names it.
                return [name for name in super().changed_data if name != SNAPSHOT_FIELD]

            def _locked_names(self):
                return [name for name in self.fields if name != SNAPSHOT_FIELD]

            def clean(self):
                cleaned = super().clean()
                if self.instance.pk is None:
                    return cleaned
                # Lock the row until this save commits, so two saves cannot both pass the check.
                current = model._default_manager.select_for_update().get(pk=self.instance.pk)
                changes = changes_since(self.data.get(SNAPSHOT_FIELD, ""), current, self._locked_names())
                if changes is None:
                    raise ValidationError(
                        f"This form could not be checked against the saved {model._meta.verbose_name}. "
                        "Your changes were not saved: reload the page and make them again.",
                        code="stale",
                    )
                if changes:
                    raise ValidationError(
                        [ValidationError(
                            f"Someone else saved this {model._meta.verbose_name} after you opened it, so your "
                            "changes were not saved (they would have undone theirs). Changed meanwhile:",
                            code="stale")]
                        + [ValidationError(line, code="stale") for line in changes]
                        + [ValidationError("Reload the page to see the current version, then make your changes again.",
                                           code="stale")]
                    )
                return cleaned

        LockedForm.__name__ = form_class.__name__
        return LockedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        names = [name for _, options in fieldsets for name in options.get("fields", ())]
        if SNAPSHOT_FIELD in names:
            return fieldsets
        first_title, first_options = fieldsets[0]
        return [(first_title, {**first_options, "fields": [*first_options["fields"], SNAPSHOT_FIELD]}),
                *fieldsets[1:]]
