from importing.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a Meeting Guide JSON feed from a file or an http(s) URL. The whole feed is read and checked "
        "first; every usable row is then imported in one transaction, fixes and rejected rows are reported "
        "by row number (--strict: nothing changes unless every row is usable). Re-importing the same feed "
        "changes nothing."
    )
    format_names = ("meeting-guide",)
    source_help = "Path of a feed file, or an http(s) URL of a feed."
    urls = True

    def check_source(self, source: str) -> str:
        return source  # the reader says what is wrong with a missing file or a URL that does not answer

    def after_run(self, report, source, options) -> None:
        if not report.errors:
            self.stdout.write(f"Read {report.total} rows from {source} (source name {report.filename!r}).")
