"""Django's Redis cache, made to degrade: while Redis cannot be reached, reads miss and writes do nothing.

Everything the portal caches can be rebuilt from the database, so an outage of the shared cache
costs speed, not pages. Connections time out quickly (a fraction of a second, not redis-py's
default of none), and after a failure Redis is left alone for a few seconds so that requests do
not each wait for it. The outage is logged once when it starts and once when it ends, with the
kind of error only: never a key, a value or anything a visitor sent.

Settings select it when CACHE_URL names Redis (`redis://`, `rediss://`).
"""
from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("portal.cache")

# Seconds to wait for a connection, and for an answer, before counting Redis as unreachable.
CONNECT_TIMEOUT = 0.25
ANSWER_TIMEOUT = 0.5


def _connection_errors() -> tuple[type[BaseException], ...]:
    import redis

    # redis-py's TimeoutError is a RedisError, not the built-in one; OSError covers a socket that
    # broke in a way redis-py did not wrap.
    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _degrades(default):
    """Run the cache operation; while Redis is unreachable answer `default(args)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._skipping():
                return default(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except self._errors as error:
                self._went_down(error)
                return default(*args, **kwargs)
            self._came_back()
            return result

        return wrapper

    return decorate


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _default_value(key, default=None, *args, **kwargs):
    return default


def _nothing_found(*args, **kwargs):
    return {}


def _every_key_failed(data, *args, **kwargs):
    return list(data)


def _key_not_found(key, *args, **kwargs):
    # What Django's backends raise for incr() on a missing key; callers already handle it.
    raise ValueError(f"Key '{key}' not found.")


class ResilientRedisCache(RedisCache):
    """RedisCache that treats a lost connection as a miss (reads) or a no-op (writes)."""

    # After a failure, Redis is tried again only after this many seconds.
    retry_after = 5.0

    def __init__(self, server, params):
        options = {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": ANSWER_TIMEOUT,
                   **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._errors = _connection_errors()
        self._down_until = 0.0
        self._down = False
        self._state_lock = threading.Lock()

    # The outage ------------------------------------------------------------------------------------

    def _skipping(self) -> bool:
        return self._down and time.monotonic() < self._down_until

    def _went_down(self, error: BaseException) -> None:
        with self._state_lock:
            self._down_until = time.monotonic() + self.retry_after
            if self._down:
                return
            self._down = True
        logger.warning("The shared cache cannot be reached (%s): serving pages without it, trying again every %ss.",
                       type(error).__name__, int(self.retry_after))

    def _came_back(self) -> None:
        if self._down:
            with self._state_lock:
                if not self._down:
                    return
                self._down = False
            logger.warning("The shared cache answers again.")

    def reachable(self) -> bool:
        """Whether Redis answers a ping now (for /readyz): tried even while requests skip it."""
        try:
            self._cache.get_client(None).ping()
        except self._errors as error:
            self._went_down(error)
            return False
        self._came_back()
        return True

    # The cache API -------------------------------------------------------------------------------

    add = _degrades(_false)(RedisCache.add)
    get = _degrades(_default_value)(RedisCache.get)
    set = _degrades(_none)(RedisCache.set)
    touch = _degrades(_false)(RedisCache.touch)
    delete = _degrades(_false)(RedisCache.delete)
    get_many = _degrades(_nothing_found)(RedisCache.get_many)
    has_key = _degrades(_false)(RedisCache.has_key)
    incr = _degrades(_key_not_found)(RedisCache.incr)
    set_many = _degrades(_every_key_failed)(RedisCache.set_many)
    delete_many = _degrades(_none)(RedisCache.delete_many)
    clear = _degrades(_false)(RedisCache.clear)
