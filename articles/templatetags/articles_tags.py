"""Boxes of articles that other apps' pages show, asked for from their templates."""
from django import template

from articles.search import related_articles

register = template.Library()


@register.inclusion_tag("articles/includes/related_articles.html")
def related_articles_box(keywords: str | None, limit: int = 3) -> dict:
    """Published articles matching a keyword search, with a link to search all articles.

    Usage: {% load articles_tags %}{% related_articles_box filterset.keywords %}
    """
    return {"articles": related_articles(keywords, limit), "query": keywords}
