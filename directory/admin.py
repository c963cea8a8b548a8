"""Staff tools for programs, organizations and the service taxonomy."""
import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone

from directory.models import Category, OpeningHours, Organization, Program, Term


@admin.action(description="Mark selected programs as verified today")
def mark_verified_today(modeladmin, request, queryset):
    updated = queryset.update(last_verified=timezone.localdate())
    modeladmin.message_user(request, f"Marked {updated} program(s) as verified today.", messages.SUCCESS)


@admin.action(description="Mark selected programs as closed (retire them)")
def mark_closed(modeladmin, request, queryset):
    updated = queryset.update(status=Program.Status.CLOSED)
    modeladmin.message_user(request, f"Closed {updated} program(s); they no longer appear to the public.", messages.SUCCESS)


class VerifiedAgeFilter(admin.SimpleListFilter):
    """Filter programs by how long ago staff last verified them."""

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
        today = timezone.localdate()
        if self.value() == "90":
            return queryset.filter(last_verified__gte=today - datetime.timedelta(days=90))
        if self.value() == "stale":
            return queryset.filter(last_verified__lt=today - datetime.timedelta(days=settings.PORTAL_STALE_AFTER_DAYS))
        if self.value() == "never":
            return queryset.filter(last_verified__isnull=True)
        return queryset


class StateFilter(admin.SimpleListFilter):
    """Filter by the states that programs are actually in."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        states = Program.objects.order_by("state").values_list("state", flat=True).distinct()
        return [(state, state) for state in states]

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


class ServiceFilter(admin.SimpleListFilter):
    """Filter by one service term, listed as 'Category: term'."""

    title = "service"
    parameter_name = "service"

    def lookups(self, request, model_admin):
        return [(term.code, f"{term.category.name}: {term.name}") for term in Term.objects.select_related("category")]

    def queryset(self, request, queryset):
        return queryset.filter(terms__code=self.value()) if self.value() else queryset


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "state", "status", "accepting_new_patients", "last_verified", "verified_age"]
    list_filter = ["status", "accepting_new_patients", VerifiedAgeFilter, StateFilter, ServiceFilter]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name", "city", "zip_code", "phone"]
    autocomplete_fields = ["organization", "terms"]
    prepopulated_fields = {"slug": ["name"]}
    actions = [mark_verified_today, mark_closed]
    date_hierarchy = "last_verified"
    inlines = [OpeningHoursInline]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "organization", "description", "status", "accepting_new_patients"]}),
        ("Contact", {"fields": ["phone", "intake_phone", "website", "hours_note"]}),
        ("Address", {"fields": ["street1", "street2", "city", "state", "zip_code", "latitude", "longitude"],
                     "description": "Leave latitude and longitude empty to use the centre of the ZIP code."}),
        ("Services", {"fields": ["terms"]}),
        ("Verification", {"fields": ["last_verified", "created", "updated"]}),
    ]

    @admin.display(description="Verified", ordering="last_verified")
    def verified_age(self, program):
        days = program.verified_days_ago
        if days is None:
            return "never"
        return "today" if days == 0 else f"{days} days ago"


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "program_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_count=Count("programs"))

    @admin.display(description="Programs", ordering="program_count")
    def program_count(self, organization):
        return organization.program_count


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    fields = ["code", "name", "position"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "param", "position", "show_in_results", "term_count"]
    list_editable = ["position", "show_in_results"]
    prepopulated_fields = {"param": ["name"]}
    search_fields = ["name"]
    inlines = [TermInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(term_count=Count("terms"))

    @admin.display(description="Terms", ordering="term_count")
    def term_count(self, category):
        return category.term_count


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "position", "program_count"]
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = ["name", "code", "category__name"]
    ordering = ["category__position", "position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_count=Count("programs"))

    @admin.display(description="Programs", ordering="program_count")
    def program_count(self, term):
        return term.program_count
