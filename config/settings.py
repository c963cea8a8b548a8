"""Settings for the treatment portal, read from the environment (see .env.example)."""
import datetime
import os
from pathlib import Path

import environ
from corsheaders.defaults import default_headers as corsheaders_default_headers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


class Env(environ.Env):
    """django-environ's reader with the portal's two rules: spaces around a value do not count, and an
    empty value (`KEY=` in .env) means "not set", so the default applies."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        raw = self.ENVIRON.get(f"{self.prefix}{var}")
        if raw is not None and not raw.strip() and default is not self.NOTSET:
            return default
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)

    @classmethod
    def parse_value(cls, value, cast):
        return super().parse_value(value.strip() if isinstance(value, str) else value, cast)


env = Env()
# A .env file (see .env.example) fills in what the real environment does not set. `export KEY=value`
# lines and comments after values (`KEY=value  # note`) are understood; quote a value that contains
# `#` with single quotes.
Env.read_env(os.environ.get("PORTAL_ENV_FILE", BASE_DIR / ".env"), parse_comments=True)

from portal.database import database_config, replica_configs  # noqa: E402  (reads DATABASE_URL, so after .env)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable (1/0, true/false, yes/no, on/off)."""
    return env.bool(name, default=default)


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in env.str(name, default=default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not env_bool("PORTAL_ALLOW_INSECURE_KEY"):
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "axes",
    "corsheaders",
    "places",
    "portal",
    "understanding",
    "directory",
    "articles",
    "meetings",
    "opendata",
    "guide",
    "updates",
    "safety",
    # After the apps: opendata's `db_worker` (the worker that outlives a database restart) replaces
    # django-tasks-db's own, as the first app with a command of that name wins.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what the middleware below produce; static files are pre-compressed by WhiteNoise.
    "portal.middleware.PublicPageGZipMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "portal.middleware.PrivacyHeadersMiddleware",
    "portal.routers.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address alone: /es/... is Spanish, everything else English; no
    # cookie, session or Accept-Language decides it (portal.i18n only offers a link from the latter).
    "portal.middleware.LanguageFromAddressMiddleware",
    "portal.middleware.NotFoundPageInDevelopmentMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers a locked-out staff login with 429.
    "axes.middleware.AxesMiddleware",
]

# Staff sign-in: django-axes counts failures and locks out before Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "portal.context_processors.languages",
            ],
        },
    },
    # The result lists that pages repeat for every card and checkbox (config/jinja.py says why).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja.environment", "extensions": ["jinja2.ext.i18n"]},
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": database_config()}
# Background jobs record their progress through a second connection to the primary, so the staff
# member's progress page sees it while the import's own transaction is still open.
DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
# Read replicas for public pages (see portal/routers.py): DATABASE_REPLICA_URLS, comma-separated.
DATABASE_REPLICAS = []
for _number, _config in enumerate(replica_configs()):
    DATABASES[f"replica{_number + 1}"] = _config
    DATABASE_REPLICAS.append(f"replica{_number + 1}")
DATABASE_ROUTERS = ["portal.routers.PrimaryReplicaRouter"]

# The cache (taxonomy, meeting reference lists, time zones in use): memory of each process unless
# CACHE_URL names a shared one, e.g. redis://127.0.0.1:6379/1 (django-environ's cache URL schemes).
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    # Template fragments ({% cache %}), in each process: the page chrome that depends only on the
    # language and the section (crisis bar, navigation, footer, the head's links to static files), so
    # nothing needs clearing. (The result lists' pieces are kept by portal.fragments.kept.)
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments",
        # A results page adds up to 40 fragments (Django's default keeps 300); some 15 MB at most.
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
}
# Redis through Django's backend, made to degrade: while it cannot be reached the portal works
# without it (reads miss, writes do nothing; portal/cache_backends.py) and /readyz says so.
# In one process's memory (no CACHE_URL): room for the kept search answers (directory.querysets) beside
# the reference data, which Django's default of 300 entries would push out.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "portal.cache_backends.ResilientRedisCache"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English at today's addresses, Spanish under /es/. The admin stays English.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date and time formats per language (portal/formats/<lang>/formats.py), over Django's own.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = env.str("PORTAL_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default="") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The published HSDS data package. With several app servers, a folder they all mount (or any
    # Django storage backend they share).
    "opendata": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("OPENDATA_PACKAGE_DIR", default="") or str(BASE_DIR / "var" / "opendata")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Privacy: anonymous visitors get no cookie. Sessions and CSRF cookies exist only for staff pages.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Other sites never learn which page (and so which search) a visitor came from.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Proxies in front of the app (nginx: 1). Only then are X-Forwarded-Proto and the last
# PORTAL_TRUSTED_PROXY_COUNT entries of X-Forwarded-For believed; with 0, nobody can claim HTTPS or
# another address by sending a header.
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)
if PORTAL_TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if env_bool("DJANGO_SECURE", not DEBUG and env_bool("DJANGO_HTTPS", False)):
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    # /healthz and /readyz answer a local load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    # Every subdomain is HTTPS too, and browsers may ship the name in their preload list. Set these to
    # 0 when the portal shares its domain with sites that are not HTTPS-only.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# Other sites' pages may read the public API and the meeting feed (read-only, no cookies); nothing else.
CORS_URLS_REGEX = r"^/(api/.*|meetings/feed\.json)$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
# What a script on another site may read and send: the validators (ETag, Last-Modified) and the
# conditional request headers that revalidate with them, Link for pagination, Retry-After of a 503.
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After", "Content-Disposition"]
CORS_ALLOW_HEADERS = (*corsheaders_default_headers, "if-none-match", "if-modified-since")

# Logging: never write a visitor's search (and so their location) to a log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"strip_query": {"()": "portal.logging.StripQueryStringFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["strip_query"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Failed staff sign-ins (django-axes): after PORTAL_LOGIN_FAILURE_LIMIT failures for one account from
# one address, sign-in to that account from that address is refused for PORTAL_LOGIN_LOCKOUT_MINUTES
# (locking the account alone would let anyone who knows a colleague's user name lock them out; the
# address alone, a whole office). Each failure is written to the log (account name and an address
# hash, never the address) and to the admin's "Access failures" (hashes of the address and user agent).
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("PORTAL_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins need no address record
AXES_HANDLER = "portal.signin.HashedClientDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "portal.signin.hashed_client_address"
AXES_CLIENT_STR_CALLABLE = "portal.client.login_attempt_description"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Portal settings.
PORTAL_NAME = env.str("PORTAL_NAME", default="Find Opioid Treatment")
# The name on Spanish pages: a Spanish name for the default one, else the same name unless set.
PORTAL_NAME_ES = env.str(
    "PORTAL_NAME_ES",
    default="Encuentre tratamiento para los opioides" if PORTAL_NAME == "Find Opioid Treatment" else PORTAL_NAME,
)
PORTAL_REGION = env.str("PORTAL_REGION", default="")
PORTAL_DEMO = env_bool("PORTAL_DEMO", False)
PORTAL_QUICK_EXIT_URL = env.str("PORTAL_QUICK_EXIT_URL", default="https://www.weather.gov/")
PORTAL_PAGE_SIZE = env.int("PORTAL_PAGE_SIZE", default=20)
PORTAL_STALE_AFTER_DAYS = env.int("PORTAL_STALE_AFTER_DAYS", default=180)
# Problem reports: at most this many per visitor per hour, and per listing per day (from everyone).
PORTAL_REPORTS_PER_VISITOR_PER_HOUR = env.int("PORTAL_REPORTS_PER_VISITOR_PER_HOUR", default=5)
PORTAL_REPORTS_PER_LISTING_PER_DAY = env.int("PORTAL_REPORTS_PER_LISTING_PER_DAY", default=10)
# An interactive street map over the server-drawn one: the address of a PMTiles basemap the operator
# hosts (a same-origin path such as /basemap/maryland.pmtiles, or a URL on their own host). Empty: none
# of it loads (no script, no style, no CSP change). See README, "An interactive street map (optional)".
PORTAL_BASEMAP_PMTILES_URL = env.str("PORTAL_BASEMAP_PMTILES_URL", default="").strip()

# Email (update links, reminders): EMAIL_URL as django-environ reads it, e.g.
# smtp+tls://user:password@smtp.example.org:587 ; development prints messages to the console.
# Production without EMAIL_URL sends through a mail server on this machine (smtp://localhost:25), never
# to a log: a message carries a program's update link.
vars().update(env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# Where programs write to ask staff for a new update link (shown on an expired link's page and in emails).
PORTAL_STAFF_EMAIL = env.str("PORTAL_STAFF_EMAIL", default=DEFAULT_FROM_EMAIL)
# Where links in emails and `manage.py provider_link` point (scheme and host, no trailing slash).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Programs' update links: days a link stays usable, and limits on what is sent through one.
PORTAL_PROVIDER_LINK_DAYS = env.int("PORTAL_PROVIDER_LINK_DAYS", default=30)
PORTAL_PROVIDER_ANSWERS_PER_LINK_PER_DAY = env.int("PORTAL_PROVIDER_ANSWERS_PER_LINK_PER_DAY", default=10)
PORTAL_PROVIDER_ANSWERS_PER_ADDRESS_PER_HOUR = env.int("PORTAL_PROVIDER_ANSWERS_PER_ADDRESS_PER_HOUR", default=10)
# Availability a program sends (accepting new patients, beds, wait) is published at once; 0: staff approve it too.
PORTAL_PROVIDER_AVAILABILITY_AT_ONCE = env_bool("PORTAL_PROVIDER_AVAILABILITY_AT_ONCE", True)

# Open data (imports and the HSDS API).
# UUID namespace of the HSDS identifiers this portal publishes; keep it fixed once data is shared.
OPENDATA_ID_NAMESPACE = env.str("OPENDATA_ID_NAMESPACE", default="")
# Largest file an import accepts (bytes; a zip's uncompressed contents count).
OPENDATA_MAX_IMPORT_BYTES = env.int("OPENDATA_MAX_IMPORT_BYTES", default=50 * 1024 * 1024)
# Where uploaded files wait between the admin preview and the import (default: the system temp folder).
OPENDATA_UPLOAD_DIR = env.str("OPENDATA_UPLOAD_DIR", default="")

# Seconds to wait after a change before rebuilding the data package, so a batch of edits gives one build.
OPENDATA_PACKAGE_DELAY = env.int("OPENDATA_PACKAGE_DELAY", default=60)

# Background jobs (django-tasks, the backport of Django 6's tasks framework) queued in PostgreSQL
# itself: run `manage.py db_worker` beside the web server (`make run` starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
