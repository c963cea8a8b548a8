"""The visitor's address as the portal may use it: behind trusted proxies, and never stored as is.

Behind a reverse proxy every request comes from the proxy, so the address that counts is the one
the proxy wrote into X-Forwarded-For. Only the last PORTAL_TRUSTED_PROXY_COUNT hops are trusted
(the proxies in front write or overwrite them); anything further left was sent by the client and
could be forged.
"""
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone


def client_address(request) -> str:
    """The address of whoever sent the request, read through the trusted proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.PORTAL_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote  # not sent through the expected proxies: do not trust the header
    return hops[-count]


def address_key(request) -> str:
    """A keyed, daily-changing hash of the client's address: enough to count repeated requests,
    useless for finding out who sent them (the address itself is never stored)."""
    day = timezone.localdate().isoformat()
    message = f"{day}|{client_address(request)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def login_attempt_description(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a login attempt in the log: the account and a hash, not the address."""
    return f'{{username: "{username}", client: "{address_key(request)[:12]}", path_info: "{path_info}"}}'
