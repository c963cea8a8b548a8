from importing.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import Open Referral HSDS 3.x data: a JSON file (services, organizations or service_at_locations) "
        "or a tabular data package (a folder or a .zip of CSV files). The whole file is read and checked "
        "first; every usable record is then imported in one transaction, fixes and rejected records are "
        "reported by row number (--strict: nothing changes unless every record is usable). A file that is "
        "not HSDS is refused whole."
    )
    format_names = ("hsds-json", "hsds-package")
    source_help = "A .json file, a .zip package or a folder holding the package's CSV files."
    folders = True
