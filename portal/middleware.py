"""Security and privacy headers for every response, compression of public pages, and the language of each address."""
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@lru_cache(maxsize=4)
def content_security_policy(basemap_url: str = "") -> str:
    """The policy: CONTENT_SECURITY_POLICY, or with an interactive basemap (PORTAL_BASEMAP_PMTILES_URL)
    what MapLibre needs besides: its Web Worker (made from a blob), images from blobs, and the tiles'
    own origin when the operator serves them from another host of theirs. Nothing else."""
    if not basemap_url:
        return CONTENT_SECURITY_POLICY
    connect = "connect-src 'self'"
    parts = urlsplit(basemap_url)
    if parts.scheme in ("https", "http") and parts.netloc:
        connect += f" {parts.scheme}://{parts.netloc}"
    directives = [
        {"img-src 'self' data:": "img-src 'self' data: blob:", "connect-src 'self'": connect}.get(directive, directive)
        for directive in CONTENT_SECURITY_POLICY.split("; ")
    ]
    directives.insert(directives.index("object-src 'none'"), "worker-src blob:")
    return "; ".join(directives)


class PrivacyHeadersMiddleware:
    """Add a strict Content-Security-Policy and keep browsers from sharing what people search for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin too: its templates and scripts need nothing inline, so a stored script in a
        # listing cannot run in a staff member's browser either.
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(getattr(settings, "PORTAL_BASEMAP_PMTILES_URL", "")))
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        if request.GET:
            # A query string names a place and a need: keep it out of shared caches and indexes.
            response.headers.setdefault("Cache-Control", "private, no-store")
            response.headers.setdefault("X-Robots-Tag", "noindex")
        return response


class PublicPageGZipMiddleware(GZipMiddleware):
    """Compress HTML and JSON for public pages only.

    Compressing a page that holds a secret next to text an attacker can put in the URL lets the
    compressed size leak the secret (BREACH). Public pages hold no secret: visitors get no session
    and no CSRF token. Staff pages (/admin/), and any response that carries a CSRF token or sets a
    cookie, are sent uncompressed.
    """

    def process_response(self, request, response):
        if request.path.startswith("/admin/") or "CSRF_COOKIE" in request.META or response.cookies:
            return response
        return super().process_response(request, response)


class LanguageFromAddressMiddleware(LocaleMiddleware):
    """Pick the language from the address alone: /es/... is Spanish, every other address English.

    Django's LocaleMiddleware already ignores cookies and Accept-Language for unprefixed addresses
    with i18n_patterns(prefix_default_language=False), but it reads "/es-xx/" as Spanish; here only
    an exact prefix of a language in LANGUAGES counts, so an unknown prefix gets the English 404.
    The response side (Content-Language, Vary) is Django's.
    """

    def process_request(self, request):
        prefix = request.path_info.lstrip("/").split("/", 1)[0]
        codes = {code for code, _name in settings.LANGUAGES}
        language = prefix if prefix in codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language


class NotFoundPageInDevelopmentMiddleware:
    """With DEBUG on, a Spanish address that is not found shows the portal's own 404 page in Spanish
    (as in production) instead of Django's English debug page; English addresses keep the debug page,
    which lists the URL patterns for developers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No view was found for the address (a Resolver404, turned into the debug page before here).
        if response.status_code == 404 and self.applies(request) and getattr(request, "resolver_match", None) is None:
            return self.page(request)
        return response

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404) and self.applies(request):
            return self.page(request)
        return None

    @staticmethod
    def applies(request) -> bool:
        return settings.DEBUG and translation.get_language() == "es" and request.path_info.startswith("/es/")

    @staticmethod
    def page(request):
        from portal.views import page_not_found

        return page_not_found(request)
