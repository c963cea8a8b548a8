"""The Spanish catalogue: compile it without GNU gettext, and read it for the completeness tests.

`make run`, `make test` and the test suite compile locale/*/LC_MESSAGES/django.po into the .mo files
Django reads, with Babel (a pure-Python package), so a fresh machine needs nothing but requirements.txt.
"""
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings


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
