"""Settings for the test suite: the real settings, with a throwaway secret key allowed."""
import os

os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")

from portal.settings import *  # noqa: E402,F401,F403

# Serve static files straight from the source folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
