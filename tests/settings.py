"""Settings for the test suite: the real settings, with a throwaway secret key allowed."""
import os

os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")

from config.settings import *  # noqa: E402,F401,F403

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

# The suite's clock. Unset, tests run at the real time (and every test must pass at any hour: CI runs
# at any hour). Set PORTAL_TEST_NOW to run the whole suite as if it were another instant, ticking on
# from there: "2026-03-08 01:30 America/New_York", "2026-12-07T13:40-05:00" (README, "Tests").
TEST_NOW = os.environ.get("PORTAL_TEST_NOW", "").strip()
