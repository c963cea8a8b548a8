from importing.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import SAMHSA's National Directory of substance use treatment facilities: the yearly workbook "
        "(.xlsx, e.g. NSUMHSS_2026_SU_Facilities_for_All_City_All.xlsx) or its facilities sheet saved as .csv. "
        "The whole file is read, repaired and checked first; every usable facility is then imported in one "
        "transaction, with repairs and rejected rows reported by row number (--strict: all or nothing). "
        "Importing a newer edition updates what changed, adds new facilities and marks the ones it no longer "
        "lists for review; fields staff edited are kept. Any other kind of file is refused whole."
    )
    format_names = ("national-directory",)
    source_help = "The directory workbook (.xlsx) or its facilities table saved as CSV."

    def after_run(self, report, source, options) -> None:
        if report.errors:
            return
        listed = report.created + report.updated + report.unchanged
        self.stdout.write(
            f"Rows read: {report.total}; listed: {listed}; repaired: {report.fixed_rows}; "
            f"rejected: {len(report.rejected)}."
        )
