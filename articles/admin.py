from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.models import (
    EXPIRY_WARNING_DAYS,
    SAME_ACCOUNT_MESSAGE,
    Article,
    ExpiringFact,
    FaqEntry,
    Language,
    Reviewer,
    Source,
    Topic,
)
from portal.admin_locking import OptimisticLockingMixin


def describe_age(days: int) -> str:
    """'12 days', '5 months', '2 years': roughly how long ago, in words."""
    if days < 45:
        return f"{days} day{'s' if days != 1 else ''}"
    months = round(days / 30.44)
    if months < 24:
        return f"{months} months"
    return f"{days // 365} years"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "slug", "position", "article_count"]
    list_editable = ["position"]
    search_fields = ["name", "description", "name_es", "description_es"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "name_es", "description_es", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("articles")).order_by("position", "name")

    @admin.display(description="articles", ordering="n_articles")
    def article_count(self, obj: Topic) -> int:
        return obj.n_articles


PUBLISHING_RULE = (
    "An article is published only once a clinical reviewer (another staff account than the last editor) "
    "has reviewed it on a given date, and it has at least one source."
)
# The text a reviewer signs: whoever last changed it is its last editor.
CONTENT_FIELDS = {"title", "summary", "body"}


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "user", "article_count"]
    search_fields = ["name", "credentials", "user__username"]
    autocomplete_fields = ["user"]
    fields = ["user", "name", "credentials"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").annotate(n_articles=Count("articles"))

    @admin.display(description="articles reviewed", ordering="n_articles")
    def article_count(self, obj: Reviewer) -> int:
        return obj.n_articles


class SourceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.status != Article.Status.PUBLISHED:
            return
        kept = [form for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("url")]
        if not kept:
            raise ValidationError(f"Add at least one source before publishing. {PUBLISHING_RULE}")


class SourceInline(admin.TabularInline):
    model = Source
    formset = SourceFormSet
    extra = 1
    fields = ["title", "url", "position"]


class ArticleAdminForm(forms.ModelForm):
    editor = None  # the staff account saving the form, set by ArticleAdmin.get_form

    def changes_content(self) -> bool:
        return self.instance.pk is None or bool(CONTENT_FIELDS & set(self.changed_data))

    def clean(self):
        cleaned = super().clean()
        reviewer = cleaned.get("reviewer")
        if cleaned.get("status") == Article.Status.PUBLISHED:
            if reviewer is None:
                self.add_error(
                    "reviewer", f"Name who reviewed the article before publishing it: choose a clinical reviewer. "
                    f"{PUBLISHING_RULE}"
                )
            if not cleaned.get("last_reviewed"):
                self.add_error("last_reviewed", f"Give the date of the review before publishing. {PUBLISHING_RULE}")
        if self.editor is not None and self.changes_content():
            # This save makes the editor the text's last editor: the model's clean() checks the reviewer against it.
            self.instance.last_edited_by = self.editor
        return cleaned


class ExpiringFactInline(admin.TabularInline):
    model = ExpiringFact
    extra = 0
    fields = ["statement", "expires_on", "time_left"]
    readonly_fields = ["time_left"]

    @admin.display(description="time left")
    def time_left(self, obj: ExpiringFact) -> str:
        return describe_expiry(obj) if obj.pk else "—"


def describe_expiry(fact: ExpiringFact) -> str:
    """'ended 3 days ago', '⚠ 24 days left', '200 days left'."""
    days = fact.days_left
    if days < 0:
        return format_html("<strong>⚠ ended {} ago</strong>", describe_age(-days))
    if days <= EXPIRY_WARNING_DAYS:
        return format_html("<strong>⚠ {} left</strong>", describe_age(days))
    return f"{describe_age(days)} left"


class FaqEntryFormSet(BaseInlineFormSet):
    """Questions and answers are text the reviewer signs: changing them makes the editor the last editor."""

    def __init__(self, *args, editor=None, **kwargs):
        self.editor = editor
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        reviewer = self.instance.reviewer
        if self.editor is not None and self.has_changed() and reviewer is not None and reviewer.user_id == self.editor.pk:
            raise ValidationError(SAME_ACCOUNT_MESSAGE)


class FaqEntryInline(admin.StackedInline):
    model = FaqEntry
    formset = FaqEntryFormSet
    extra = 0
    fields = ["question", "answer", "position"]


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Re-review overdue"),
            ("current", "Reviewed, re-review not due"),
            ("expiring", f"A statement expires within {EXPIRY_WARNING_DAYS} days"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "current":
            return queryset.exclude(pk__in=queryset.review_overdue().values("pk"))
        if self.value() == "expiring":
            return queryset.facts_expiring()
        return queryset


@admin.action(description="Publish the selected articles")
def publish(modeladmin, request, queryset):
    now = timezone.now()
    incomplete = list(queryset.exclude(pk__in=queryset.publishable().values("pk")).values_list("title", flat=True))
    # The action changes no text, so the last editor stays who it was: publishable() checks the reviewer against it.
    if incomplete:
        modeladmin.message_user(
            request, f"Not published: {', '.join(sorted(incomplete))}. {PUBLISHING_RULE}", messages.WARNING
        )
    queryset = queryset.publishable()
    queryset.filter(publish_date__isnull=True).update(publish_date=now)
    count = queryset.update(status=Article.Status.PUBLISHED, updated=now)
    future = queryset.filter(publish_date__gt=now).count()
    note = f" {future} of them will appear on their publish date." if future else ""
    modeladmin.message_user(request, f"Published {count} article{'s' if count != 1 else ''}.{note}", messages.SUCCESS)


@admin.action(description="Send the selected articles back to draft")
def send_back_to_draft(modeladmin, request, queryset):
    count = queryset.update(status=Article.Status.DRAFT, updated=timezone.now())
    modeladmin.message_user(
        request, f"Sent {count} article{'s' if count != 1 else ''} back to draft; the public no longer sees them.",
        messages.SUCCESS,
    )


@admin.register(Article)
class ArticleAdmin(OptimisticLockingMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "language", "status", "counterpart_column", "topic_list", "publish_date", "reviewed",
                    "site_link"]
    list_filter = ["language", "status", "topics", ReviewFilter]
    search_fields = ["title", "summary", "body", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "translation_of"]
    inlines = [SourceInline, FaqEntryInline, ExpiringFactInline]
    actions = [publish, send_back_to_draft]
    readonly_fields = ["counterpart_status", "reading_time", "created", "updated", "last_edited_by", "demo"]
    date_hierarchy = "publish_date"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "topics"]}),
        ("Language", {
            "fields": ["language", "translation_of", "counterpart_status"],
            "description": "Spanish articles are listed, searched and shown on the Spanish pages. Link each one to "
            "its English counterpart so that each page offers the other.",
        }),
        ("Publishing", {"fields": ["status", "publish_date"]}),
        ("Review", {
            "fields": ["reviewer", "last_reviewed", "review_due", "last_edited_by", "demo"],
            "description": "The clinician who checked the article, chosen from staff accounts with credentials "
            "(Clinical reviewers), and never the account that last changed its text. Statements that hold only "
            "until a rule ends are listed under “Statements that expire” below.",
        }),
        ("Link to the directory", {
            "fields": ["directory_label", "directory_query"],
            "description": "The button under the article that opens a directory search with filters already set.",
        }),
        ("About this article", {"fields": ["reading_time", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .select_related("translation_of", "translation", "reviewer")
            .prefetch_related("topics", "expiring_facts")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.editor = request.user
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, FaqEntryInline):
            kwargs["editor"] = request.user
        return kwargs

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(isinstance(formset, FaqEntryFormSet) and formset.has_changed() for formset in formsets):
            Article.objects.filter(pk=form.instance.pk).update(last_edited_by=request.user)

    def save_model(self, request, obj, form, change):
        if obj.reviewer_id:
            obj.demo = False  # a clinician has reviewed it: the page names them instead
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            article = self.get_object(request, object_id)
            if article is not None:
                for warning in review_warnings(article):
                    messages.warning(request, warning)
        return super().change_view(request, object_id, form_url, extra_context)

    def view_on_site(self, obj: Article) -> str:
        return obj.get_absolute_url() if obj.is_public else obj.preview_url

    @admin.display(description="counterpart")
    def counterpart_column(self, obj: Article) -> str:
        counterpart = obj.counterpart
        if counterpart is None:
            return "—"
        return format_html(
            '<a href="{}">{} ({})</a>',
            reverse("admin:articles_article_change", args=[counterpart.pk]), counterpart.title, counterpart.language,
        )

    @admin.display(description="counterpart")
    def counterpart_status(self, obj: Article) -> str:
        """The linked article in the other language, or a link to start writing one."""
        if not obj.pk:
            return "Choose the English original above when this article translates one."
        counterpart = obj.counterpart
        if counterpart is not None:
            return format_html(
                '<a href="{}">{}</a> ({}, {})',
                reverse("admin:articles_article_change", args=[counterpart.pk]),
                counterpart.title, counterpart.get_language_display(), counterpart.get_status_display().lower(),
            )
        other = Language.SPANISH if obj.language == Language.ENGLISH else Language.ENGLISH
        return format_html(
            'None yet. <a href="{}?language={}&amp;translation_of={}">Write the {} version</a>',
            reverse("admin:articles_article_add"), other.value, obj.pk, other.label,
        )

    @admin.display(description="topics")
    def topic_list(self, obj: Article) -> str:
        return ", ".join(topic.name for topic in obj.topics.all()) or "—"

    @admin.display(description="review", ordering="review_due")
    def reviewed(self, obj: Article) -> str:
        """When it was reviewed, when it is due again, and statements about to expire, one per line."""
        lines = [self.review_age(obj), self.rereview(obj), self.expiring(obj)]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines if line))

    def review_age(self, obj: Article) -> str:
        age = obj.review_age_days
        if age is None:
            return format_html("<strong>{}</strong>", "⚠ never")
        if age < 0:
            return obj.last_reviewed.strftime("%b %-d, %Y")
        if obj.review_overdue:
            return format_html(
                '<strong title="Reviewed on {}">⚠ {} ago</strong>', obj.last_reviewed.isoformat(), describe_age(age)
            )
        return format_html(
            '<span title="Reviewed on {}">{} ago</span>', obj.last_reviewed.isoformat(), describe_age(age)
        )

    def rereview(self, obj: Article) -> str:
        if obj.review_due is None:
            return ""
        if obj.review_overdue:
            return format_html("<strong>⚠ overdue since {}</strong>", obj.review_due.isoformat())
        return f"due {obj.review_due.isoformat()}"

    def expiring(self, obj: Article) -> str:
        soon = obj.facts_expiring_soon()
        if not soon:
            return ""
        count = f"{len(soon)} statement{'s' if len(soon) != 1 else ''}"
        return format_html("<strong>⚠ {} ends {}</strong>", count, soon[0].expires_on.isoformat())

    @admin.display(description="on the site")
    def site_link(self, obj: Article) -> str:
        if obj.is_public:
            return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())
        return format_html('<a href="{}">Preview</a>', obj.preview_url)

    @admin.display(description="reading time")
    def reading_time(self, obj: Article) -> str:
        if not obj.pk:
            return "Shown after saving."
        return f"About {obj.reading_minutes} min ({obj.word_count} words, {len(obj.sections)} sections)"


def review_warnings(article: Article) -> list[str]:
    """What staff must know on opening an article: an overdue re-review and statements about to expire."""
    warnings = []
    if article.last_reviewed is None:
        warnings.append("This article has not been reviewed by a clinician yet.")
    elif article.review_overdue:
        warnings.append(
            f"Re-review overdue: it was due by {article.review_due.isoformat()} "
            f"(last reviewed on {article.last_reviewed.isoformat()}). Ask a clinical reviewer to check it."
        )
    for fact in article.facts_expiring_soon():
        when = "ended" if fact.days_left < 0 else "ends"
        warnings.append(
            f"“{fact.statement}” {when} on {fact.expires_on.isoformat()}: re-read the article and update it."
        )
    return warnings
