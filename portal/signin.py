"""Staff sign-in records without the visitor's address or browser: django-axes stores hashes of both.

django-axes keys its failure counts on the client address and user agent and writes them into its
tables. The address it is given is a keyed hash written as an IPv6 address in the unique-local range
(`fd00::/8`: axes stores addresses in a PostgreSQL `inet` column), and the user agent a keyed hash, so
the counts still tell one office from another while the tables hold neither value.
"""
import hashlib
import hmac
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings

from portal.client import client_address


def _keyed_hash(purpose: str, value: str) -> bytes:
    key = hashlib.sha256(f"portal.signin.{purpose}|{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).digest()


def hashed_client_address(request) -> str:
    """The client's address as axes stores it: a keyed hash in the form of a unique-local IPv6 address."""
    return hashed_address(client_address(request))


def hashed_address(address: str) -> str:
    digest = _keyed_hash("address", address)
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))


HASHED_USER_AGENT_PREFIX = "sha256:"


def hashed_user_agent(user_agent: str) -> str:
    """The browser's user agent as axes stores it: a keyed hash."""
    return HASHED_USER_AGENT_PREFIX + _keyed_hash("user-agent", user_agent).hex()[:40]


def _hide_user_agent(request) -> None:
    if request is None or getattr(request, "axes_user_agent_hashed", False) or not hasattr(request, "axes_user_agent"):
        return
    request.axes_user_agent = hashed_user_agent(request.axes_user_agent)
    request.axes_user_agent_hashed = True


class HashedClientDatabaseHandler(AxesDatabaseHandler):
    """axes' database handler, given the hashed user agent before it counts or writes anything."""

    def is_allowed(self, request, credentials=None) -> bool:
        _hide_user_agent(request)
        return super().is_allowed(request, credentials)

    def is_locked(self, request, credentials=None) -> bool:
        _hide_user_agent(request)
        return super().is_locked(request, credentials)

    def get_failures(self, request, credentials=None) -> int:
        _hide_user_agent(request)
        return super().get_failures(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        _hide_user_agent(request)
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        _hide_user_agent(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        _hide_user_agent(request)
        return super().user_logged_out(sender, request, user, **kwargs)
