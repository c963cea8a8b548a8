"""Staff tools for meetings, fellowships and the Meeting Guide meeting types."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone

from meetings.models import Fellowship, Meeting, MeetingToVerify, MeetingType, forget_occurrence_counts
from places import timezones
from places.weekdays import Weekday
from portal.admin_locking import OptimisticLockingMixin
from portal.admin_tools import VerificationQueueAdmin, VerifiedAgeFilter, log_changes


@admin.action(description="Mark selected meetings as verified today")
def mark_verified_today(modeladmin, request, queryset):
    today = timezone.localdate()
    log_changes(request, list(queryset), f"Marked verified on {today:%Y-%m-%d}.")
    updated = queryset.update(last_verified=today)
    modeladmin.message_user(request, f"Marked {updated} meeting(s) as verified today.", messages.SUCCESS)


@admin.action(description="Mark selected meetings as temporarily closed")
def mark_temporarily_closed(modeladmin, request, queryset):
    updated = queryset.update(status=Meeting.Status.TEMPORARILY_CLOSED, updated=timezone.now())
    forget_occurrence_counts()  # an update sends no signals
    modeladmin.message_user(request, f"{updated} meeting(s) marked temporarily closed; they no longer appear "
                                     "on the finder.", messages.SUCCESS)


@admin.action(description="Mark selected meetings as active")
def mark_active(modeladmin, request, queryset):
    updated = queryset.update(status=Meeting.Status.ACTIVE, updated=timezone.now())
    forget_occurrence_counts()  # an update sends no signals
    modeladmin.message_user(request, f"{updated} meeting(s) marked active.", messages.SUCCESS)


class DayFilter(admin.SimpleListFilter):
    """Meetings held on one weekday."""

    title = "day"
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [(str(day.value), day.label) for day in Weekday]

    def queryset(self, request, queryset):
        if self.value() in {str(day.value) for day in Weekday}:
            return queryset.on_weekday(int(self.value()))
        return queryset


class TypeFilter(admin.SimpleListFilter):
    """Meetings of one meeting type."""

    title = "type"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [(t.code, f"{t.name} ({t.code})") for t in MeetingType.objects.order_by("name")]

    def queryset(self, request, queryset):
        return queryset.of_types([self.value()]) if self.value() else queryset


class TimeZoneFilter(admin.SimpleListFilter):
    title = "time zone"
    parameter_name = "tz"

    def lookups(self, request, model_admin):
        return [(zone, zone) for zone in sorted(Meeting.objects.values_list("timezone", flat=True).distinct())]

    def queryset(self, request, queryset):
        return queryset.filter(timezone=self.value()) if self.value() else queryset


@admin.register(Meeting)
class MeetingAdmin(OptimisticLockingMixin, admin.ModelAdmin):
    list_display = ["name", "fellowship", "schedule", "attendance", "status", "city", "last_verified"]
    list_filter = ["fellowship", DayFilter, "attendance", "status", TypeFilter, VerifiedAgeFilter, TimeZoneFilter,
                   "source"]
    list_select_related = ["fellowship"]
    search_fields = ["name", "slug", "group_name", "location", "address", "city", "postal_code", "source_slug"]
    autocomplete_fields = ["fellowship", "types"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["attendance", "other_type_codes", "source", "source_slug", "updated", "created"]
    actions = [mark_verified_today, mark_temporarily_closed, mark_active]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["name", "slug", "fellowship", "group_name", "status", "last_verified"]}),
        ("When", {"fields": ["days", "start_time", "end_time", "timezone"],
                  "description": "Times are local to the meeting's time zone."}),
        ("Kind of meeting", {"fields": ["types", "other_type_codes", "notes"]}),
        ("Where (in person)", {"fields": ["location", "address", "city", "state", "postal_code", "country",
                                          "latitude", "longitude", "location_notes"],
                               "description": "Leave the street address empty for online-only meetings."}),
        ("Join online", {"fields": ["conference_url", "conference_url_notes", "conference_phone",
                                    "conference_phone_notes"]}),
        ("Record", {"fields": ["attendance", "source", "source_slug", "source_url", "updated", "created"],
                    "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_vector")

    @admin.display(description="when", ordering="start_time")
    def schedule(self, meeting: Meeting) -> str:
        return f"{meeting.days_display()}, {meeting.start_time:%H:%M} {timezones.zone_label(meeting.timezone)}"

    def save_model(self, request, obj, form, change):
        obj.updated = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Fellowship)
class FellowshipAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "abbreviation", "slug", "meeting_count", "website"]
    search_fields = ["name", "name_es", "abbreviation", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "abbreviation", "website", "description", "name_es", "description_es"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_meetings=Count("meetings"))

    @admin.display(description="meetings", ordering="n_meetings")
    def meeting_count(self, fellowship) -> int:
        return fellowship.n_meetings


@admin.register(MeetingType)
class MeetingTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_es", "featured", "meeting_count"]
    list_editable = ["featured"]
    list_filter = ["featured"]
    search_fields = ["code", "name", "name_es"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_meetings=Count("meetings"))

    @admin.display(description="meetings", ordering="n_meetings")
    def meeting_count(self, meeting_type) -> int:
        return meeting_type.n_meetings


@admin.register(MeetingToVerify)
class MeetingToVerifyAdmin(VerificationQueueAdmin):
    """Meetings not verified within PORTAL_STALE_AFTER_DAYS, never-verified and oldest first."""

    list_display = ["name", "fellowship", "city", "state", "last_verified", "verified_age", "edit_link"]
    list_filter = ["fellowship", "attendance"]
    search_fields = ["name", "city", "postal_code"]
    actions = [mark_verified_today]

    def get_queryset(self, request):
        return Meeting.objects.stale()
