"""The fellowships and meeting types every finder request offers, kept in memory between requests.

They change only when staff edit them: saving or deleting one clears this cache (see signals.py),
and it is reloaded at least every minute so that other server processes catch up.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

MAX_AGE = 60.0  # seconds

_lock = threading.Lock()
_cache: dict = {}


def _localized(english: str, spanish: str) -> str:
    from meetings.models import localized

    return localized(english, spanish)


@dataclass(frozen=True)
class FellowshipChoice:
    slug: str
    name: str
    short_name: str
    name_es: str = ""

    @property
    def localized_name(self) -> str:
        return _localized(self.name, self.name_es)


@dataclass(frozen=True)
class TypeChoice:
    code: str
    name: str
    featured: bool
    name_es: str = ""

    @property
    def localized_name(self) -> str:
        return _localized(self.name, self.name_es)


def choices() -> tuple[list[FellowshipChoice], list[TypeChoice]]:
    """The fellowships and the meeting types, in display order."""
    from meetings.models import Fellowship, MeetingType

    with _lock:
        if _cache.get("at", -MAX_AGE) + MAX_AGE < time.monotonic():
            _cache["fellowships"] = [
                FellowshipChoice(slug, name, abbreviation or name, name_es)
                for slug, name, abbreviation, name_es in Fellowship.objects.values_list(
                    "slug", "name", "abbreviation", "name_es"
                )
            ]
            _cache["types"] = [
                TypeChoice(code, name, featured, name_es)
                for code, name, featured, name_es in MeetingType.objects.values_list(
                    "code", "name", "featured", "name_es"
                )
            ]
            _cache["at"] = time.monotonic()
        return _cache["fellowships"], _cache["types"]


def clear(**kwargs) -> None:
    with _lock:
        _cache.clear()
