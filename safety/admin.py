"""Staff add words of danger (and words that only look like danger) without a release."""
from django.contrib import admin

from safety.models import DangerPhrase


@admin.register(DangerPhrase)
class DangerPhraseAdmin(admin.ModelAdmin):
    list_display = ("phrase", "kind", "note", "updated")
    list_filter = ("kind",)
    search_fields = ("phrase", "note")
    fields = ("phrase", "kind", "note")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "title": "Phrases of danger added by staff (the built-in list in safety/data/danger_phrases.json "
                     "is always used too)",
        }
        return super().changelist_view(request, extra_context)
