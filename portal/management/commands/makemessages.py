"""Django's makemessages with the portal's defaults: messages sorted, no file locations, no dates.

Sorted entries without "#: file:line" comments or a creation date keep the .po stable when templates
move, so branches that add strings merge cleanly. Needs GNU gettext (xgettext, msgmerge):
`apt-get install gettext`. Compiling does not (`manage.py compile_translations`).
"""
import re
from pathlib import Path

from django.core.management.commands import makemessages

_CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*"\n', re.MULTILINE)


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--sort-output"]
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--sort-output"]

    def handle(self, *args, **options):
        options["no_location"] = True
        options["no_obsolete"] = True
        # Only the portal's own code: never the virtualenv, the embedded database or the tests.
        options["ignore_patterns"] = [
            *options.get("ignore_patterns", []),
            ".venv/*", ".pgdata/*", "staticfiles/*", "bench/*", "tests/*", "node_modules/*",
        ]
        super().handle(*args, **options)

    def write_po_file(self, potfile, locale):
        super().write_po_file(potfile, locale)
        for path in Path(potfile).parent.glob(f"{locale}/LC_MESSAGES/{self.domain}.po"):
            path.write_text(_CREATION_DATE.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
