"""WSGI entry point for production servers such as gunicorn."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Web requests only: a query past PORTAL_STATEMENT_TIMEOUT_MS is cut and the page says so.
from django.db import connections  # noqa: E402

from portal.database import limit_web_statements  # noqa: E402

limit_web_statements(connections.settings)

# Load the offline gazetteer before the first request rather than during it.
from places.geo import gazetteer  # noqa: E402

gazetteer()
