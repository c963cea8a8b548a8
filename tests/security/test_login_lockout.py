"""Guessing a staff password: a few tries, then sign-in is paused, and every failure is on record."""
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import User

from tests.factories import make_program

pytestmark = pytest.mark.django_db
ATTACKER = "203.0.113.50"


@pytest.fixture
def staff(db):
    return User.objects.create_superuser("editor", "editor@example.org", "the right passphrase 42")


def sign_in(client, password, username="editor", address=ATTACKER):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"},
                       REMOTE_ADDR=address)


def test_repeated_wrong_passwords_lock_the_account_even_against_the_right_one(client, staff, caplog, settings):
    settings.AXES_FAILURE_LIMIT = 5
    caplog.set_level(logging.WARNING)
    for guess in range(4):
        response = sign_in(client, f"guess {guess}")
        assert response.status_code == 200 and "Please enter the correct username and password" in response.content.decode()
    locked = sign_in(client, "guess 5")
    assert locked.status_code == 429
    # The right password no longer helps, from this address or another one.
    for address in (ATTACKER, "198.51.100.77"):
        refused = sign_in(client, "the right passphrase 42", address=address)
        assert refused.status_code == 429
        assert "Sign-in paused" in refused.content.decode()
        assert "_auth_user_id" not in client.session

    assert AccessFailureLog.objects.filter(username="editor").count() >= 5
    failures = [record.getMessage() for record in caplog.records if "login failure" in record.getMessage()]
    assert len(failures) >= 5
    assert all("editor" in line and ATTACKER not in line for line in failures)


def test_a_staff_member_who_signs_in_correctly_is_not_affected(client, staff):
    User.objects.create_user("other", "other@example.org", "another passphrase 7", is_staff=True)
    for guess in range(5):
        sign_in(client, f"guess {guess}")
    response = sign_in(client, "another passphrase 7", username="other", address="198.51.100.8")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_failures_are_counted_per_visitor_behind_the_proxy(client, staff, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    client.post("/admin/login/", {"username": "nobody", "password": "x"}, REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.9"


def test_public_pages_still_set_no_cookie(client, staff):
    program = make_program(name="Harbor Recovery")
    for path in ["/", "/programs/?near=22902", program.get_absolute_url(), "/learn/", "/meetings/", "/healthz"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.cookies == {}, path
