"""Compile the portal's .po files into .mo files, with no need for GNU gettext."""
from django.core.management.base import BaseCommand, CommandError

from portal.translations import compile_all


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/django.po into django.mo (pure Python; no msgfmt needed)."

    def handle(self, *args, **options):
        try:
            written = compile_all()
        except Exception as error:  # Babel reports a broken .po with its line number
            raise CommandError(f"Could not compile the translations: {error}") from error
        for path in written:
            self.stdout.write(self.style.SUCCESS(f"Compiled {path}"))
