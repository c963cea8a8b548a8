import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.importers.hsds import import_hsds
from importing.reporting import progress_printer, warn_skip_invalid, write_report


class Command(BaseCommand):
    help = (
        "Import Open Referral HSDS 3.x data: a JSON file (services, organizations or service_at_locations) "
        "or a tabular data package (a folder or a .zip of CSV files). The whole file is read and checked "
        "first; every usable record is then imported in one transaction, fixes and rejected records are "
        "reported by row number (--strict: nothing changes unless every record is usable). A file that is "
        "not HSDS is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .json file, a .zip package or a folder holding the package's CSV files.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change without writing anything.")
        parser.add_argument("--strict", action="store_true",
                            help="All or nothing: import nothing if any record is rejected.")
        # Before usable records were imported by default, this option asked for it; kept so scripts still run.
        parser.add_argument("--skip-invalid", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"No such file or folder: {path}")
        warn_skip_invalid(self, options)
        report = import_hsds(
            source=path, filename=path.name, dry_run=options["dry_run"],
            strict=options["strict"], progress=progress_printer(self),
        )
        write_report(self, report, options["verbosity"])
