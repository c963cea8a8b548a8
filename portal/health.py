"""Health endpoints for load balancers and process managers: /healthz and /readyz.

/healthz answers 200 while the database answers a query and 503 otherwise, so a balancer can take a
server out of rotation while its database is away. /readyz also requires every migration to be
applied, so a server is sent traffic only once a deployment has finished migrating, and says
whether the shared cache answers: without it the pages still work, only slower, so a cache outage
makes /readyz answer 200 with `"status": "degraded"` rather than take every server out of rotation.
Both answer JSON, set no cookie and are never cached.
"""
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def _database_reachable() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _unapplied_migrations() -> int:
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _cache_state() -> str:
    """"ok", "unreachable" (a shared cache that does not answer), or "local" (each process's memory)."""
    cache = caches["default"]
    if not hasattr(cache, "reachable"):
        return "local"
    return "ok" if cache.reachable() else "unreachable"


@never_cache
@require_safe
def healthz(request):
    """Alive: the database answers."""
    if _database_reachable():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)


@never_cache
@require_safe
def readyz(request):
    """Ready for traffic: the database answers and every migration is applied."""
    if not _database_reachable():
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    try:
        pending = _unapplied_migrations()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if pending:
        return JsonResponse({"status": "unavailable", "database": "ok", "unapplied_migrations": pending}, status=503)
    cache = _cache_state()
    status = "degraded" if cache == "unreachable" else "ok"
    return JsonResponse({"status": status, "database": "ok", "migrations": "applied", "cache": cache})
