from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.models import Program
from opendata.package import write_package


class Command(BaseCommand):
    help = "Write every public program as an HSDS tabular data package (datapackage.json and CSV files) in a zip file."

    def add_arguments(self, parser):
        parser.add_argument("out", help="Where to write the zip file, e.g. hsds.zip.")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"No such folder: {out.parent}")
        count = Program.objects.public().count()
        self.stdout.write(f"Exporting {count} public programs...")
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("wb") as target:
                write_package(target)
            partial.replace(out)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {out}: {error.strerror or error}") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({out.stat().st_size} bytes, {count} programs)."))
