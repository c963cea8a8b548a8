"""Admin pieces every app's staff pages share: the admin history writer, change messages that say
what a value was and became, the verified-age filter and the verification queue.

Apps register their own ModelAdmins and build on these; this module imports no app of the portal.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html

IMPORT_USERNAME = "data-import"


def history_user(user=None):
    """The account history is recorded under: the given person, or an inactive system account
    (for imports run from the command line)."""
    if user is not None and getattr(user, "pk", None):
        return user
    from django.contrib.auth import get_user_model

    account, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"is_active": False, "first_name": "Data", "last_name": "import"}
    )
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    return account


def record_history(entries: Iterable[tuple[object, int, str]], *, user=None) -> int:
    """Write admin history entries, one per (object, ADDITION/CHANGE flag, message), in one statement.

    They appear on each object's History page in the admin, in the name of `user` (see history_user).
    """
    entries = list(entries)
    if not entries:
        return 0
    account = history_user(user)
    content_types = ContentType.objects.get_for_models(*{type(obj) for obj, _, _ in entries}, for_concrete_models=False)
    LogEntry.objects.bulk_create(
        LogEntry(
            user_id=account.pk, content_type_id=content_types[type(obj)].pk, object_id=str(obj.pk),
            object_repr=str(obj)[:200], action_flag=flag, change_message=message,
        )
        for obj, flag, message in entries
    )
    return len(entries)


def log_changes(request, objects, message: str) -> None:
    """Record a bulk change made by a staff action in each object's admin history (who, what, when)."""
    record_history(((obj, CHANGE, message) for obj in objects), user=request.user)


def describe_value(value) -> str:
    if value in (None, ""):
        return "(empty)"
    if hasattr(value, "all") or isinstance(value, (list, tuple, set)) or type(value).__name__ == "QuerySet":
        return ", ".join(sorted(str(item) for item in value)) or "(none)"
    return str(value)


def describe_list_change(label: str, queryset, *, added: set, removed: set) -> str:
    """'Services: added Methadone; removed Medicaid', from the primary keys added and removed."""
    changes = []
    if added:
        changes.append("added " + ", ".join(sorted(str(item) for item in queryset.filter(pk__in=added))))
    if removed:
        changes.append("removed " + ", ".join(sorted(str(item) for item in queryset.filter(pk__in=removed))))
    return f"{label}: {'; '.join(changes) or 'unchanged'}"


def field_labels(model, names: Iterable[str]) -> list[str]:
    """The labels a person knows ("Start time", "ZIP code") for the model fields named, in order.

    Names that are not model fields (lists such as "services", "types") are kept as they are; fields
    a person never edits (stored search vectors, versions, computed values) are left out.
    """
    labels = []
    for name in names:
        try:
            field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        except Exception:  # noqa: BLE001  (not a model field: a list or a note, already in words)
            labels.append(name[:1].upper() + name[1:])
            continue
        if getattr(field, "generated", False) or not getattr(field, "editable", True):
            continue
        label = str(getattr(field, "verbose_name", name))
        labels.append(label[:1].upper() + label[1:])
    return labels


def is_internal_form_field(form, name: str) -> bool:
    """A form field no person types into: a hidden token (the form's opened version) or the like."""
    field = form.fields.get(name)
    return field is None or field.widget.is_hidden


class HistoryWithValuesMixin:
    """Admin history entries that say what each changed field was and became, not just its name."""

    def construct_change_message(self, request, form, formsets, add=False):
        changed = [name for name in form.changed_data if not is_internal_form_field(form, name)]
        if add or not changed:
            return super().construct_change_message(request, form, formsets, add)
        parts = []
        for name in changed:
            field = form.fields[name]
            before = form.initial.get(name)
            if hasattr(field, "queryset") and isinstance(before, (list, tuple)):
                # A list (services, topics): name what was added and removed, not both whole lists.
                was = {getattr(item, "pk", item) for item in before}
                now = {item.pk for item in form.cleaned_data.get(name) or []}
                parts.append(describe_list_change(field.label or name, field.queryset, added=now - was, removed=was - now))
                continue
            elif hasattr(field, "queryset") and before is not None:
                before = field.queryset.filter(pk=getattr(before, "pk", before)).first()
            after = form.cleaned_data.get(name)
            parts.append(f"{field.label or name}: {describe_value(before)} → {describe_value(after)}")
        for formset in formsets or []:
            if formset.new_objects or formset.changed_objects or formset.deleted_objects:
                parts.append(f"{formset.model._meta.verbose_name_plural.capitalize()} changed")
        return "Changed " + "; ".join(parts) + "."


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose fields have accessible names: the column's label and the row's number
    (a table's column headers are not labels, so screen readers and axe find the fields unnamed)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                row = f"row {index + 1}" if index is not None else "new row"
                for name, field in form.fields.items():
                    if not field.widget.is_hidden:
                        label = str(field.label or name)
                        field.widget.attrs["aria-label"] = f"{label[:1].upper()}{label[1:]}, {row}"

        return LabelledFormSet


class VerifiedAgeFilter(admin.SimpleListFilter):
    """Filter listings by how long ago staff last verified them (for models with a VerifiableQuerySet)."""

    title = "last verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        stale = settings.PORTAL_STALE_AFTER_DAYS
        return [
            ("90", "Within 90 days"),
            ("stale", f"More than {stale} days ago"),
            ("never", "Never"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "90":
            return queryset.verified_within(90)
        if self.value() == "stale":
            return queryset.stale().exclude(last_verified__isnull=True)
        if self.value() == "never":
            return queryset.never_verified()
        return queryset


class VerificationQueueAdmin(admin.ModelAdmin):
    """A read-only queue of listings not verified within PORTAL_STALE_AFTER_DAYS, oldest first.

    Register it for a proxy of the listing model; "Open listing" links to the listing's own change
    page, and seeing the queue needs the permission to change listings.
    """

    list_per_page = 50
    ordering = [F("last_verified").asc(nulls_first=True), "name"]

    @property
    def listing_meta(self):
        return self.model._meta.concrete_model._meta

    @property
    def permission(self) -> str:
        return f"{self.listing_meta.app_label}.change_{self.listing_meta.model_name}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm(self.permission)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.permission)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Verified")
    def verified_age(self, listing):
        days = listing.verified_days_ago
        if days is None:
            return "never"
        return "today" if days == 0 else f"{days} days ago"

    @admin.display(description="Edit")
    def edit_link(self, listing):
        url = reverse(f"admin:{self.listing_meta.app_label}_{self.listing_meta.model_name}_change", args=[listing.pk])
        return format_html('<a href="{}">Open listing</a>', url)
