"""Reference data every request reads and staff rarely change (the taxonomy, the keyword
vocabulary, the meeting types, the time zones in use), kept in each process and checked against
the shared cache.

The shared cache (`CACHE_URL`: local memory, or Redis for several servers) holds the value and a
version token. Each process keeps its own unpickled copy with the token it was read under, so a
request costs one small lookup of the token instead of unpickling the whole value (and the copy
keeps its identity from one request to the next, which lets callers memoise work built on it).
Forgetting a value deletes the token: every process, on every server, reads it afresh at its next use.

Values that come in many variants (the articles related to each search) are grouped under a
*generation*: their keys include it, and forgetting the group starts a new one.
"""
from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")

MAX_HELD = 2000  # values a process keeps; past that it starts again (variants of a group come and go)

_held: dict[str, tuple[str, Any]] = {}
_lock = threading.Lock()


def _token_key(key: str) -> str:
    return f"{key}:version"


def shared(key: str, build: Callable[[], T], timeout: int) -> T:
    """The value cached under `key`, built with `build()` when no process has it, for `timeout` seconds."""
    token = cache.get(_token_key(key))
    if token is not None:
        held = _held.get(key)
        if held is not None and held[0] == token:
            return held[1]
        value = cache.get(key)
        if value is not None:
            if len(_held) >= MAX_HELD:
                _held.clear()
            _held[key] = (token, value)
            return value
    value = build()
    token = uuid.uuid4().hex
    with _lock:
        cache.set_many({key: value, _token_key(key): token}, timeout)
        if len(_held) >= MAX_HELD:
            _held.clear()
        _held[key] = (token, value)
    return value


def forget(*keys: str) -> None:
    """Drop these values everywhere: every process reads them afresh at its next use."""
    cache.delete_many([name for key in keys for name in (key, _token_key(key))])
    for key in keys:
        _held.pop(key, None)


def generation(group: str) -> str:
    """The current generation of a group of cached values, to put in their keys."""
    key = f"{group}:generation"
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        if not cache.add(key, current, None):
            current = cache.get(key) or current
    return current


def forget_group(group: str, **kwargs) -> None:
    """Start a new generation: every value of the group is read afresh (usable as a signal receiver)."""
    cache.delete(f"{group}:generation")
