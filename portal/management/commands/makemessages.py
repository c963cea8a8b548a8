"""Django's makemessages with the portal's defaults: messages sorted, no file locations, no dates.

Sorted entries without "#: file:line" comments or a creation date keep the .po stable when templates
move, so branches that add strings merge cleanly. Needs GNU gettext (xgettext, msgmerge):
`apt-get install gettext`. Compiling does not (`manage.py compile_translations`).
"""
import re
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages

from portal.translations import jinja_as_python

_CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*"\n', re.MULTILINE)


class BuildFile(makemessages.BuildFile):
    """A Jinja2 template of jinja2/ is read by Jinja2's extractor, not as a Django template."""

    @property
    def is_jinja(self) -> bool:
        jinja_dirs = [Path(folder).resolve() for engine in settings.TEMPLATES
                      if engine["BACKEND"].endswith("Jinja2") for folder in engine.get("DIRS", [])]
        return any(folder in Path(self.path).resolve().parents for folder in jinja_dirs)

    def preprocess(self):
        if not (self.is_templatized and self.is_jinja):
            return super().preprocess()
        source = Path(self.path).read_text(encoding="utf-8")
        Path(self.work_path).write_text(jinja_as_python(source), encoding="utf-8")


class Command(makemessages.Command):
    build_file_class = BuildFile
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
