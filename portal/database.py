"""Choose the database: DATABASE_URL when set, else an embedded PostgreSQL kept in .pgdata/."""
import os
from pathlib import Path
from urllib.parse import unquote

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
EMBEDDED_DATA_DIR = Path(os.environ.get("PORTAL_EMBEDDED_PGDATA", BASE_DIR / ".pgdata"))


def embedded_database_url(data_dir: Path = EMBEDDED_DATA_DIR) -> str:
    """Start (or reuse) the embedded PostgreSQL server and return its URL.

    pgserver ships a real PostgreSQL 16 inside a pip package. It keeps running after this process
    exits so that later commands (migrate, runserver, tests) share one server; it listens on a Unix
    socket inside the data folder only, never on a network port.
    """
    import pgserver  # imported lazily: only the embedded path needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    return server.get_uri()


def parse_database_url(url: str, *, conn_max_age: int) -> dict:
    """A DATABASES entry from a postgres:// URL, read by django-environ (query parameters become OPTIONS)."""
    config = environ.Env.db_url_config(url)
    if "%" in (config.get("HOST") or ""):  # a socket folder given percent-encoded as the host
        config["HOST"] = unquote(config["HOST"])
    config["CONN_MAX_AGE"] = conn_max_age
    config.setdefault("OPTIONS", {})
    return config


def database_config() -> dict:
    """Return Django's DATABASES['default'] for this environment."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = embedded_database_url()
    config = parse_database_url(url, conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")))
    # A kept connection is checked before each request reuses it, so the first request after a
    # PostgreSQL restart (or a dropped connection) reconnects instead of failing.
    config["CONN_HEALTH_CHECKS"] = True
    return config


def replica_configs() -> list[dict]:
    """DATABASES entries for the read replicas listed in DATABASE_REPLICA_URLS (comma-separated)."""
    conn_max_age = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
    configs = []
    for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(","):
        if url.strip():
            config = parse_database_url(url.strip(), conn_max_age=conn_max_age)
            # Tests never create a database on a replica: it mirrors the primary's.
            config["TEST"] = {"MIRROR": "default"}
            configs.append(config)
    return configs


# A web request's queries are cut after this many milliseconds (PostgreSQL's statement_timeout), so a
# slow query or a lock held by a long import answers an error page instead of holding a worker.
DEFAULT_STATEMENT_TIMEOUT_MS = 5000


def statement_timeout_ms() -> int:
    return int(os.environ.get("PORTAL_STATEMENT_TIMEOUT_MS", "").strip() or DEFAULT_STATEMENT_TIMEOUT_MS)


def limit_web_statements(databases: dict) -> None:
    """Bound every query of this process by PORTAL_STATEMENT_TIMEOUT_MS (0: no bound).

    Called by the WSGI entry point only (config/wsgi.py: gunicorn, runserver), so migrations,
    imports, workers and other management commands, which legitimately run long, are not cut. The
    limit is a libpq startup option of every connection this process opens, not a query of its own.
    """
    milliseconds = statement_timeout_ms()
    if milliseconds <= 0:
        return
    for config in databases.values():
        options = config.setdefault("OPTIONS", {})
        current = options.get("options", "")
        if "statement_timeout" not in current:  # aliases may share one OPTIONS dict
            options["options"] = f"{current} -c statement_timeout={milliseconds}".strip()
