from django.core.management.base import BaseCommand, CommandError

from opendata.jobs import build_package, enqueue_package_build


class Command(BaseCommand):
    help = (
        "Build the HSDS data package served at /api/datapackage.zip now, in this process "
        "(or, with --queue, ask a background worker to)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="Queue the build for `manage.py db_worker` instead.")

    def handle(self, *args, **options):
        if options["queue"]:
            enqueue_package_build(delay=0)
            self.stdout.write(self.style.SUCCESS("Queued a build of the data package."))
            return
        self.stdout.write("Building the data package...")
        try:
            package = build_package()
        except OSError as error:
            raise CommandError(f"Cannot write the data package: {error.strerror or error}") from None
        self.stdout.write(self.style.SUCCESS(
            f"Published {package.file_name} ({package.size} bytes, {package.programs} programs)."
        ))
