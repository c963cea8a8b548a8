"""The fellowships and meeting types every finder request offers, kept in the cache between requests.

They change only when staff edit them: saving or deleting one clears the cached copy (see
signals.py), and it is reloaded at least every minute (for caches that are per process).
"""
from __future__ import annotations

from dataclasses import dataclass

from portal import caching
from portal.i18n import localized

MAX_AGE = 60  # seconds
CACHE_KEY = "meetings:reference-choices"


@dataclass(frozen=True)
class FellowshipChoice:
    slug: str
    name: str
    short_name: str
    name_es: str = ""

    @property
    def localized_name(self) -> str:
        return localized(self.name, self.name_es)


@dataclass(frozen=True)
class TypeChoice:
    code: str
    name: str
    featured: bool
    name_es: str = ""

    @property
    def localized_name(self) -> str:
        return localized(self.name, self.name_es)


def read_choices() -> tuple[list[FellowshipChoice], list[TypeChoice]]:
    """The fellowships and the meeting types, in display order, read from the database."""
    from meetings.models import Fellowship, MeetingType

    fellowships = [
        FellowshipChoice(slug, name, abbreviation or name, name_es)
        for slug, name, abbreviation, name_es in Fellowship.objects.values_list("slug", "name", "abbreviation", "name_es")
    ]
    types = [
        TypeChoice(code, name, featured, name_es)
        for code, name, featured, name_es in MeetingType.objects.values_list("code", "name", "featured", "name_es")
    ]
    return fellowships, types


def choices() -> tuple[list[FellowshipChoice], list[TypeChoice]]:
    """The fellowships and the meeting types, in display order (cached)."""
    return caching.shared(CACHE_KEY, read_choices, MAX_AGE)


def fellowship_choices() -> list[FellowshipChoice]:
    """The fellowships, in display order (cached): what the keyword boxes understand as fellowships
    (provided to understanding.fellowships in apps.py)."""
    return choices()[0]


def clear(**kwargs) -> None:
    """Drop the cached copy (connected to saves and deletes of fellowships and meeting types)."""
    caching.forget(CACHE_KEY)
