"""WSGI entry point for production servers such as gunicorn."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the offline gazetteer before the first request rather than during it.
from places.geo import gazetteer  # noqa: E402

gazetteer()
