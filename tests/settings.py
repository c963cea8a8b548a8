"""Settings for the test suite: the real settings, with a throwaway secret key allowed."""
import os

os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")

from portal.settings import *  # noqa: E402,F401,F403

# Serve static files straight from the source folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The published data package goes to a throwaway folder; builds run as soon as a worker looks.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

_package_dir = tempfile.mkdtemp(prefix="portal-test-opendata-")
atexit.register(shutil.rmtree, _package_dir, ignore_errors=True)
STORAGES = {
    **STORAGES,  # noqa: F405
    "opendata": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _package_dir},
    },
}
OPENDATA_PACKAGE_DELAY = 0
