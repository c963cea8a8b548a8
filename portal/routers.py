"""Public reads from read replicas, everything that must be fresh from the primary.

`ReplicaReadsMiddleware` decides per request: an anonymous GET or HEAD outside the admin (no
session cookie: visitors never get one) may read from a replica; staff, the admin, form posts,
management commands and background jobs read from the primary. Once a request writes anything,
its later reads go to the primary too, so it sees its own write. A replica that cannot be
reached is left out for a while and the primary answers instead.

Replicas are the DATABASES aliases in settings.DATABASE_REPLICAS (from DATABASE_REPLICA_URLS).
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

logger = logging.getLogger(__name__)

# The replica this request may read from; None means the primary.
_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("portal_read_alias", default=None)
# alias -> time.monotonic() until which it is not tried again after a failed connection.
_unreachable_until: dict[str, float] = {}
RETRY_UNREACHABLE_AFTER = 30.0
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Apps whose rows are read right after being written by another request (sessions, logins, job
# progress, the task queue): always from the primary.
PRIMARY_ONLY_APPS = {"sessions", "auth", "admin", "contenttypes", "django_tasks_database", "opendata"}


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def read_from_primary() -> None:
    """Send the rest of this request's reads to the primary."""
    _read_alias.set(None)


def reachable(alias: str) -> bool:
    """Whether a replica answers; a failed one is skipped for RETRY_UNREACHABLE_AFTER seconds."""
    if _unreachable_until.get(alias, 0.0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()  # with CONN_HEALTH_CHECKS: drop a connection the server closed
        connection.ensure_connection()
    except Error:
        logger.warning("Read replica %s cannot be reached; reading from the primary for %ss", alias,
                       int(RETRY_UNREACHABLE_AFTER))
        _unreachable_until[alias] = time.monotonic() + RETRY_UNREACHABLE_AFTER
        with contextlib.suppress(Error):
            connection.close()
        return False
    return True


def choose_replica() -> str | None:
    candidates = replica_aliases()
    random.shuffle(candidates)
    for alias in candidates:
        if reachable(alias):
            return alias
    return None


def may_read_from_replica(request) -> bool:
    return (
        request.method in SAFE_METHODS
        and not request.path.startswith("/admin/")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaReadsMiddleware:
    """Let anonymous public reads use a replica for the length of one request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases() or not may_read_from_replica(request):
            return self.get_response(request)
        token = _read_alias.set(choose_replica())
        try:
            return self.get_response(request)
        finally:
            _read_alias.reset(token)


class PrimaryReplicaRouter:
    """Route reads to the request's replica when it has one, writes (and what follows them) to the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return _read_alias.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        read_from_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
