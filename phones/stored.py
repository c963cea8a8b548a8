"""Normalising phone numbers already stored, for the data migrations of the apps that own them.

Works on the historical models a migration is given, so it imports no app of the portal. Each
value goes through the same function that forms and imports use; a value that is not a dialable
number is emptied. Every record changed gets an admin history entry saying what each number was
and became, in the name of the inactive "data-import" account, so a removed number can be found.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone

BATCH = 1000
# The account portal.admin_tools.history_user records imports under (not imported: see above).
IMPORT_USERNAME = "data-import"
CHANGE = 2  # django.contrib.admin.models.CHANGE


def normalise_stored_phones(
    apps,
    *,
    model: str,
    fields: dict[str, tuple[str, Callable[[str], str | None]]],
    name_field: str = "name",
    also: tuple[str, ...] = (),
    adjust: Callable[[object], list[str]] | None = None,
) -> int:
    """Normalise `fields` ({field: (label, normalize)}) of every `model` ("app_label.Model") row; return rows changed.

    `adjust(obj)`, called on each changed row, may change other fields (read through `also`) that
    depend on a phone and returns their names. Changed rows get `updated` set to now.
    """
    Model = apps.get_model(model)
    names = list(fields)
    has_any = Q()
    for name in names:
        has_any |= ~Q(**{name: ""})
    rows = Model.objects.filter(has_any).only("pk", name_field, *names, *also).order_by("pk")
    now = timezone.now()
    changed = 0
    batch: list[tuple[object, str, list[str]]] = []

    def flush() -> None:
        if not batch:
            return
        update_fields = sorted({field for _, _, fields_changed in batch for field in fields_changed} | {"updated"})
        Model.objects.bulk_update([obj for obj, _, _ in batch], update_fields)
        _record_history(apps, Model, [(obj, message) for obj, message, _ in batch], name_field=name_field)
        batch.clear()

    for obj in rows.iterator(chunk_size=BATCH):
        notes, fields_changed = [], []
        for name, (label, normalize) in fields.items():
            old = getattr(obj, name)
            if not old:
                continue
            new = normalize(old) or ""
            if new == old:
                continue
            setattr(obj, name, new)
            fields_changed.append(name)
            notes.append(f"{label}: “{old}” became “{new}”" if new else
                         f"{label}: “{old}” is not a phone number that can be dialled and was removed")
        if not fields_changed:
            continue
        if adjust:
            fields_changed.extend(adjust(obj))
        obj.updated = now
        batch.append((obj, "Phone numbers normalised when the portal was upgraded. " + "; ".join(notes) + ".",
                      fields_changed))
        changed += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    return changed


def _record_history(apps, Model, entries: list[tuple[object, str]], *, name_field: str) -> None:
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    account, _ = User.objects.get_or_create(
        username=IMPORT_USERNAME,
        defaults={"is_active": False, "first_name": "Data", "last_name": "import", "password": make_password(None)},
    )
    content_type, _ = ContentType.objects.get_or_create(
        app_label=Model._meta.app_label, model=Model._meta.model_name
    )
    LogEntry.objects.bulk_create(
        LogEntry(
            user_id=account.pk, content_type_id=content_type.pk, object_id=str(obj.pk),
            object_repr=str(getattr(obj, name_field) or obj.pk)[:200], action_flag=CHANGE,
            change_message=message,
        )
        for obj, message in entries
    )
