"""Full-text search over published articles, for the article search page and the directory search."""
from __future__ import annotations

import hashlib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, language_code
from articles.rendering import MARK_START, MARK_STOP
from portal import caching

MAX_SEARCH_LENGTH = 200
# The articles beside search results are kept for a few minutes (an edit or a publication starts
# afresh at once; an article scheduled for later appears within this time of its date).
RELATED_GROUP = "articles:related"
RELATED_MAX_AGE = 300
_HIGHLIGHT = re.compile(re.escape(MARK_START) + "(.*?)" + re.escape(MARK_STOP), re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_search_text(text: str | None) -> str:
    """Search text safe to hand to PostgreSQL: no control characters (NUL breaks a query), not too long."""
    return _CONTROL.sub(" ", text or "").strip()[:MAX_SEARCH_LENGTH]


def highlight(headline: str | None) -> SafeString:
    """Escape a search headline completely, then turn its plain-text markers into <mark> elements.

    Nothing from the article can become markup: the only tags in the result are the <mark> pairs
    added here, and stray markers are dropped.
    """
    escaped = escape(headline or "")
    marked = _HIGHLIGHT.sub(lambda match: f"<mark>{match.group(1)}</mark>", escaped)
    return mark_safe(marked.replace(MARK_START, "").replace(MARK_STOP, ""))


def search_articles(text: str, language: str | None = None):
    """Published articles in the language (the active one if none) matching the text, best first.

    Each has a `headline` to pass to highlight().
    """
    text = clean_search_text(text)
    if not text:
        return Article.objects.none()
    return (
        Article.objects.published().search(text, language).with_snippets(text, language).prefetch_related("topics")
    )


def related_articles(text: str | None, limit: int = 3, language: str | None = None) -> list[Article]:
    """Published articles in the language (the active one if none) that match a directory keyword search."""
    text = clean_search_text(text)
    if not text or limit < 1:
        return []
    language = language_code(language)
    # Keyed by a digest: the shared cache holds no search words.
    digest = hashlib.sha256(f"{language}\0{limit}\0{text}".encode()).hexdigest()[:32]
    return caching.shared(
        f"{RELATED_GROUP}:{caching.generation(RELATED_GROUP)}:{digest}",
        lambda: list(
            Article.objects.published().search(text, language).only("title", "slug", "summary", "language")[:limit]
        ),
        RELATED_MAX_AGE,
    )
