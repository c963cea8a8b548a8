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
    # The right password no longer helps from this address.
    refused = sign_in(client, "the right passphrase 42")
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
    for visitor in ("198.51.100.9", "198.51.100.10"):
        client.post("/admin/login/", {"username": "nobody", "password": "x"}, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR=visitor)
    # Two visitors behind the proxy are two records, not one for the proxy's address.
    assert AccessAttempt.objects.count() == 2
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").count() == 0


def test_a_colleague_who_knows_the_user_name_cannot_lock_the_account_from_elsewhere(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for guess in range(5):
        sign_in(client, f"guess {guess}")
    assert sign_in(client, "the right passphrase 42").status_code == 429

    # The account's owner, at their own desk, still signs in.
    client.logout()
    response = sign_in(client, "the right passphrase 42", address="198.51.100.77")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_failures_for_one_account_do_not_lock_the_office_out(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 5
    User.objects.create_user("other", "other@example.org", "another passphrase 7", is_staff=True)
    for guess in range(5):
        sign_in(client, f"guess {guess}")
    assert sign_in(client, "the right passphrase 42").status_code == 429

    # A colleague in the same office (same address) signs in to their own account.
    response = sign_in(client, "another passphrase 7", username="other")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_failure_records_keep_hashes_not_the_address_or_browser(client, staff):
    browser = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36"
    for guess in range(2):
        client.post("/admin/login/?next=/admin/", {"username": "editor", "password": f"guess {guess}"},
                    REMOTE_ADDR=ATTACKER, HTTP_USER_AGENT=browser)
    records = list(AccessFailureLog.objects.all()) + list(AccessAttempt.objects.all())
    assert len(records) == 3  # two failures logged, one attempt counter
    for record in records:
        assert record.ip_address != ATTACKER and ATTACKER not in record.ip_address
        assert record.ip_address.startswith("fd")  # a hash in the unique-local IPv6 range
        assert record.user_agent != browser and "Mozilla" not in record.user_agent
        assert record.user_agent.startswith("sha256:")
    # The same visitor gets the same hash, so failures are still counted together.
    assert len({record.ip_address for record in records}) == 1
    assert AccessAttempt.objects.get().failures_since_start == 2
    # Nothing in any column of the tables holds the address.
    from django.db import connection
    with connection.cursor() as cursor:
        for table in ("axes_accessfailurelog", "axes_accessattempt"):
            cursor.execute(f"SELECT * FROM {table}")
            assert ATTACKER not in repr(cursor.fetchall())


def test_public_pages_still_set_no_cookie(client, staff):
    program = make_program(name="Harbor Recovery")
    for path in ["/", "/programs/?near=22902", program.get_absolute_url(), "/learn/", "/meetings/", "/healthz"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.cookies == {}, path


def test_records_written_before_the_upgrade_are_hashed_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    browser = "Mozilla/5.0 (Windows NT 10.0) Firefox/140.0"
    AccessFailureLog.objects.create(username="editor", ip_address=ATTACKER, user_agent=browser, http_accept="*/*",
                                    path_info="/admin/login/")
    AccessAttempt.objects.create(username="editor", ip_address=ATTACKER, user_agent=browser, http_accept="*/*",
                                 path_info="/admin/login/", get_data="", post_data="", failures_since_start=3)

    import_module("portal.migrations.0001_hash_sign_in_records").hash_raw_records(apps, None)

    for record in [AccessFailureLog.objects.get(), AccessAttempt.objects.get()]:
        assert record.ip_address != ATTACKER and record.ip_address.startswith("fd")
        assert record.user_agent.startswith("sha256:") and "Firefox" not in record.user_agent
