"""The Spanish catalogue: compile it without GNU gettext, and read it for the completeness tests.

`make run`, `make test` and the test suite compile locale/*/LC_MESSAGES/django.po into the .mo files
Django reads, with Babel (a pure-Python package), so a fresh machine needs nothing but requirements.txt.
"""
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from jinja2.ext import babel_extract

GETTEXT_KEYWORDS = ("_", "gettext", "ngettext")


def po_files() -> list[Path]:
    """Every django.po under the project's locale folders."""
    return sorted(
        path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("*/LC_MESSAGES/django.po")
    )


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def compile_catalog(path: Path) -> Path:
    """Write the .mo beside a .po (fuzzy and empty messages left out, so they fall back to English)."""
    catalog = read_catalog(path)
    target = path.with_suffix(".mo")
    with target.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return target


def compile_all() -> list[Path]:
    return [compile_catalog(path) for path in po_files()]


def jinja_messages(source: str) -> list[tuple[str, str | None]]:
    """The messages a Jinja2 template (jinja2/, config/jinja.py) hands to gettext: (msgid, plural),
    read by Jinja2's own extractor."""
    found = babel_extract(io.BytesIO(source.encode("utf-8")), GETTEXT_KEYWORDS, [], {"trimmed": "false"})
    messages = []
    for _line, _function, message, _comments in found:
        if isinstance(message, tuple):
            messages.append((message[0], message[1] if len(message) > 1 else None))
        elif message:
            messages.append((message, None))
    return messages


def jinja_as_python(source: str) -> str:
    """A Jinja2 template's messages as gettext calls xgettext reads as Python (for makemessages)."""
    return "\n".join(
        f"ngettext({msgid!r}, {plural!r}, n)" if plural else f"gettext({msgid!r})"
        for msgid, plural in jinja_messages(source)
    ) + "\n"
