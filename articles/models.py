"""Educational articles about opioid use disorder and its treatment, grouped by topic."""
from __future__ import annotations

import contextlib
import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from articles.querysets import (
    DEFAULT_LANGUAGE,
    EXPIRY_WARNING_DAYS,
    ArticleQuerySet,
    Language,
    language_code,
    search_vector,
)
from articles.rendering import reading_minutes, render_markdown, sanitise_html
from articles.validators import normalise_directory_query, validate_directory_query

# Text of the link to an article's counterpart, written in the counterpart's own language.
COUNTERPART_LINK_TEXT = {
    Language.ENGLISH: "Read this article in English",
    Language.SPANISH: "Lea este artículo en español",
}
TABLE_OF_CONTENTS_AFTER = 3  # sections: longer articles get a table of contents
STALE_REVIEW_DAYS = 365  # a review is good for a year unless a re-review date says sooner
SAME_ACCOUNT_MESSAGE = (
    "The reviewer must be a different staff account from the last editor of the text: "
    "ask another clinician to review it."
)
RESERVED_SLUGS = {"search", "faq", "feed", "topic"}  # addresses under /learn/ that are not articles


class Topic(models.Model):
    """A subject that groups articles on the index, such as 'Medications' or 'Paying for care'."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=110, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown on the index and topic page.")
    name_es = models.CharField("name in Spanish", max_length=100, blank=True, help_text="Shown on Spanish pages.")
    description_es = models.TextField(
        "description in Spanish", blank=True, help_text="Shown on Spanish pages; the English one is used when empty."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the article index.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> str:
        """The name in the active language (Spanish when there is one and the page is Spanish)."""
        return self.name_es if language_code() == Language.SPANISH and self.name_es else self.name

    @property
    def localized_description(self) -> str:
        return self.description_es if language_code() == Language.SPANISH and self.description_es else self.description

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


class Reviewer(models.Model):
    """A clinician with a staff account who may sign off articles: the name and degree shown on the page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="article_reviewer",
        limit_choices_to={"is_staff": True}, verbose_name="staff account",
    )
    name = models.CharField("name as signed", max_length=200, help_text="For example: Ana Ruiz")
    credentials = models.CharField(
        max_length=100, help_text="Degree and licence as shown on the page, for example: MD, DO, NP, PharmD, LCSW."
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "clinical reviewer"

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}"


class Article(models.Model):
    """A plain-language article, written in Markdown by staff, public once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    # Slugs are unique across both languages: an address names one article, old links and the
    # sitemap never become ambiguous, and the view can send a visitor who asks for an article in
    # the other language's URL space to its counterpart. Spanish articles get Spanish slugs.
    slug = models.SlugField(
        max_length=200, unique=True,
        help_text="The article's address: /learn/<slug>/ (Spanish articles: /es/learn/<slug>/). "
        "Unique across both languages; give Spanish articles a Spanish slug.",
    )
    language = models.CharField(
        max_length=5, choices=Language.choices, default=DEFAULT_LANGUAGE, db_index=True,
        help_text="The language the article is written in. It is listed and searched with the pages in that language.",
    )
    translation_of = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translation",
        verbose_name="counterpart in the other language",
        help_text="The article this one translates or adapts (for a Spanish article, its English original). "
        "Each page then links to the other. An article has at most one counterpart.",
    )
    summary = models.CharField(
        max_length=400, help_text="One or two sentences shown in lists, search results and feeds."
    )
    body = models.TextField(
        help_text="Markdown: ## for section headings, - for lists, **bold**, [link text](https://…), "
        "tables with | pipes. Scripts, frames, images and styles are removed when the page is shown."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    publish_date = models.DateTimeField(
        null=True, blank=True, help_text="The article goes public at this time once published (now if empty)."
    )
    last_reviewed = models.DateField(null=True, blank=True, help_text="When the content was last checked.")
    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.PROTECT, null=True, blank=True, related_name="articles",
        limit_choices_to={"user__is_staff": True, "user__is_active": True},
        verbose_name="clinical reviewer",
        help_text="The clinician who checked the article: a staff account with a degree, not the last editor.",
    )
    review_due = models.DateField(
        "re-review by", null=True, blank=True,
        help_text=f"When the article must be checked again; {STALE_REVIEW_DAYS} days after the review if empty.",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", help_text="The last staff account that changed the title, summary or body.",
    )
    # Set by the demo loader: the page says the article is demo content, not reviewed by a clinician.
    demo = models.BooleanField("demo content", default=False, editable=False)

    directory_label = models.CharField(
        max_length=200,
        blank=True,
        help_text="Text of the button to the directory, for example 'Find programs offering buprenorphine near you'.",
    )
    directory_query = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_directory_query],
        help_text="The directory search the button opens, as a query string: for example medication=BU or "
        "care=DT&medication=BU.",
    )

    # Derived from the body on every save, so pages never render Markdown.
    body_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    sections = models.JSONField(editable=False, default=list, blank=True)

    # Each branch uses a constant configuration: casting a computed name to regconfig is not
    # immutable, and a generated column must be.
    search_vector = models.GeneratedField(
        expression=Case(
            When(language=Language.SPANISH, then=search_vector(Language.SPANISH)),
            default=search_vector(Language.ENGLISH),
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search"),
            models.Index(fields=["status", "publish_date"], name="article_status_publish"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # Reversed in the article's own language, so a Spanish article's address has the Spanish
        # prefix once the URL conf uses i18n_patterns (and is plain /learn/<slug>/ before that).
        # English is reversed as LANGUAGE_CODE itself, the one language i18n_patterns leaves unprefixed.
        code = settings.LANGUAGE_CODE if self.language == DEFAULT_LANGUAGE else self.language
        with translation.override(code):
            return reverse("articles:article", kwargs={"slug": self.slug})

    @property
    def counterpart(self) -> "Article | None":
        """The same article in the other language, whichever side of the link this one is on."""
        if self.translation_of_id:
            return self.translation_of
        try:
            return self.translation
        except Article.DoesNotExist:
            return None

    @property
    def public_counterpart(self) -> "Article | None":
        """The counterpart, when the public can read it."""
        counterpart = self.counterpart
        return counterpart if counterpart is not None and counterpart.is_public else None

    def language_alternates(self) -> dict[str, str]:
        """This article's address by language code, with its public counterpart's: for hreflang links."""
        alternates = {self.language: self.get_absolute_url()}
        counterpart = self.public_counterpart
        if counterpart is not None:
            alternates[counterpart.language] = counterpart.get_absolute_url()
        return alternates

    @property
    def counterpart_link_text(self) -> str:
        """'Lea este artículo en español' or 'Read this article in English': in the counterpart's language."""
        counterpart = self.counterpart
        return COUNTERPART_LINK_TEXT[counterpart.language] if counterpart is not None else ""

    @property
    def preview_url(self) -> str:
        return f"{self.get_absolute_url()}?preview=1"

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is the address of another page; choose another slug."})
        if self.directory_query and not self.directory_label:
            raise ValidationError({"directory_label": "Give the button a label, or clear the directory search."})
        if self.directory_label and not self.directory_query:
            raise ValidationError({"directory_query": "Give the search the button opens, or clear the label."})
        self._clean_counterpart()
        if self.reviewer_id and self.last_edited_by_id and self.reviewer.user_id == self.last_edited_by_id:
            raise ValidationError({"reviewer": SAME_ACCOUNT_MESSAGE})

    def _clean_counterpart(self) -> None:
        other = self.translation_of
        if other is None:
            return
        if self.pk and other.pk == self.pk:
            raise ValidationError({"translation_of": "An article cannot be its own counterpart."})
        if other.language == self.language:
            raise ValidationError({
                "translation_of": f"“{other.title}” is also in {other.get_language_display()}; "
                "choose the article in the other language."
            })
        if other.translation_of_id:
            raise ValidationError({
                "translation_of": f"“{other.title}” is itself the counterpart of another article; link to that one instead."
            })
        if self.pk and Article.objects.filter(translation_of=self.pk).exists():
            raise ValidationError({
                "translation_of": "Another article already names this one as its counterpart; "
                "an article has only one counterpart, so clear the link on that article first."
            })
        taken = Article.objects.filter(translation_of=other).exclude(pk=self.pk).first()
        if taken is not None:
            raise ValidationError({
                "translation_of": f"“{other.title}” already has a counterpart: “{taken.title}”."
            })

    def save(self, *args, **kwargs) -> None:
        self.refresh_rendering()
        if self.directory_query:
            with contextlib.suppress(ValidationError):  # left as typed; full_clean() reports it
                self.directory_query = normalise_directory_query(self.directory_query)
        derived = {"body_html", "body_text", "word_count", "sections"}
        if self.last_reviewed and (not self.review_due or self.review_due <= self.last_reviewed):
            self.review_due = self.last_reviewed + datetime.timedelta(days=STALE_REVIEW_DAYS)
            derived.add("review_due")
        if self.status == self.Status.PUBLISHED and self.publish_date is None:
            self.publish_date = timezone.now()
            derived.add("publish_date")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def refresh_rendering(self) -> None:
        """Render the Markdown body once and keep the sanitised HTML, text and sections."""
        rendered = render_markdown(self.body)
        self.body_html = rendered.html
        self.body_text = rendered.text
        self.word_count = rendered.word_count
        self.sections = rendered.sections

    @property
    def body_markup(self) -> SafeString:
        """The body as HTML for the page: the stored render, passed through the sanitiser once more.

        This is the only place article markup is marked safe, and it is always nh3's output, even if
        body_html was ever written some other way (a bulk update, a fixture).
        """
        return mark_safe(sanitise_html(self.body_html))

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_date is not None
            and self.publish_date <= timezone.now()
        )

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)

    @property
    def table_of_contents(self) -> list[dict]:
        """The h2 sections, for articles long enough to need a table of contents."""
        return self.sections if len(self.sections) > TABLE_OF_CONTENTS_AFTER else []

    @property
    def directory_url(self) -> str:
        """The directory search this article recommends, with its filters already set."""
        if not self.directory_query:
            return ""
        return f"{reverse('directory:program-search')}?{self.directory_query}"

    @property
    def review_age_days(self) -> int | None:
        if self.last_reviewed is None:
            return None
        return (timezone.localdate() - self.last_reviewed).days

    @property
    def review_overdue(self) -> bool:
        """Never reviewed, or the re-review date has passed."""
        if self.last_reviewed is None:
            return True
        return self.review_due is not None and self.review_due < timezone.localdate()

    def facts_expiring_soon(self, days: int = EXPIRY_WARNING_DAYS) -> list["ExpiringFact"]:
        """The statements whose rule ends within `days` days, or has ended, soonest first."""
        horizon = timezone.localdate() + datetime.timedelta(days=days)
        return [fact for fact in self.expiring_facts.all() if fact.expires_on <= horizon]


class ExpiringFact(models.Model):
    """A statement in the article that holds only until a rule ends, such as temporary telehealth flexibilities."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="expiring_facts")
    statement = models.CharField(
        max_length=300, help_text="The words in the article that stop being true, and the rule they rest on."
    )
    expires_on = models.DateField("true until", help_text="The last day the rule is in force as written.")

    class Meta:
        ordering = ["expires_on", "pk"]
        verbose_name = "statement that expires"
        verbose_name_plural = "statements that expire"

    def __str__(self) -> str:
        return f"{self.statement} (until {self.expires_on.isoformat()})"

    @property
    def days_left(self) -> int:
        return (self.expires_on - timezone.localdate()).days


class Source(models.Model):
    """A reference the article draws on, listed at its end."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    url = models.URLField("URL", max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class FaqEntry(models.Model):
    """A common question with a short answer, shown on the article and on the FAQ page."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Plain text, a few sentences.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question
