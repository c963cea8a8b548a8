from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.importers.hsds import import_hsds
from importing.reporting import progress_printer, write_report


class Command(BaseCommand):
    help = (
        "Import Open Referral HSDS 3.x data: a JSON file (services, organizations or service_at_locations) "
        "or a tabular data package (a folder or a .zip of CSV files). Nothing is written unless every "
        "record is valid (or --skip-invalid)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .json file, a .zip package or a folder holding the package's CSV files.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change without writing anything.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid records even if some are rejected.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"No such file or folder: {path}")
        report = import_hsds(
            source=path, filename=path.name, dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"], progress=progress_printer(self),
        )
        write_report(self, report, options["verbosity"])
