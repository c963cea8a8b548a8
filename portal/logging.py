"""Logging helpers that keep visitors' searches out of the logs."""
import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")
# A program's update link carries its signed token in the path: /update/<token>/, /es/update/<token>/.
_SECRET_PATH = re.compile(r"(/update/)[^/\s?\"'<>]+")


def redact_secret_paths(text: str) -> str:
    """Replace the token of an update link in a path or a log line with [redacted]."""
    return _SECRET_PATH.sub(r"\1[redacted]", text) if "/update/" in text else text


class StripQueryStringFilter(logging.Filter):
    """Remove query strings (which carry search locations) from every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message or "/update/" in message:
            record.msg = redact_secret_paths(_QUERY.sub("?[redacted]", message))
            record.args = ()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            record.request = None
        return True
