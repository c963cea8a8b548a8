"""Print a new update link for one program, for staff to paste into their own email."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.models import Program
from updates import emails, links
from updates.models import UpdateLink


class Command(BaseCommand):
    help = ("Make a new signed update link for the program with this slug and print its address. Older links "
            "of the program stop working.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The program's slug (the last part of its page's address).")
        parser.add_argument("--base-url", help="Scheme and host of the portal (default: PORTAL_BASE_URL).")
        parser.add_argument("--language", choices=["en", "es"],
                            help="Language of the page (default: the program's choice for emails).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done; make no link.")

    def handle(self, *args, slug, base_url=None, language=None, dry_run=False, **options):
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"No program has the slug {slug!r}.")
        if program.status == Program.Status.CLOSED:
            raise CommandError(f"{program.name} is closed: its listing is not public, so it gets no link.")
        if dry_run:
            self.stdout.write(f"Would make a new update link for {program.name} (older links would stop working).")
            return
        with transaction.atomic():
            link, token = links.issue(program, kind=UpdateLink.Kind.PRINTED)
        self.stdout.write(links.url_for(token, language=language or emails.language_of(program), base_url=base_url))
        self.stderr.write(self.style.SUCCESS(
            f"Link for {program.name}, usable until {link.expires_at:%Y-%m-%d}. Do not paste it anywhere public."
        ))
