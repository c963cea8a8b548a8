"""The one slug generator: a URL-safe base from some text, made unique with -2, -3, ... ."""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils.text import slugify


def slug_base(text: str, *, max_length: int, fallback: str) -> str:
    """`text` as a slug of at most `max_length` characters (`fallback` when nothing URL-safe is left)."""
    return slugify(text)[:max_length].strip("-") or fallback


def unique_slug(text: str, taken: set[str] | QuerySet, *, max_length: int = 200, fallback: str = "item",
                already_slug: bool = False) -> str:
    """A slug made from `text` that is not in `taken`.

    `taken` is either a set of slugs in use (the new slug is added to it, for bulk work) or a
    QuerySet whose rows have a `slug` field (one query per candidate, for single saves).
    `already_slug` keeps `text` as it is (it is a slug already, e.g. a feed's own).
    """
    base = text if already_slug else slug_base(text, max_length=max_length, fallback=fallback)
    if isinstance(taken, QuerySet):
        def in_use(slug: str) -> bool:
            return taken.filter(slug=slug).exists()
    else:
        def in_use(slug: str) -> bool:
            return slug in taken
    slug, n = base, 2
    while in_use(slug):
        slug, n = f"{base}-{n}", n + 1
    if not isinstance(taken, QuerySet):
        taken.add(slug)
    return slug
