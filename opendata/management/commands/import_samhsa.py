from importing.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import SAMHSA treatment-locator data: the locator API's JSON rows, or the National Directory "
        "spreadsheet saved as CSV (UTF-8). The whole file is read and checked first; every usable row is "
        "then imported in one transaction, fixes and rejected rows are reported by row number (--strict: "
        "nothing changes unless every row is usable). A file that is not of the format is refused whole."
    )
    format_names = ("samhsa-json", "samhsa-csv")
    source_help = "A .json file of locator rows or a .csv National Directory file."
