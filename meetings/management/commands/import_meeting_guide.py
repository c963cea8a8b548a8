from django.core.management.base import BaseCommand, CommandError

from importing.reporting import progress_printer, write_report
from meetings import importers


class Command(BaseCommand):
    help = (
        "Import a Meeting Guide JSON feed from a file or an http(s) URL. The whole feed is read and checked "
        "first; every usable row is then imported in one transaction, fixes and rejected rows are reported "
        "by row number (--strict: nothing changes unless every row is usable). Re-importing the same feed "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Path of a feed file, or an http(s) URL of a feed.")
        parser.add_argument("--fellowship", default="",
                            help="Slug, abbreviation or name of the fellowship of rows that do not name their own "
                                 "(no default: rows with no fellowship are rejected). A full name the site does not "
                                 "list yet (e.g. 'Eating Disorders Anonymous') creates that fellowship.")
        parser.add_argument("--source-name", dest="source_name",
                            help="Name that identifies this feed on re-import (default: the file name or URL).")
        parser.add_argument("--timezone", default=None,
                            help="IANA time zone of meetings whose row has none (default: the portal's TIME_ZONE).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count; write nothing.")
        parser.add_argument("--strict", action="store_true",
                            help="All or nothing: import nothing if any row is rejected.")
        parser.add_argument("--max-bytes", type=int, default=importers.MAX_FEED_BYTES, help="Largest feed accepted.")
        parser.add_argument("--timeout", type=float, default=importers.FETCH_TIMEOUT, help="Seconds to wait for a URL.")

    def handle(self, *args, source, fellowship, source_name, timezone, dry_run, strict, max_bytes, timeout, **options):
        name = source_name or importers.source_name(source)
        report = importers.import_meeting_guide(
            source=source, filename=name, source_name=name, fellowship=fellowship or None,
            default_timezone=timezone, dry_run=dry_run, strict=strict, max_bytes=max_bytes, timeout=timeout,
            progress=progress_printer(self),
        )
        if report.errors:
            raise CommandError(" ".join(report.errors))
        self.stdout.write(f"Read {report.total} rows from {source} (source name {name!r}).")
        write_report(self, report, options["verbosity"])
