"""Keeping the portal on a phone: the Saved page, the web app manifest and the service worker,
each served under the strict Content-Security-Policy and without a cookie."""
import json

import pytest

from portal.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def test_saved_page_in_both_languages_is_linked_from_every_page(client):
    for home, saved, title in (("/", "/saved/", "Saved on this device"), ("/es/", "/es/saved/", "Guardado en este dispositivo")):
        assert f'href="{saved}"' in client.get(home).content.decode()
        response = client.get(saved)
        assert response.status_code == 200 and title in response.content.decode()
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY and not response.cookies
    assert "This list needs JavaScript" in client.get("/saved/").content.decode()


def test_manifest_names_the_portal_with_self_hosted_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY and not response.cookies
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/")
        assert client.get(icon["src"]).status_code == 200
    assert 'rel="manifest" href="/manifest.webmanifest"' in client.get("/").content.decode()


def test_service_worker_is_served_at_the_root_and_keeps_only_the_saved_pages(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY and not response.cookies
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'var PAGES = ["/saved/", "/es/saved/"];' in body
    assert "/programs/" not in body and "/meetings/" not in body
    assert "portal-offline-" in body
