"""The program import formats of the open data app (see importing.formats)."""
from __future__ import annotations

from importing.formats import ImportFormat, register
from opendata.importers import hsds, samhsa


class _Samhsa(ImportFormat):
    all_rejected_hint = "Check that the file is SAMHSA's layout (--format chooses the locator JSON or the directory CSV)."

    def run(self, **kwargs):
        return samhsa.import_samhsa(**{"format": self.name, **kwargs})

    def command_options(self, options: dict) -> dict:
        return {"format": options.get("format")}  # None: told by the file's name and content


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


class _Hsds(ImportFormat):
    all_rejected_hint = "Check that the file is Open Referral HSDS 3.x (--format chooses JSON or a tabular package)."

    def run(self, **kwargs):
        return hsds.import_hsds(**{"format": self.name, **kwargs})

    def command_options(self, options: dict) -> dict:
        return {"format": options.get("format")}  # None: told by the file's name and content


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
