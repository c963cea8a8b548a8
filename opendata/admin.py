"""Staff pages of the open data app: the installation's identifier namespace."""
from django.conf import settings
from django.contrib import admin

from opendata.hsds import namespace
from opendata.models import IdentifierNamespace


@admin.register(IdentifierNamespace)
class IdentifierNamespaceAdmin(admin.ModelAdmin):
    list_display = ["namespace", "in_effect", "updated"]
    readonly_fields = ["in_effect", "created", "updated"]
    fields = ["namespace", "in_effect", "created", "updated"]

    @admin.display(description="Namespace in effect")
    def in_effect(self, obj=None) -> str:
        if settings.OPENDATA_ID_NAMESPACE:
            return f"{namespace()} (set by OPENDATA_ID_NAMESPACE, which wins over the stored one)"
        return str(namespace())

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Changing it changes every published identifier: administrators only.
        return request.user.is_superuser
