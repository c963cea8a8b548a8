"""Security and privacy headers for every response, and compression of public pages."""
from django.middleware.gzip import GZipMiddleware

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


class PrivacyHeadersMiddleware:
    """Add a strict Content-Security-Policy and keep browsers from sharing what people search for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin too: its templates and scripts need nothing inline, so a stored script in a
        # listing cannot run in a staff member's browser either.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
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
