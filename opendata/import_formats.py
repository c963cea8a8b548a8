"""The program import formats of the open data app (see importing.formats)."""
from __future__ import annotations

from django import forms

from importing.formats import ImportFormat, register
from opendata.importers import hsds, national_directory, samhsa


class _LayoutsOfOneImporter(ImportFormat):
    """A format whose importer reads several layouts: it is told which by the format's name."""

    @staticmethod
    def importer(**kwargs):
        raise NotImplementedError

    def run(self, **kwargs):
        return self.importer(**{"format": self.name, **kwargs})

    def command_options(self, options: dict) -> dict:
        return {"format": options.get("format")}  # None: told by the file's name and content


class _Samhsa(_LayoutsOfOneImporter):
    all_rejected_hint = "Check that the file is SAMHSA's layout (--format chooses the locator JSON or the directory CSV)."
    importer = staticmethod(samhsa.import_samhsa)


@register
class SamhsaLocatorRows(_Samhsa):
    name = samhsa.FORMAT_JSON
    label = "SAMHSA treatment locator rows (JSON)"
    file_types = (".json",)


@register
class SamhsaDirectoryCsv(_Samhsa):
    name = samhsa.FORMAT_CSV
    label = "SAMHSA National Directory, older CSV layout (UTF-8)"
    file_types = (".csv", ".tsv", ".txt")


class _Hsds(_LayoutsOfOneImporter):
    all_rejected_hint = "Check that the file is Open Referral HSDS 3.x (--format chooses JSON or a tabular package)."
    importer = staticmethod(hsds.import_hsds)


@register
class HsdsJson(_Hsds):
    name = hsds.FORMAT_JSON
    label = "Open Referral HSDS 3.x (JSON)"
    file_types = (".json",)


@register
class HsdsPackage(_Hsds):
    name = hsds.FORMAT_PACKAGE
    label = "Open Referral HSDS 3.x tabular data package (.zip)"
    file_types = (".zip",)


@register
class NationalDirectory(ImportFormat):
    """SAMHSA's yearly National Directory of substance use treatment facilities (.xlsx, or its table as .csv)."""

    name = national_directory.FORMAT
    label = "SAMHSA National Directory of substance use treatment facilities (.xlsx workbook or .csv)"
    file_types = (".xlsx", ".csv")
    noun = "facilities"
    all_rejected_hint = ("Check that the file is SAMHSA's National Directory workbook; --state limits the import "
                         "to some states, --include-mental-health adds mental-health-only facilities.")

    def run(self, **kwargs):
        kwargs.pop("format", None)
        return national_directory.import_national_directory(**kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("--state", action="append", dest="states", default=[], metavar="XX",
                            help="Import only the facilities of this state or territory (repeat for several).")
        parser.add_argument("--include-mental-health", action="store_true",
                            help="Also list mental-health-only facilities (left out by default).")
        parser.add_argument("--edition", default="",
                            help="The directory's year, e.g. 2026 (default: the year in the file's name). Listings "
                                 "this edition no longer has are marked 'not in the 2026 directory'.")

    def command_options(self, options: dict) -> dict:
        return {"states": options["states"], "include_mental_health": options["include_mental_health"],
                "edition": options["edition"]}

    def form_fields(self) -> dict:
        return {"include_mental_health": forms.BooleanField(
            label="Include mental-health-only facilities (National Directory)", required=False,
            help_text="The National Directory lists substance use facilities; tick this to also list the "
                      "mental-health-only ones it includes.",
        )}

    def job_options(self, cleaned: dict) -> dict:
        return {"include_mental_health": bool(cleaned.get("include_mental_health"))}

    def run_options(self, stored: dict) -> dict:
        return {"include_mental_health": bool(stored.get("include_mental_health"))}
