"""Keeping the portal on a phone without an account: the "Saved" page (its list lives in the
browser's own storage, static/js/device.js), the web app manifest, and the service worker that
opens the Saved page, with the crisis lines, without a connection."""
from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

OFFLINE_ASSETS = ("css/portal.css", "js/portal.js", "js/device.js", "img/favicon.svg", "img/icon-192.png")


@require_safe
def saved(request):
    """The programs and meetings saved on this device (drawn by device.js from the browser's storage)."""
    return render(request, "portal/saved.html")


def saved_pages() -> list[str]:
    """The Saved page in each language: what the service worker keeps for use offline."""
    pages = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            pages.append(reverse("saved"))
    return pages


@require_safe
def service_worker(request):
    """The service worker, at the root so that its scope is the whole site. It keeps the Saved pages
    and the files they need, and nothing else: no search and no listing is stored by it."""
    assets = [static(path) for path in OFFLINE_ASSETS]
    pages = saved_pages()
    version = hashlib.sha256(json.dumps([assets, pages]).encode()).hexdigest()[:12]
    response = render(
        request, "portal/sw.js",
        {"cache_name": f"portal-offline-{version}", "pages_json": json.dumps(pages), "assets_json": json.dumps(assets)},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def manifest(request):
    """The web app manifest, so that the portal can be added to a phone's home screen."""
    data = {
        "name": settings.PORTAL_NAME,
        "short_name": "Find treatment" if len(settings.PORTAL_NAME) > 12 else settings.PORTAL_NAME,
        "description": "Find treatment for opioid use near you, and support groups. No cookies, no tracking.",
        "lang": "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5563",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
