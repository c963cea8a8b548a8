import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.importers.samhsa import FORMAT_CSV, FORMAT_JSON, import_samhsa
from importing.reporting import progress_printer, warn_skip_invalid, write_report


class Command(BaseCommand):
    help = (
        "Import SAMHSA treatment-locator data: the locator API's JSON rows, or the National Directory "
        "spreadsheet saved as CSV (UTF-8). The whole file is read and checked first; every usable row is "
        "then imported in one transaction, fixes and rejected rows are reported by row number (--strict: "
        "nothing changes unless every row is usable). A file that is not of the format is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json file of locator rows or a .csv National Directory file.")
        parser.add_argument("--format", choices=[FORMAT_JSON, FORMAT_CSV], help="Default: from the file's name and content.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change without writing anything.")
        parser.add_argument("--strict", action="store_true",
                            help="All or nothing: import nothing if any row is rejected.")
        # Before usable rows were imported by default, this option asked for it; kept so scripts still run.
        parser.add_argument("--skip-invalid", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        warn_skip_invalid(self, options)
        report = import_samhsa(
            source=path, filename=path.name, format=options["format"], dry_run=options["dry_run"],
            strict=options["strict"], progress=progress_printer(self),
        )
        write_report(self, report, options["verbosity"])
