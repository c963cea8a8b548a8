"""One registry of import formats: a class per format, from which the commands, the staff page and
the background job all take the format they run.

A format says what it is (name, label, the file types it reads), which options it takes (on the
command line, on the staff upload form, stored with a background job) and how to run it through
the import pipeline (`importing.pipeline`: its reader and row mapper make the parse step). Each app
declares its formats in an `import_formats` module, found the way the admin finds `admin` modules;
a new format is one such class and a command of a few lines (`importing.commands.ImportCommand`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from django.utils.module_loading import autodiscover_modules

from importing.pipeline import ImportReport, Progress

PROGRAM_PERMISSIONS = ("directory.add_program", "directory.change_program")

_registry: dict[str, type[ImportFormat]] = {}
_discovered = False


class ImportFormat:
    """One kind of file an import reads. Subclasses set the class attributes and implement `run`."""

    name: ClassVar[str] = ""  # stored with a job, chosen with --format: never rename one
    label: ClassVar[str] = ""  # what staff see in the list of formats
    file_types: ClassVar[tuple[str, ...]] = ()  # file name endings, e.g. (".json",)
    noun: ClassVar[str] = "records"
    # The permissions a staff member needs to import it, and the admin list of what it imports.
    permissions: ClassVar[tuple[str, ...]] = PROGRAM_PERMISSIONS
    changelist: ClassVar[str] = "admin:directory_program_changelist"
    changelist_label: ClassVar[str] = "programs"
    # Said in one line when every row of a file was rejected: the option that would most likely help.
    all_rejected_hint: ClassVar[str] = ""

    def run(self, *, source: Any, filename: str = "", dry_run: bool = False, strict: bool = False,
            progress: Progress | None = None, user=None, **options) -> ImportReport:
        raise NotImplementedError

    # Options ----------------------------------------------------------------------------------

    def add_arguments(self, parser) -> None:
        """Add this format's own command-line options."""

    def command_options(self, options: dict) -> dict:
        """The keyword arguments of `run` from the parsed command-line options."""
        return {}

    def form_fields(self) -> dict:
        """Extra fields of the staff upload form this format uses (shared by name between formats)."""
        return {}

    def clean_form(self, cleaned: dict) -> dict[str, str]:
        """Errors by field name for what the upload form lacks for this format."""
        return {}

    def job_options(self, cleaned: dict) -> dict:
        """What the upload form chose, as JSON to store with the background job."""
        return {}

    def extra_permissions(self, cleaned: dict) -> tuple[str, ...]:
        """Permissions a choice on the upload form needs beyond `permissions` (creating reference data)."""
        return ()

    def run_options(self, stored: dict) -> dict:
        """The keyword arguments of `run` from the options stored with a job."""
        return {}

    def hint(self, report: ImportReport) -> str:
        """One line for a report in which every row was rejected (empty when nothing would help)."""
        return self.all_rejected_hint

    @classmethod
    def reads(cls, filename: str) -> bool:
        return any(filename.lower().endswith(ending) for ending in cls.file_types)


def register(cls: type[ImportFormat]) -> type[ImportFormat]:
    """Class decorator: add a format to the registry under its name."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _registry[cls.name] = cls
    return cls


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("import_formats")


def all_formats() -> list[ImportFormat]:
    """Every registered format, in the order the apps declare them."""
    _discover()
    return [cls() for cls in _registry.values()]


def get_format(name: str) -> ImportFormat:
    """The format registered under `name`; KeyError for an unknown one."""
    _discover()
    return _registry[name]()


def choices() -> list[tuple[str, str]]:
    return [(found.name, found.label) for found in all_formats()]


def format_for_file(path: str | Path, names: tuple[str, ...]) -> ImportFormat | None:
    """The first of the formats `names` that reads a file named like `path`."""
    for name in names:
        found = get_format(name)
        if found.reads(str(path)):
            return found
    return None
