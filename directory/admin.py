"""Staff tools for programs, organizations and the service taxonomy."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from directory.models import (
    Category,
    ListingToVerify,
    OpeningHours,
    Organization,
    ProblemReport,
    Program,
    Term,
)
from directory.signals import listings_changed
from places.states import STATE_CHOICES_BY_NAME
from portal.admin_locking import OptimisticLockingMixin
from portal.admin_tools import (
    HistoryWithValuesMixin,
    LabelledTabularInline,
    VerificationQueueAdmin,
    VerifiedAgeFilter,
    log_changes,
)


@admin.action(description="Mark selected programs as verified today")
def mark_verified_today(modeladmin, request, queryset):
    today = timezone.localdate()
    programs = list(queryset)
    updated = queryset.update(last_verified=today)
    listings_changed.send(sender=Program)
    log_changes(request, programs, f"Marked verified on {today:%Y-%m-%d}.")
    modeladmin.message_user(request, f"Marked {updated} program(s) as verified today.", messages.SUCCESS)


@admin.action(description="Mark selected programs as closed (retire them)")
def mark_closed(modeladmin, request, queryset):
    programs = list(queryset)
    updated = queryset.update(status=Program.Status.CLOSED)
    listings_changed.send(sender=Program)
    log_changes(request, programs, "Changed status to Closed.")
    modeladmin.message_user(request, f"Closed {updated} program(s); they no longer appear to the public.", messages.SUCCESS)


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


class MissingFromSourceFilter(admin.SimpleListFilter):
    """Imported listings that the newest edition of their source no longer lists, for staff review."""

    title = "newest edition of its source"
    parameter_name = "missing_from"

    def lookups(self, request, model_admin):
        missing = Program.objects.exclude(missing_from_source="").order_by("missing_from_source")
        return [(value, f"Not in the {value}") for value in missing.values_list("missing_from_source", flat=True).distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(missing_from_source=self.value()) if self.value() else queryset


class ProgramForm(forms.ModelForm):
    # Ticked from the list of states (the array's default widget would be a comma-separated text box).
    telehealth_states = forms.TypedMultipleChoiceField(
        choices=STATE_CHOICES_BY_NAME, required=False, widget=forms.CheckboxSelectMultiple,
        label=Program._meta.get_field("telehealth_states").verbose_name.capitalize(),
        help_text=Program._meta.get_field("telehealth_states").help_text,
    )

    class Meta:
        model = Program
        fields = "__all__"

    def clean_telehealth_states(self):
        return sorted(set(self.cleaned_data["telehealth_states"]))


class OpeningHoursInline(LabelledTabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Program)
class ProgramAdmin(OptimisticLockingMixin, HistoryWithValuesMixin, admin.ModelAdmin):
    form = ProgramForm
    # Seven short columns fit a 1280 px screen beside the filters; "Verified" sorts by the date.
    list_display = ["name", "city", "state", "status", "accepting", "verified_age", "open_reports"]
    list_filter = ["status", "accepting_new_patients", VerifiedAgeFilter, StateFilter, ServiceFilter,
                   MissingFromSourceFilter, "location_approximate"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name", "city", "zip_code", "phone"]
    autocomplete_fields = ["organization", "terms"]
    prepopulated_fields = {"slug": ["name"]}
    actions = [mark_verified_today, mark_closed]
    date_hierarchy = "last_verified"
    inlines = [OpeningHoursInline]
    readonly_fields = ["created", "updated", "unmapped_codes", "other_sources"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "organization", "description", "status", "accepting_new_patients"]}),
        ("Contact", {"fields": ["phone", "intake_phone", "website", "hours_note"]}),
        ("Address", {"fields": ["street1", "street2", "city", "state", "zip_code", "latitude", "longitude"],
                     "description": "Leave latitude and longitude empty to use the centre of the ZIP code."}),
        ("Services", {"fields": ["terms"]}),
        ("Telehealth", {"fields": ["telehealth_states"], "classes": ["collapse"]}),
        ("Availability", {"fields": ["typical_wait_days", "beds_available", "beds_updated"]}),
        ("Verification", {"fields": ["last_verified", "created", "updated"]}),
        ("Program's contact for updates", {
            "fields": ["contact_email", "show_contact_email", "contact_language", "confirmed_by_program"],
            "description": "Update links and reminders go to this address; the public sees it only when ticked."}),
        ("Source", {"fields": ["source", "source_id", "other_sources", "missing_from_source", "location_approximate",
                               "unmapped_codes"],
                    "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        if {"latitude", "longitude"} & set(form.changed_data) and obj.latitude is not None:
            obj.location_approximate = False  # staff placed it: better than a ZIP code's centre
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            open_report_count=Count("problem_reports", filter=Q(problem_reports__resolved=False))
        )

    @admin.display(description="Also listed in")
    def other_sources(self, program):
        """The records of other sources that imports matched to this listing (read only: written by imports)."""
        identifiers = list(program.identifiers.order_by("created")) if program.pk else []
        if not identifiers:
            return "No other source"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} (matched by {} on {})</li>", (
            (identifier.source, identifier.source_id, identifier.matched_by or "an import", f"{identifier.created:%Y-%m-%d}")
            for identifier in identifiers)))

    @admin.display(description="Accepting", boolean=True, ordering="accepting_new_patients")
    def accepting(self, program):
        return program.accepting_new_patients

    @admin.display(description="Reports", ordering="open_report_count")
    def open_reports(self, program):
        return program.open_report_count or ""

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


class WordListField(forms.CharField):
    """A list of words or phrases edited as text, one per line (commas also separate)."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 40})

    def __init__(self, *args, split_commas: bool = True, max_item_length: int = 100, **kwargs):
        super().__init__(*args, **kwargs)
        self.split_commas = split_commas
        self.max_item_length = max_item_length

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, (list, tuple)) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        words: list[str] = []
        for line in (text.replace(",", "\n") if self.split_commas else text).splitlines():
            word = " ".join(line.split())
            if word and word.casefold() not in {w.casefold() for w in words}:
                words.append(word)
        for word in words:
            if len(word) > self.max_item_length:
                raise forms.ValidationError(f"“{word[:30]}…” is longer than {self.max_item_length} characters.")
        return words


class TermForm(forms.ModelForm):
    synonyms = WordListField(
        required=False, help_text=Term._meta.get_field("synonyms").help_text, label="Synonyms"
    )
    synonyms_es = WordListField(
        required=False, help_text=Term._meta.get_field("synonyms_es").help_text, label="Synonyms in Spanish"
    )
    # SAMHSA's labels contain commas ("Lesbian, gay, bisexual, ..."): one per line, commas kept.
    samhsa_labels = WordListField(
        required=False, split_commas=False, max_item_length=200, label="SAMHSA labels",
        help_text=Term._meta.get_field("samhsa_labels").help_text + " One per line.",
    )

    class Meta:
        model = Term
        fields = "__all__"


class TermInline(LabelledTabularInline):
    model = Term
    form = TermForm
    extra = 0
    fields = ["code", "name", "name_es", "synonyms", "synonyms_es", "position"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "param", "position", "show_in_results", "term_count"]
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
class TermAdmin(OptimisticLockingMixin, admin.ModelAdmin):
    """Terms with the words people use for them: the search reads these synonyms into filters, the
    way the 211 taxonomy's "use references" point lay words at a service."""

    form = TermForm
    list_display = ["name", "code", "category", "position", "synonym_list", "program_count"]
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = ["name", "name_es", "code", "category__name", "synonyms", "synonyms_es"]
    fieldsets = [
        (None, {"fields": ["category", "code", "name", "name_es", "description", "position"]}),
        ("Words people use (the search understands these)", {"fields": [("synonyms", "synonyms_es")]}),
        ("Data exchange", {"fields": ["samhsa_labels"]}),
    ]

    @admin.display(description="Synonyms")
    def synonym_list(self, term):
        shown = [*term.synonyms, *term.synonyms_es]
        return ", ".join(shown[:6]) + (f" … (+{len(shown) - 6})" if len(shown) > 6 else "")
    ordering = ["category__position", "position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_count=Count("programs"))

    @admin.display(description="Programs", ordering="program_count")
    def program_count(self, term):
        return term.program_count


@admin.register(ListingToVerify)
class ListingToVerifyAdmin(VerificationQueueAdmin):
    """The verification queue for programs."""

    list_display = ["name", "city", "state", "phone", "last_verified", "verified_age", "edit_link"]
    list_filter = [StateFilter, "status"]
    search_fields = ["name", "city", "zip_code", "phone"]
    actions = [mark_verified_today]

    def get_queryset(self, request):
        return Program.objects.public().stale()


@admin.action(description="Mark selected reports as resolved")
def resolve_reports(modeladmin, request, queryset):
    updated = queryset.filter(resolved=False).update(resolved=True, resolved_at=timezone.now(), resolved_by=request.user)
    modeladmin.message_user(request, f"Resolved {updated} report(s).", messages.SUCCESS)


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """The inbox of problems the public reported; one click resolves a report."""

    list_display = ["created", "program_link", "kind", "short_details", "resolved", "resolve_button"]
    list_filter = ["resolved", "kind"]
    list_select_related = ["program"]
    search_fields = ["program__name", "details"]
    readonly_fields = ["program", "kind", "details", "created", "resolved_at", "resolved_by"]
    fields = ["program", "kind", "details", "created", "resolved", "resolved_at", "resolved_by"]
    actions = [resolve_reports]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path("<int:pk>/resolve/", self.admin_site.admin_view(self.resolve_view), name="directory_problemreport_resolve"),
        ] + super().get_urls()

    def resolve_view(self, request, pk):
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect("admin:directory_problemreport_changelist")
        report = get_object_or_404(ProblemReport, pk=pk)
        if not report.resolved:
            report.resolved, report.resolved_at, report.resolved_by = True, timezone.now(), request.user
            report.save(update_fields=["resolved", "resolved_at", "resolved_by"])
            self.message_user(request, f"Resolved the report about {report.program}.", messages.SUCCESS)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            target = reverse("admin:directory_problemreport_changelist")  # never off this site
        return redirect(target)

    def save_model(self, request, obj, form, change):
        if "resolved" in form.changed_data:
            obj.resolved_at, obj.resolved_by = (timezone.now(), request.user) if obj.resolved else (None, None)
        super().save_model(request, obj, form, change)

    @admin.display(description="Program", ordering="program__name")
    def program_link(self, report):
        return format_html('<a href="{}">{}</a>', reverse("admin:directory_program_change", args=[report.program_id]), report.program)

    @admin.display(description="Details")
    def short_details(self, report):
        return (report.details[:80] + "…") if len(report.details) > 80 else report.details

    @admin.display(description="")
    def resolve_button(self, report):
        if report.resolved:
            return "Resolved"
        # Submits the changelist form (which carries the CSRF token) to the resolve view.
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post">Resolve</button>',
            reverse("admin:directory_problemreport_resolve", args=[report.pk]),
        )
