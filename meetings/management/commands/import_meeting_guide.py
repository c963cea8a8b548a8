from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from meetings import importers
from meetings.models import Fellowship
from places import timezones

MAX_LISTED = 12  # row numbers shown per kind of warning before "and N more"


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_LISTED])
    more = len(numbers) - MAX_LISTED
    return f"{shown}{f' and {more} more' if more > 0 else ''}"


class Command(BaseCommand):
    help = (
        "Import a Meeting Guide JSON feed from a file or an http(s) URL. The whole feed is checked first: "
        "every invalid row is reported by number, and nothing changes unless all rows are valid (or "
        "--skip-invalid is given). Re-importing the same feed changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Path of a feed file, or an http(s) URL of a feed.")
        parser.add_argument("--fellowship", default="aa",
                            help="Slug or abbreviation of the fellowship whose meetings these are (default: aa).")
        parser.add_argument("--source-name", dest="source_name",
                            help="Name that identifies this feed on re-import (default: the file name or URL).")
        parser.add_argument("--timezone", default=None,
                            help="IANA time zone of meetings whose row has none (default: the portal's TIME_ZONE).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, then roll everything back.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows even if some are not.")
        parser.add_argument("--max-bytes", type=int, default=importers.MAX_FEED_BYTES, help="Largest feed accepted.")
        parser.add_argument("--timeout", type=float, default=importers.FETCH_TIMEOUT, help="Seconds to wait for a URL.")

    def handle(self, *args, source, fellowship, source_name, timezone, dry_run, skip_invalid, max_bytes, timeout,
               **options):
        zone = timezone or settings.TIME_ZONE
        if not timezones.is_zone(zone):
            raise CommandError(f"--timezone {zone!r} is not an IANA time zone name such as America/New_York.")
        chosen = Fellowship.objects.filter(Q(slug__iexact=fellowship) | Q(abbreviation__iexact=fellowship)).first()
        if chosen is None:
            known = ", ".join(Fellowship.objects.values_list("slug", flat=True))
            raise CommandError(f"No fellowship {fellowship!r}. Known fellowships: {known}.")
        name = source_name or importers.source_name(source)
        try:
            rows = importers.read_feed(source, max_bytes=max_bytes, timeout=timeout)
        except importers.FeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Read {len(rows)} rows from {source} (source name {name!r}, fellowship {chosen.name}, "
            f"meetings without a time zone in {zone})."
        )
        result = importers.import_feed(
            rows, source=name, fellowship=chosen, default_timezone=zone, skip_invalid=skip_invalid,
            dry_run=dry_run, progress=self.progress if len(rows) >= 500 else None,
        )
        self.report(result)
        parsed = result.parsed
        if result.rejected:
            raise CommandError(
                f"{parsed.invalid_rows} of {parsed.total_rows} rows are invalid (listed above), so nothing was "
                "changed. Correct the feed, or use --skip-invalid to import the valid rows only."
            )
        verb = "Would have" if dry_run else "Done:"
        summary = (f"{verb} created {result.created}, updated {result.updated}, left {result.unchanged} unchanged"
                   + (f", skipped {parsed.invalid_rows} invalid rows" if parsed.errors else "") + ".")
        self.stdout.write(self.style.SUCCESS(summary + (" Nothing was saved (dry run)." if dry_run else "")))

    def progress(self, stage: str, done: int, total: int) -> None:
        self.stdout.write(f"  {stage.capitalize()} {done} of {total} rows…")

    def report(self, result: importers.ImportResult) -> None:
        parsed = result.parsed
        for problem in parsed.errors:
            self.stderr.write(self.style.ERROR(f"Invalid: {problem}"))
        for problem in parsed.warnings:
            self.stdout.write(self.style.WARNING(f"Note: {problem}"))
        for problem in parsed.skipped:
            self.stdout.write(self.style.WARNING(f"Skipped: {problem}"))
        for code, numbers in sorted(parsed.unknown_types.items()):
            self.stdout.write(self.style.WARNING(
                f"Type code {code!r} is not in the Meeting Guide list: kept with the meeting but not searchable "
                f"({len(numbers)} rows: {_rows(numbers)})."
            ))
        if parsed.legacy_online_rows:
            rows = parsed.legacy_online_rows
            self.stdout.write(self.style.WARNING(
                f"Type code 'ONL' (an older way to mark online meetings) on {len(rows)} rows was not stored: "
                f"whether a meeting is online comes from its conference link or phone (rows {_rows(rows)})."
            ))
        if parsed.not_attendable_rows:
            rows = parsed.not_attendable_rows
            self.stdout.write(self.style.WARNING(
                f"{len(rows)} meetings have no street address (or their location is temporarily closed) and no "
                f"conference link or phone: imported, but not listed on the finder (rows {_rows(rows)})."
            ))
        if result.missing_from_feed:
            self.stdout.write(self.style.WARNING(
                f"{result.missing_from_feed} meetings imported earlier from {result.source!r} are not in this feed; "
                "they were left as they are (close them in the admin if they have ended)."
            ))
