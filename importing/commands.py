"""The base of the import commands: a command is a format from the registry and a few lines.

    class Command(ImportCommand):
        help = "Import ..."
        format_names = ("hsds-json", "hsds-package")

The command reads one file (or folder, or URL when the format takes one), adds the format's own
options to the shared ones (--dry-run, --strict), runs it through the import pipeline and prints
the report; it exits non-zero when the file was refused or every row was rejected.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importing.formats import ImportFormat, format_for_file, get_format
from importing.reporting import progress_printer, warn_skip_invalid, write_report


class ImportCommand(BaseCommand):
    format_names: tuple[str, ...] = ()  # the first is the default when the file's name does not decide
    source_help = "The file to import."
    folders = False  # a folder is accepted as the source (HSDS tabular packages)
    urls = False  # an http(s) URL is accepted as the source

    def add_arguments(self, parser):
        parser.add_argument("source", help=self.source_help)
        if len(self.format_names) > 1:
            parser.add_argument("--format", choices=self.format_names,
                                help="Default: from the file's name and content.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change without writing anything.")
        parser.add_argument("--strict", action="store_true",
                            help="All or nothing: import nothing if any row is rejected.")
        # Before usable rows were imported by default, this option asked for it; kept so scripts still run.
        parser.add_argument("--skip-invalid", action="store_true", help=argparse.SUPPRESS)
        for name in dict.fromkeys(self.format_names):
            get_format(name).add_arguments(parser)

    def choose_format(self, source: str, options: dict) -> ImportFormat:
        if options.get("format"):
            return get_format(options["format"])
        return format_for_file(source, self.format_names) or get_format(self.format_names[0])

    def check_source(self, source: str) -> Path | str:
        if self.urls and source.lower().startswith(("http://", "https://")):
            return source
        path = Path(source)
        if not (path.is_file() or (self.folders and path.is_dir())):
            raise CommandError(f"No such file{' or folder' if self.folders else ''}: {path}")
        return path

    def handle(self, *args, **options):
        source = self.check_source(options["source"])
        warn_skip_invalid(self, options)
        chosen = self.choose_format(str(source), options)
        report = chosen.run(
            source=source, filename=Path(str(source)).name if isinstance(source, Path) else "",
            dry_run=options["dry_run"], strict=options["strict"], progress=progress_printer(self),
            **chosen.command_options(options),
        )
        self.after_run(report, source, options)
        write_report(self, report, options["verbosity"], hint=chosen.hint(report))

    def after_run(self, report, source, options) -> None:
        """Say something before the report (a format's own summary line)."""
