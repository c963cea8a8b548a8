"""A gunicorn logger that writes no query string and no client address, in any log line.

A query string carries what a visitor searched for and where they are; an address beside a
program's page is health information. Both stay out of the access log (only safe atoms are
offered to the format) and out of the error log (every formatted line, tracebacks included, is
redacted, which covers gunicorn's own "Error handling request GET /programs/?near=..." written
when a worker is aborted at its timeout).
"""
import ipaddress
import logging
import re

from gunicorn.glogging import Logger

from portal.logging import redact_secret_paths

_QUERY = re.compile(r"\?[^\s\"'<>]*")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_IP_FIELD = re.compile(r"\bip=\S+")
_SERVER_ADDRESSES = {"0.0.0.0", "::"}

# The only atoms an access log format can use: time, method, path, protocol, status, size, duration.
SAFE_ATOMS = ("t", "m", "U", "H", "s", "b", "B", "T", "D", "M", "L", "p")
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


def redact(text: str, server_addresses: frozenset[str] = frozenset()) -> str:
    """Replace query strings and every address but the server's own in one log line."""

    def address(match: re.Match) -> str:
        found = match.group(0)
        try:
            ipaddress.ip_address(found)
        except ValueError:
            return found  # a time such as 12:30:45 or a version number, not an address
        return found if found in _SERVER_ADDRESSES or found in server_addresses else "[address]"

    if "?" in text:
        text = _QUERY.sub("?[redacted]", text)
    text = redact_secret_paths(text)  # a program's update link: /update/<token>/
    text = _IP_FIELD.sub("ip=[address]", text)
    text = _IPV4.sub(address, text)
    return _IPV6.sub(address, text)


def bound_hosts(binds) -> frozenset[str]:
    """The addresses gunicorn listens on (kept in "Listening at: ..." lines)."""
    hosts = set()
    for bind in binds or ():
        if bind.startswith(("unix:", "fd://")):
            continue
        host = bind.rsplit(":", 1)[0] if not bind.startswith("[") else bind[1:].split("]", 1)[0]
        hosts.add(host)
    return frozenset(hosts)


class RedactingFormatter(logging.Formatter):
    """Format as the wrapped formatter does, then redact the whole text (message and traceback)."""

    def __init__(self, inner: logging.Formatter | None, server_addresses: frozenset[str] = frozenset()):
        super().__init__()
        self.inner = inner or logging.Formatter()
        self.server_addresses = server_addresses

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record), self.server_addresses)


class PrivateLogger(Logger):
    """gunicorn's logger with the access atoms narrowed and every handler's output redacted."""

    def setup(self, cfg):
        super().setup(cfg)
        servers = bound_hosts(cfg.bind)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                inner = handler.formatter
                if isinstance(inner, RedactingFormatter):
                    inner = inner.inner
                handler.setFormatter(RedactingFormatter(inner, servers))

    def atoms(self, resp, req, environ, request_time):
        everything = super().atoms(resp, req, environ, request_time)
        safe = {key: everything[key] for key in SAFE_ATOMS if key in everything}
        # PATH_INFO is missing from the environ gunicorn builds for an aborted request: use its path.
        safe["U"] = redact_secret_paths((environ.get("PATH_INFO") or getattr(req, "path", None) or "-").split("?", 1)[0])
        # Remaining atoms (%(h)s, %(r)s, %(q)s, %(f)s, headers, environ) print as "-".
        return safe
