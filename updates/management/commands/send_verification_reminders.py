"""Email an update link to every public program not verified lately that has a contact address."""
import datetime

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from directory.models import Program
from updates import emails, links
from updates.models import UpdateLink


class Command(BaseCommand):
    help = ("Email an update link to every public program with a contact email that was not verified within "
            "--days days, at most once every --every days (run daily from cron or a systemd timer).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=150,
                            help="Remind programs not verified within this many days (default 150).")
        parser.add_argument("--every", type=int, default=30,
                            help="Send a program at most one link every this many days (default 30).")
        parser.add_argument("--dry-run", action="store_true", help="List the programs; send and record nothing.")

    def handle(self, *args, days, every, dry_run=False, **options):
        if days < 0 or every < 1:
            raise CommandError("--days must be 0 or more and --every 1 or more.")
        now = links.current_time()
        recently_sent = UpdateLink.objects.emailed().since(now - datetime.timedelta(days=every))
        cutoff = timezone.localdate(now) - datetime.timedelta(days=days)
        due = (Program.objects.public().filter(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff))
               .exclude(contact_email="")
               .exclude(pk__in=recently_sent.values("program_id")).order_by("last_verified", "name"))
        programs = list(due)
        if dry_run:
            for program in programs:
                self.stdout.write(f"Would remind {program.name} ({program.contact_email})")
            self.stdout.write(f"{len(programs)} program(s) would be reminded.")
            return
        sent, failed = 0, []
        if not programs:
            self.stdout.write(self.style.SUCCESS("Sent 0 reminder(s)."))
            return
        connection = get_connection()
        try:
            connection.open()
        except OSError as error:
            raise CommandError(f"The mail server could not be reached ({error.__class__.__name__}): nothing sent.") from error
        try:
            for program in programs:
                try:
                    with transaction.atomic():  # a message that cannot be sent records no link
                        emails.send_link(program, kind=UpdateLink.Kind.REMINDER, connection=connection)
                except OSError as error:
                    failed.append(f"{program.name}: {error.__class__.__name__}")
                    continue
                sent += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"Reminded {program.name}")
        finally:
            connection.close()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} reminder(s)."))
        if failed:
            raise CommandError(f"{len(failed)} reminder(s) could not be sent: " + "; ".join(failed))
