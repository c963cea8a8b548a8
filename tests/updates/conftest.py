"""Fixtures for programs' updates: a real SMTP server in the test process, a fixed clock, a program."""
import datetime
import email
import socket
from email import policy

import pytest
from django.utils import timezone

from tests.factories import make_program

FIXED_NOW = timezone.make_aware(datetime.datetime(2026, 12, 7, 15, 0))


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def body(self, index: int = -1) -> str:
        return self.messages[index].get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server (aiosmtpd) on a free local port; Django's SMTP backend sends to it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "listings@treatment.example.org"
    settings.PORTAL_STAFF_EMAIL = "staff@treatment.example.org"
    settings.PORTAL_BASE_URL = "https://treatment.example.org"
    yield inbox
    controller.stop()


@pytest.fixture
def clock(monkeypatch):
    """The updates' clock, fixed; `clock.move(days=...)` moves it."""
    class Clock:
        now = FIXED_NOW

        def move(self, **delta):
            self.now = self.now + datetime.timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr("updates.links.current_time", lambda: fixed.now)
    return fixed


@pytest.fixture
def program(db):
    return make_program(
        name="Harbor Recovery", phone="(434) 555-0100", terms=["OTP", "BU", "MD"], contact_email="intake@harbor.example",
        hours=[(1, datetime.time(6), datetime.time(11))], accepting_new_patients=True,
    )
