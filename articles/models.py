"""Educational articles about opioid use disorder and its treatment, grouped by topic."""
from __future__ import annotations

import datetime

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.rendering import MARK_START, MARK_STOP, reading_minutes, render_markdown, sanitise_html
from articles.validators import normalise_directory_query, validate_directory_query

SEARCH_CONFIG = "english"
TABLE_OF_CONTENTS_AFTER = 3  # sections: longer articles get a table of contents
STALE_REVIEW_DAYS = 365
RESERVED_SLUGS = {"search", "faq", "feed", "topic"}  # addresses under /learn/ that are not articles


class Topic(models.Model):
    """A subject that groups articles on the index, such as 'Medications' or 'Paying for care'."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=110, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences shown on the index and topic page.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the article index.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


def search_query(text: str) -> SearchQuery:
    """Web-style search text (quotes, OR, -word) as a PostgreSQL query; never raw tsquery syntax."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """Articles the public can read: published, with a publish date that has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_date__lte=timezone.now())

    def search(self, text: str) -> "ArticleQuerySet":
        """Articles matching web-style search text, best first, annotated with `rank`."""
        query = search_query(text)
        return (
            self.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "title", "pk")
        )

    def with_snippets(self, text: str) -> "ArticleQuerySet":
        """Annotate `headline`: passages of the article text around the matches, with plain-text markers.

        Pass it through articles.search.highlight() before display: that escapes it and turns the
        markers into <mark> elements.
        """
        return self.annotate(
            headline=SearchHeadline(
                "body_text",
                search_query(text),
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )

    def review_overdue(self, days: int = STALE_REVIEW_DAYS) -> "ArticleQuerySet":
        """Articles never reviewed, or last reviewed more than `days` days ago."""
        cutoff = timezone.localdate() - datetime.timedelta(days=days)
        return self.filter(models.Q(last_reviewed__isnull=True) | models.Q(last_reviewed__lt=cutoff))


class Article(models.Model):
    """A plain-language article, written in Markdown by staff, public once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The article's address: /learn/<slug>/.")
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
    reviewer = models.CharField("reviewer name", max_length=200, blank=True)

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

    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
            + SearchVector("body", weight="C", config=SEARCH_CONFIG)
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
        return reverse("articles:article", kwargs={"slug": self.slug})

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

    def save(self, *args, **kwargs) -> None:
        self.refresh_rendering()
        if self.directory_query:
            try:
                self.directory_query = normalise_directory_query(self.directory_query)
            except ValidationError:
                pass  # left as typed; full_clean() reports it
        derived = {"body_html", "body_text", "word_count", "sections"}
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
        age = self.review_age_days
        return age is None or age > STALE_REVIEW_DAYS


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
