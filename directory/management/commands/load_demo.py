import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from directory.loading import load_program_records
from directory.models import Program

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_programs.json"


class Command(BaseCommand):
    help = "Load the fictional demo programs (fixtures/demo_programs.json) and any other demo content."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Skip the demo programs when any program exists (other demo content is still loaded once).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would be loaded, then roll back.")
        parser.add_argument("--file", type=Path, default=DEMO_FILE, help="Demo programs file to load.")

    def handle(self, *args, if_empty=False, dry_run=False, file=DEMO_FILE, **options):
        if if_empty and Program.objects.exists():
            self.stdout.write("Programs already exist; demo programs not loaded.")
            records = []
        else:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                records = data["programs"]
            except (OSError, ValueError, KeyError) as error:
                raise CommandError(f"Cannot read demo data from {file}: {error}") from error
            # Keep the demo realistic over time: verification dates move with today's date.
            shift = timezone.localdate() - datetime.date.fromisoformat(
                data.get("generated_on", timezone.localdate().isoformat())
            )
        for record in records:
            for key in ("last_verified", "beds_updated"):
                if record.get(key):
                    record[key] = (datetime.date.fromisoformat(record[key]) + shift).isoformat()
        try:
            with transaction.atomic():
                created, skipped = load_program_records(records, filename=file.name)
                extra = self.load_other_demo_content()
                if dry_run:
                    transaction.set_rollback(True)
        except ValueError as error:
            raise CommandError(str(error)) from error
        verb = "Would load" if dry_run else "Loaded"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {created} demo programs ({skipped} already present){''.join(extra)}."
        ))

    def load_other_demo_content(self) -> list[str]:
        """Hook for other apps' demo content (articles, meetings); returns phrases for the summary."""
        from django.apps import apps

        phrases = []
        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo_content", None)
            if loader is not None:
                phrases.append(f", {loader()}")
        return phrases
