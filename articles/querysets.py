"""How articles are searched and listed: the languages and their text search configurations, the
search vector and query, and ArticleQuerySet (which articles.models uses)."""
from __future__ import annotations

import datetime

from django.apps import apps
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import models
from django.db.models import F, Func, Value
from django.utils import timezone, translation

from articles.rendering import MARK_START, MARK_STOP


class Language(models.TextChoices):
    """The languages articles are written in; each has its PostgreSQL text search configuration."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


DEFAULT_LANGUAGE = Language.ENGLISH
SEARCH_CONFIGS = {Language.ENGLISH: "english", Language.SPANISH: "spanish"}
# Many Spanish readers type without accents (phones, English keyboards). The Spanish stemmer only
# recognises suffixes with their accents ("desintoxicación" -> desintox, "desintoxicacion" is kept
# whole), and unaccent is a contrib extension the embedded server lacks, so Spanish articles are
# indexed twice: as written, and with accents and tildes folded by translate() (immutable, core).
ACCENTED = "áéíóúüñÁÉÍÓÚÜÑ"
UNACCENTED = "aeiouunAEIOUUN"
EXPIRY_WARNING_DAYS = 60  # staff are warned this long before a statement's rule ends


def language_code(code: str | None = None) -> str:
    """The article language for a Django language code ('es', 'es-mx' -> 'es'); the active one if none.

    Anything that is not Spanish is English, the portal's default language.
    """
    code = (code or translation.get_language() or "").lower()
    return Language.SPANISH.value if code.split("-")[0] == Language.SPANISH else DEFAULT_LANGUAGE.value


def fold_accents(text: str) -> str:
    """The text with Spanish accents and tildes removed, as the index's folded copy has them."""
    return text.translate(str.maketrans(ACCENTED, UNACCENTED))


def search_query(text: str, language: str | None = None) -> SearchQuery:
    """Web-style search text (quotes, OR, -word) as a PostgreSQL query; never raw tsquery syntax.

    Parsed with the text search configuration of the language (the active one when not given).
    A Spanish query also matches the accent-folded copy of the Spanish index.
    """
    language = language_code(language)
    config = SEARCH_CONFIGS[language]
    query = SearchQuery(text, search_type="websearch", config=config)
    if language == Language.SPANISH and fold_accents(text) != text:
        query |= SearchQuery(fold_accents(text), search_type="websearch", config=config)
    return query


def _folded(field: str) -> Func:
    return Func(F(field), Value(ACCENTED), Value(UNACCENTED), function="translate", output_field=models.TextField())


def search_vector(language: str):
    """Title (A), summary (B) and body (C) in the language's configuration; Spanish also accent-folded."""
    config = SEARCH_CONFIGS[language]
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    if language == Language.SPANISH:
        vector = (
            vector
            + SearchVector(_folded("title"), weight="A", config=config)
            + SearchVector(_folded("summary"), weight="B", config=config)
            + SearchVector(_folded("body"), weight="C", config=config)
        )
    return vector


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """Articles the public can read: published, with a publish date that has come."""
        return self.filter(status=self.model.Status.PUBLISHED, publish_date__lte=timezone.now())

    def in_language(self, code: str | None = None) -> "ArticleQuerySet":
        """Articles written in a language ('en', 'es', or a Django code such as 'es-mx'); the active one if none."""
        return self.filter(language=language_code(code))

    def search(self, text: str, language: str | None = None) -> "ArticleQuerySet":
        """Articles in the language (the active one if none) matching web-style search text, best first.

        Each article's vector is built with its own language's configuration, so the query is parsed
        with that configuration and only articles in that language are searched. Annotates `rank`.
        """
        language = language_code(language)
        query = search_query(text, language)
        return (
            self.in_language(language)
            .filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "title", "pk")
        )

    def with_snippets(self, text: str, language: str | None = None) -> "ArticleQuerySet":
        """Annotate `headline`: passages of the article text around the matches, with plain-text markers.

        Pass it through articles.search.highlight() before display: that escapes it and turns the
        markers into <mark> elements.
        """
        language = language_code(language)
        return self.annotate(
            headline=SearchHeadline(
                "body_text",
                search_query(text, language),
                config=SEARCH_CONFIGS[language],
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )

    def publishable(self) -> "ArticleQuerySet":
        """Articles staff may publish: a clinical reviewer other than the last editor, a review date, a source."""
        return (
            self.filter(reviewer__isnull=False, last_reviewed__isnull=False,
                        pk__in=apps.get_model("articles", "Source").objects.values("article"))
            .exclude(last_edited_by__isnull=False, reviewer__user=F("last_edited_by"))
        )

    def review_overdue(self) -> "ArticleQuerySet":
        """Articles never reviewed, or whose re-review date has passed."""
        today = timezone.localdate()
        return self.filter(models.Q(last_reviewed__isnull=True) | models.Q(review_due__lt=today))

    def facts_expiring(self, days: int = EXPIRY_WARNING_DAYS) -> "ArticleQuerySet":
        """Articles with a statement whose rule ends within `days` days (or has ended)."""
        horizon = timezone.localdate() + datetime.timedelta(days=days)
        facts = apps.get_model("articles", "ExpiringFact").objects.filter(expires_on__lte=horizon)
        return self.filter(pk__in=facts.values("article"))
