"""The meeting import format (see importing.formats): Meeting Guide JSON feeds."""
from __future__ import annotations

from django import forms

from importing.formats import ImportFormat, register
from meetings import importers
from meetings.models import Fellowship

NO_FELLOWSHIP = "no fellowship"  # how the parser words a row that names none (meetings.importers.parse_feed)


@register
class MeetingGuideFeed(ImportFormat):
    name = importers.FORMAT_MEETING_GUIDE
    label = "Meeting Guide meeting feed (JSON)"
    file_types = (".json",)
    noun = "rows"
    permissions = ("meetings.add_meeting", "meetings.change_meeting")
    changelist = "admin:meetings_meeting_changelist"
    changelist_label = "meetings"

    def run(self, **kwargs):
        return importers.import_meeting_guide(**kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fellowship", default="",
                            help="Slug, abbreviation or name of the fellowship of rows that do not name their own "
                                 "(no default: rows with no fellowship are rejected). A full name the site does not "
                                 "list yet (e.g. 'Eating Disorders Anonymous') creates that fellowship.")
        parser.add_argument("--source-name", dest="source_name",
                            help="Name that identifies this feed on re-import (default: the file name or URL).")
        parser.add_argument("--timezone", default=None,
                            help="IANA time zone of meetings whose row has none (default: the portal's TIME_ZONE).")
        parser.add_argument("--max-bytes", type=int, default=importers.MAX_FEED_BYTES, help="Largest feed accepted.")
        parser.add_argument("--timeout", type=float, default=importers.FETCH_TIMEOUT, help="Seconds to wait for a URL.")

    def command_options(self, options: dict) -> dict:
        return {
            "fellowship": options["fellowship"] or None,
            "source_name": options["source_name"] or importers.source_name(options["source"]),
            "default_timezone": options["timezone"], "max_bytes": options["max_bytes"], "timeout": options["timeout"],
        }

    def form_fields(self) -> dict:
        return {
            "fellowship": forms.ModelChoiceField(
                label="Fellowship (Meeting Guide feeds)", queryset=Fellowship.objects.all(), required=False,
                empty_label="Choose the fellowship whose meetings these are",
                help_text="Meeting Guide feeds do not say which fellowship holds their meetings: choose it here.",
            ),
            "new_fellowship": forms.CharField(
                label="Or a fellowship not listed yet", required=False, max_length=100,
                help_text="Its full name, e.g. Eating Disorders Anonymous: the import creates it.",
            ),
        }

    @staticmethod
    def new_name(cleaned: dict) -> str:
        return " ".join((cleaned.get("new_fellowship") or "").split())

    def clean_form(self, cleaned: dict) -> dict[str, str]:
        name = self.new_name(cleaned)
        if not cleaned.get("fellowship") and not name:
            return {"fellowship": "Choose the fellowship whose meetings the feed lists."}
        if not cleaned.get("fellowship") and importers.find_fellowship(name) is None \
                and importers.new_fellowship(name) is None:
            return {"new_fellowship": "Give the fellowship's full name, e.g. Eating Disorders Anonymous."}
        return {}

    def extra_permissions(self, cleaned: dict) -> tuple[str, ...]:
        return () if cleaned.get("fellowship") else ("meetings.add_fellowship",)

    def job_options(self, cleaned: dict) -> dict:
        # A new fellowship goes by its name: the import finds it, or creates it when it applies.
        return {"fellowship": cleaned["fellowship"].pk if cleaned.get("fellowship") else self.new_name(cleaned)}

    def run_options(self, stored: dict) -> dict:
        chosen = stored.get("fellowship")
        if isinstance(chosen, str):
            return {"fellowship": chosen or None}
        return {"fellowship": Fellowship.objects.filter(pk=chosen).first() if chosen else None}

    def hint(self, report) -> str:
        if any(NO_FELLOWSHIP in finding.reason for finding in report.rejected):
            return "The feed names no fellowship: choose one with --fellowship (e.g. --fellowship aa)."
        return ""
