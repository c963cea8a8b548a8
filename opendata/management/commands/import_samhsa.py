from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.importers.samhsa import FORMAT_CSV, FORMAT_JSON, import_samhsa
from importing.reporting import progress_printer, write_report


class Command(BaseCommand):
    help = (
        "Import SAMHSA treatment-locator data: the locator API's JSON rows, or the National Directory "
        "spreadsheet saved as CSV (UTF-8). Nothing is written unless every row is valid (or --skip-invalid)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json file of locator rows or a .csv National Directory file.")
        parser.add_argument("--format", choices=[FORMAT_JSON, FORMAT_CSV], help="Default: from the file's name and content.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change without writing anything.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows even if some are rejected.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report = import_samhsa(
            source=path, filename=path.name, format=options["format"], dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"], progress=progress_printer(self),
        )
        write_report(self, report, options["verbosity"])
