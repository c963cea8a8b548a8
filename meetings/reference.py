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


@dataclass(frozen=True)
class FellowshipChoice:
    slug: str
    name: str
    short_name: str


@dataclass(frozen=True)
class TypeChoice:
    code: str
    name: str
    featured: bool


def choices() -> tuple[list[FellowshipChoice], list[TypeChoice]]:
    """The fellowships and the meeting types, in display order."""
    from meetings.models import Fellowship, MeetingType

    with _lock:
        if _cache.get("at", -MAX_AGE) + MAX_AGE < time.monotonic():
            _cache["fellowships"] = [
                FellowshipChoice(slug, name, abbreviation or name)
                for slug, name, abbreviation in Fellowship.objects.values_list("slug", "name", "abbreviation")
            ]
            _cache["types"] = [
                TypeChoice(code, name, featured)
                for code, name, featured in MeetingType.objects.values_list("code", "name", "featured")
            ]
            _cache["at"] = time.monotonic()
        return _cache["fellowships"], _cache["types"]


def clear(**kwargs) -> None:
    with _lock:
        _cache.clear()
