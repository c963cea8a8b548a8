"""Verification reminders, sent through a real SMTP server with the clock fixed."""
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_program
from updates import links
from updates.models import UpdateLink

pytestmark = pytest.mark.django_db


def remind(*args) -> str:
    out = StringIO()
    call_command("send_verification_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def listings(db):
    today = datetime.date(2026, 12, 7)
    return {
        "old": make_program(name="Old Clinic", last_verified=today - datetime.timedelta(days=200),
                            contact_email="old@clinic.example"),
        "never": make_program(name="Nunca Clinic", last_verified=None, contact_email="hola@nunca.example",
                              contact_language="es"),
        "fresh": make_program(name="Fresh Clinic", last_verified=today - datetime.timedelta(days=20),
                              contact_email="fresh@clinic.example"),
        "no_email": make_program(name="Quiet Clinic", last_verified=None),
        "closed": make_program(name="Closed Clinic", last_verified=None, contact_email="closed@clinic.example",
                               status="closed"),
    }


def test_reminders_go_to_programs_not_verified_lately_once_every_m_days(listings, clock, smtp_inbox):
    assert "2 program(s) would be reminded." in remind("--days", "150", "--dry-run")
    assert smtp_inbox.messages == [] and UpdateLink.objects.count() == 0

    assert "Sent 2 reminder(s)." in remind("--days", "150", "--every", "30")
    assert sorted(message["To"] for message in smtp_inbox.messages) == ["hola@nunca.example", "old@clinic.example"]
    english = next(m for m in smtp_inbox.messages if m["To"] == "old@clinic.example")
    spanish = next(m for m in smtp_inbox.messages if m["To"] == "hola@nunca.example")
    assert english["Subject"] == "Is the listing of Old Clinic still right?"
    assert spanish["Subject"] == "¿El anuncio de Nunca Clinic sigue siendo correcto?"
    body = english.get_content()
    assert english.get_content_type() == "text/plain" and not english.is_multipart()
    assert "January 6, 2027" in body  # 30 days after the fixed clock
    url = next(line for line in body.splitlines() if line.startswith("https://treatment.example.org/update/"))
    assert links.check(url.rstrip("/").rsplit("/", 1)[1]).usable
    assert "/es/update/" in spanish.get_content() and "Hola" in spanish.get_content()
    assert english["Reply-To"] == "staff@treatment.example.org"
    sent = UpdateLink.objects.get(program=listings["old"])
    assert (sent.kind, sent.sent_to, sent.sent_at) == ("reminder", "old@clinic.example", clock.now)

    clock.move(days=29)
    assert "Sent 0 reminder(s)." in remind("--days", "150", "--every", "30")
    clock.move(days=2)
    assert "Sent 2 reminder(s)." in remind("--days", "150", "--every", "30")
    assert len(smtp_inbox.messages) == 4


def test_a_mail_server_that_cannot_be_reached_records_nothing(listings, clock, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(CommandError):
        remind("--days", "150")
    assert UpdateLink.objects.count() == 0


def test_bad_arguments_are_refused(db):
    with pytest.raises(CommandError):
        remind("--every", "0")
