"""The signing rules of update links: tampering, expiry, the listing's version, newer links."""
import datetime

import pytest
from django.core import signing
from django.core.management import call_command
from django.core.management.base import CommandError

from updates import links
from updates.models import UpdateLink

pytestmark = pytest.mark.django_db


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_a_fresh_link_opens_the_form_prefilled(client, program, clock):
    link, token = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    response = client.get(f"/update/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbor Recovery" in html and 'value="(434) 555-0100"' in html
    assert response.cookies == {}
    assert response["Referrer-Policy"] == "no-referrer"
    link.refresh_from_db()
    assert link.opened_at == clock.now


def test_a_tampered_link_opens_no_form(client, program, clock):
    _, token = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    payload = signing.loads(token, salt=links.SALT)
    forged = signing.dumps({**payload, "p": payload["p"] + 1}, salt="another salt", compress=True)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "nonsense", token[:20]):
        response = client.get(f"/update/{bad}/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "<form" not in html.split("<main", 1)[1]
        assert "not complete or not correct" in html and "How to get a new link" in html


def test_a_link_expires_after_the_configured_days(client, program, clock, settings):
    settings.PORTAL_PROVIDER_LINK_DAYS = 10
    _, token = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    clock.move(days=9, hours=23)
    assert client.get(f"/update/{token}/").status_code == 200
    clock.move(hours=2)
    response = client.get(f"/update/{token}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "This update link has expired" in html and 'name="confirm"' not in html
    assert "mailto:" in html


def test_a_link_stops_working_once_the_listing_changed(client, program, clock):
    _, token = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    program.phone = "(434) 555-0177"
    program.save()
    response = client.get(f"/update/{token}/")
    assert response.status_code == 410
    assert "The listing has changed since this link was sent" in response.content.decode()


def test_availability_changes_do_not_end_a_link(client, program, clock):
    _, token = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    program.beds_available = 4
    program.save()
    assert client.get(f"/update/{token}/").status_code == 200


def test_a_newer_link_supersedes_the_older_one(client, program, clock):
    _, old = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    clock.move(minutes=1)
    _, new = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    response = client.get(f"/update/{old}/")
    assert response.status_code == 410
    assert "A newer update link was sent" in response.content.decode()
    assert client.get(f"/update/{new}/").status_code == 200


def test_the_link_grants_nothing_in_the_admin(client, program, clock):
    _, token = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    client.get(f"/update/{token}/")
    for url in ("/admin/", f"/admin/directory/program/{program.pk}/change/", "/admin/updates/proposal/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_provider_link_prints_the_absolute_address(program, clock, capsys, settings):
    call_command("provider_link", program.slug, "--base-url", "https://portal.example.org/")
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://portal.example.org/update/")
    assert links.check(token_of(url)).usable
    program.contact_language = "es"
    program.save()
    call_command("provider_link", program.slug)
    url = capsys.readouterr().out.strip()
    assert url.startswith(settings.PORTAL_BASE_URL + "/es/update/")
    call_command("provider_link", program.slug, "--dry-run")
    assert UpdateLink.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("provider_link", "no-such-program")


def test_the_expiry_is_inside_the_signature(program, clock):
    link, token = links.issue(program, kind=UpdateLink.Kind.PRINTED)
    # Even if the stored row were edited, the signed expiry still ends the link.
    UpdateLink.objects.filter(pk=link.pk).update(expires_at=clock.now + datetime.timedelta(days=999))
    clock.move(days=31)
    assert links.check(token).problem == links.LinkProblem.EXPIRED


@pytest.mark.parametrize("path", ["/update/%00/", "/update/%C3%A9t%C3%A9/", "/update/a:b:c/", "/update/" + "x" * 5000 + "/",
                                  "/es/update/..%2F..%2Fadmin/", "/update/.eJyrVspJLS5RslIqS8wpTVWqBQA5-AYY:1:2/"])
def test_any_token_answers_a_page_never_an_error(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    if "%2F" not in path:  # an encoded slash makes it another address: the site's own "not found" page
        assert "This link cannot be used" in response.content.decode() or "Este enlace" in response.content.decode()
    assert client.post(path, {"confirm": "1"}).status_code == 404
