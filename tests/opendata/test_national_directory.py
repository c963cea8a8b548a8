"""SAMHSA's National Directory workbook: read as people leave it, mapped onto the taxonomy, placed
approximately, refreshed edition after edition, and any other kind of file refused whole."""
import os
import zipfile
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from directory.models import Program
from opendata.importers.national_directory import import_national_directory
from tests.realdata import REALDATA, missing_realdata

pytestmark = pytest.mark.django_db

WORKBOOK_2015 = REALDATA / "samhsa-national-directory" / "national-directory-2015.xlsx"
HEADER = ["name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1", "intake2",
          "service_code_info"]
KEY = [("MM", "Methadone Maintenance"), ("DM", "Methadone Detoxification"), ("OTPA", "All Clients in Opioid Treatment Program"),
       ("BU", "Buprenorphine Used in Treatment"), ("NXN", "Naltrexone (oral)"), ("SA", "Substance Abuse Treatment Services"),
       ("SAF", "Substance Abuse Treatment Services"), ("MHF", "Mental Health Treatment Services"),
       ("DU", "DUI/DWI Clients"), ("ZZNEW", "A code of a newer edition")]


def facility(name="Blue Ridge Recovery", **cells):
    row = {"name1": name, "name2": None, "street1": "100 Main Street", "street2": None, "city": "Charlottesville",
           "state": "VA", "zip": "22902", "phone": "(434)555-0100", "intake1": None, "intake2": None,
           "service_code_info": "SAF SA * OP ORT * BU * SF MD * SP ADLT"}
    row.update(cells)
    return row


def workbook(tmp_path, rows, *, name="national-directory-2026.xlsx", header=HEADER, title=None, key=KEY,
             sheet="Facilities") -> Path:
    """A directory workbook in SAMHSA's layout, written with openpyxl."""
    book = openpyxl.Workbook()
    sheet_ = book.active
    sheet_.title = sheet
    if title:
        sheet_.append([title])
        sheet_.append([])
    sheet_.append(header)
    for row in rows:
        sheet_.append([row.get(column.strip().lower()) for column in header])
    if key is not None:
        codes = book.create_sheet("Service code key")
        codes.append(["service_code", "service_description"])
        for pair in key:
            codes.append(list(pair))
    path = tmp_path / name
    book.save(path)
    return path


def run(path, *options) -> str:
    out = StringIO()
    call_command("import_national_directory", str(path), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


def program(name="Blue Ridge Recovery") -> Program:
    return Program.objects.get(name=name)


def codes(program_: Program) -> set[str]:
    return set(program_.terms.values_list("code", flat=True))


# The file as people leave it ---------------------------------------------------------------------


def test_the_header_row_may_sit_below_a_title_with_columns_in_any_order_and_case(tmp_path):
    header = ["SERVICE_CODE_INFO", "Zip", "State", "City", "Street1", "Name1", "Phone"]
    path = workbook(tmp_path, [facility()], header=header, title="National Directory of SU Treatment Facilities 2026")
    out = run(path)
    assert "1 created" in out
    listing = program()
    assert (listing.street1, listing.city, listing.state, listing.zip_code) == ("100 Main Street", "Charlottesville", "VA", "22902")
    assert {"BU", "SP", "MD"} <= codes(listing)


def test_zip_codes_that_lost_their_leading_zeros_are_repaired_and_reported(tmp_path):
    path = workbook(tmp_path, [
        facility("Hoboken Clinic", city="Hoboken", state="NJ", zip=7030),
        facility("San Juan Clinic", city="San Juan", state="PR", zip="901", street1="Calle Norzagaray 200"),
    ])
    out = run(path)
    assert "Row 2 «Hoboken Clinic»: ZIP code 7030 read as 07030" in out
    assert "Row 3 «San Juan Clinic»: ZIP code 901 read as 00901" in out
    assert program("Hoboken Clinic").zip_code == "07030" and program("San Juan Clinic").zip_code == "00901"


def test_phones_with_extensions_or_several_numbers_are_repaired(tmp_path):
    path = workbook(tmp_path, [
        facility("Extension Clinic", phone="(434)555-0100x209"),
        facility("Two Numbers Clinic", street1="2 Main Street", phone="(434) 555-0101; (434) 555-0102"),
        facility("Wrong Number Clinic", street1="3 Main Street", phone="(520)068-4111"),
    ])
    out = run(path)
    assert program("Extension Clinic").phone == "(434) 555-0100 ext. 209"
    two = program("Two Numbers Clinic")
    assert (two.phone, two.intake_phone) == ("(434) 555-0101", "(434) 555-0102")
    assert "Row 3 «Two Numbers Clinic»: phone cell holds 2 numbers" in out
    assert "Row 4 «Wrong Number Clinic»: phone '(520)068-4111' is not a US number" in out
    assert program("Wrong Number Clinic").phone == ""


def test_stray_spaces_are_removed(tmp_path):
    path = workbook(tmp_path, [facility("  Blue  Ridge Recovery ", city=" Charlottesville", street1="100  Main Street ")])
    out = run(path)
    assert "Row 2 «Blue Ridge Recovery»: stray spaces removed" in out
    assert program().street1 == "100 Main Street"


def test_the_same_facility_twice_becomes_one_listing_with_the_services_of_both(tmp_path):
    path = workbook(tmp_path, [facility(), facility(service_code_info="SAF SA * OP * MM * SF")])
    out = run(path)
    assert "Row 3 «Blue Ridge Recovery»: the same facility as row 2: merged into it" in out
    assert Program.objects.count() == 1
    assert {"BU", "METH"} <= codes(program())


def test_rows_without_a_name_or_an_address_are_rejected_by_row_number(tmp_path):
    path = workbook(tmp_path, [facility(), facility(name=None, street1="5 Elm Street"),
                               facility("No Address House", street1=None)])
    out = run(path)
    assert "Rejected: Row 3: no facility name" in out
    assert "Rejected: Row 4 «No Address House»: no street address" in out
    assert "Rows read: 3; listed: 1; repaired: 0; rejected: 2." in out
    assert list(Program.objects.values_list("name", flat=True)) == ["Blue Ridge Recovery"]


def test_the_same_table_saved_as_csv_imports_alike(tmp_path):
    path = tmp_path / "directory-2026.csv"
    path.write_text("Facilities export\n\n" + ",".join(HEADER) + "\n"
                    + "Blue Ridge Recovery,,100 Main Street,,Charlottesville,VA,22902,(434)555-0100,,,SAF SA * OP * MM\n")
    assert "1 created" in run(path)
    assert "METH" in codes(program())


# Codes -------------------------------------------------------------------------------------------


def test_every_code_the_taxonomy_knows_is_mapped_and_the_rest_kept_and_counted(tmp_path):
    path = workbook(tmp_path, [facility(service_code_info=(
        "SAF SA IHS * DT OP OD OMB ODT * MM DM BU NXN VTRL OTPA * SF MD PI ATR NP * SP F17 N23 NX AD YAD SE MF DU ZZNEW"))])
    out = run(path, "-v", "2")
    listing = program()
    assert {"METH", "DT", "OTP", "BU", "NU", "VTRL", "ODT", "OP", "SF", "MD", "PI", "PA", "FREE", "ITU", "SP",
            "F17", "NX", "CHLD", "YAD", "SNR", "ADM"} <= codes(listing)
    assert {"SAF", "SA", "DU", "ZZNEW"} <= set(listing.unmapped_codes)
    assert "mapped to no term: DU (DUI/DWI Clients), 1 row" in out
    assert "mapped to no term: ZZNEW (A code of a newer edition), 1 row" in out


def test_mental_health_only_facilities_are_left_out_unless_asked_for(tmp_path):
    rows = [facility(), facility("Mind Center", street1="9 Oak Street", service_code_info="MHF * OP * SF")]
    out = run(workbook(tmp_path, rows))
    assert "Left out: 1 mental-health-only facilities" in out
    assert not Program.objects.filter(name="Mind Center").exists()
    run(workbook(tmp_path, rows), "--include-mental-health")
    assert Program.objects.filter(name="Mind Center").exists()


def test_state_option_imports_only_those_states(tmp_path):
    rows = [facility(), facility("Baltimore House", city="Baltimore", state="MD", zip="21201")]
    out = run(workbook(tmp_path, rows), "--state", "md")
    assert list(Program.objects.values_list("name", flat=True)) == ["Baltimore House"]
    assert "Left out: 1 facilities in other states than MD" in out


# Places ------------------------------------------------------------------------------------------


def test_facilities_are_placed_at_their_zip_code_and_marked_approximate(tmp_path, client):
    run(workbook(tmp_path, [facility()]))
    listing = program()
    assert listing.location_approximate and listing.latitude is not None
    page = client.get(listing.get_absolute_url()).content.decode()
    assert "The location on the map is approximate" in page
    assert "openstreetmap.org/search?query=100%20Main%20Street" in page  # directions to the street address
    results = client.get("/programs/", {"near": "22901", "radius": "25"}).content.decode()
    assert "about <strong>" in results and "(approximate location)" in results
    spanish = client.get("/es/programs/", {"near": "22901", "radius": "25"}).content.decode()
    assert "a unos <strong>" in spanish and "(ubicación aproximada)" in spanish


def test_better_coordinates_win_over_a_zip_centre(tmp_path):
    run(workbook(tmp_path, [facility()]))
    Program.objects.filter(pk=program().pk).update(latitude=38.0301, longitude=-78.4801, location_approximate=False)
    run(workbook(tmp_path, [facility(service_code_info="SAF SA * OP * MM")]))
    listing = program()
    assert (listing.latitude, listing.longitude, listing.location_approximate) == (38.0301, -78.4801, False)


# Identity and the yearly refresh -----------------------------------------------------------------


def test_a_newer_edition_updates_adds_and_lists_the_missing_never_deleting(tmp_path, admin_client):
    run(workbook(tmp_path, [facility(), facility("Closing House", street1="7 Pine Street"),
                            facility("Steady Place", street1="8 Ash Street")], name="directory-2025.xlsx"))
    newer = workbook(tmp_path, [
        facility(service_code_info="SAF SA * OP * MM BU * SF", intake1="(434)555-0199"),
        facility("Steady Place", street1="8 Ash Street"),
        facility("Opening Clinic", street1="9 Birch Street"),
    ], name="directory-2026.xlsx")
    out = run(newer, "-v", "2")
    assert "1 created, 1 updated, 1 unchanged" in out
    assert "update: row 2 Blue Ridge Recovery (intake_phone, services)" in out
    assert "create: row 4 Opening Clinic" in out
    assert "Not in the 2026 directory: 1 listings" in out
    closing = program("Closing House")
    assert closing.missing_from_source == "2026 directory" and closing.status == Program.Status.ACTIVE
    assert program().intake_phone == "(434) 555-0199" and "METH" in codes(program())
    page = admin_client.get("/admin/directory/program/", {"missing_from": "2026 directory"}).content.decode()
    assert "Not in the 2026 directory" in page and "Closing House" in page and "Steady Place" not in page

    again = run(newer)
    assert "0 created, 0 updated, 3 unchanged" in again


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = workbook(tmp_path, [facility(), facility("Second House", street1="2 Elm Street", zip=7030, state="NJ",
                                                    city="Hoboken")])
    run(path)
    before = list(Program.objects.order_by("pk").values("pk", "updated"))
    out = run(path)
    assert "0 created, 0 updated, 2 unchanged" in out
    assert list(Program.objects.order_by("pk").values("pk", "updated")) == before


def test_fields_staff_edited_are_kept_and_each_conflict_is_reported(tmp_path, admin_client):
    run(workbook(tmp_path, [facility(intake1="(434)555-0150")], name="directory-2025.xlsx"))
    listing = program()
    form = admin_client.get(f"/admin/directory/program/{listing.pk}/change/")
    assert form.status_code == 200
    Program.objects.filter(pk=listing.pk).update(intake_phone="(434) 555-0177", street2="Suite 4")
    out = run(workbook(tmp_path, [facility(intake1="(434)555-0160", street2="Floor 2")], name="directory-2026.xlsx"))
    listing.refresh_from_db()
    assert (listing.intake_phone, listing.street2) == ("(434) 555-0177", "Suite 4")
    assert "intake phone was edited by staff ('(434) 555-0177') and is kept; the 2026 directory says '(434) 555-0160'" in out
    assert "street2 was edited by staff ('Suite 4') and is kept" in out


# Bad input ---------------------------------------------------------------------------------------


def refused(path, *options) -> str:
    with pytest.raises(CommandError) as error:
        run(path, *options)
    assert not Program.objects.exists()
    return str(error.value)


def test_the_mental_health_directory_is_refused_whole(tmp_path):
    rows = [facility(f"Mind Center {n}", street1=f"{n} Oak Street", service_code_info="MHF * OP * SF") for n in range(3)]
    message = refused(workbook(tmp_path, rows, name="MH_Facilities.xlsx"))
    assert "looks like the mental health directory" in message and "Expected SAMHSA's National Directory" in message


def test_another_spreadsheet_is_refused_whole(tmp_path):
    path = workbook(tmp_path, [{"name": "x"}], header=["Budget line", "Amount"], key=None)
    message = refused(path)
    assert "No sheet of this workbook ('Facilities') has the directory's columns" in message
    assert "name1, name2, street1" in message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    assert "would unpack to 50 MB" in refused(path)


def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: takes no disk space
    assert "The file is 200 MB; the largest file an import accepts is 50 MB" in refused(path)


def test_a_password_protected_workbook_is_refused(tmp_path):
    path = tmp_path / "protected.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)  # Excel wraps encrypted workbooks in OLE2
    assert "password-protected (encrypted) workbook" in refused(path)


def test_a_damaged_workbook_is_refused(tmp_path):
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2048))
    assert "Expected SAMHSA's National Directory" in refused(path)


def test_every_row_rejected_exits_non_zero_with_a_hint(tmp_path):
    path = workbook(tmp_path, [facility(name=None), facility(street1=None)])
    message = refused(path)
    assert "All 2 facilities were rejected" in message and "--state" in message


def test_strict_writes_nothing_when_a_row_is_rejected(tmp_path):
    refused(workbook(tmp_path, [facility(), facility(name=None)]), "--strict")


def test_dry_run_writes_nothing(tmp_path):
    out = run(workbook(tmp_path, [facility()]), "--dry-run")
    assert "1 to create" in out and not Program.objects.exists()


# The staff page and its background job -----------------------------------------------------------


def test_staff_import_the_workbook_as_a_background_job(tmp_path, admin_client, run_jobs, settings):
    settings.OPENDATA_UPLOAD_DIR = str(tmp_path / "uploads")
    page = admin_client.get("/admin/opendata/import/").content.decode()
    assert "SAMHSA National Directory of substance use treatment facilities" in page
    content = workbook(tmp_path, [facility()]).read_bytes()
    response = admin_client.post("/admin/opendata/import/", {
        "file": SimpleUploadedFile("directory-2026.xlsx", content), "format": "national-directory"})
    assert response.status_code == 302
    run_jobs()
    preview = admin_client.get(response.url).content.decode()
    assert "1 facilities: 1 to create" in preview
    job = response.url.rstrip("/").rsplit("/", 1)[1]
    applied = admin_client.post("/admin/opendata/import/apply/", {"job": job, "apply": "1"})
    run_jobs()
    assert "1 created" in admin_client.get(applied.url).content.decode()
    assert program().location_approximate


def test_staff_upload_of_a_spreadsheet_of_another_kind_reports_what_was_expected(tmp_path, admin_client, run_jobs, settings):
    settings.OPENDATA_UPLOAD_DIR = str(tmp_path / "uploads")
    content = workbook(tmp_path, [{"x": 1}], header=["Budget line", "Amount"], key=None).read_bytes()
    response = admin_client.post("/admin/opendata/import/", {
        "file": SimpleUploadedFile("budget.xlsx", content), "format": "national-directory"})
    run_jobs()
    page = admin_client.get(response.url).content.decode()
    assert "Expected SAMHSA&#x27;s National Directory" in page or "Expected SAMHSA's National Directory" in page


# The real 2015 edition ---------------------------------------------------------------------------


@pytest.fixture
def edition_2015() -> Path:
    if not WORKBOOK_2015.is_file():
        missing_realdata(f"the real 2015 National Directory, {WORKBOOK_2015.name}, is read")
    return WORKBOOK_2015


def test_a_slice_of_the_real_2015_workbook(tmp_path, edition_2015):
    """The first 300 facilities and the key sheet of the real edition, copied into a workbook of their own."""
    source = openpyxl.load_workbook(edition_2015, read_only=True)
    rows = list(source["Facilities"].iter_rows(values_only=True, max_row=301))
    key = list(source["Service code key"].iter_rows(values_only=True, min_row=2))
    source.close()
    header, body = list(rows[0]), [dict(zip(rows[0], row)) for row in rows[1:]]
    report = import_national_directory(source=workbook(tmp_path, body, header=header, key=key), filename="slice-2015.xlsx")
    assert report.total == 300 and not report.errors
    assert report.created + len(report.rejected) <= 300 and report.created > 280
    assert Program.objects.filter(state="AL").exists()
    assert Program.objects.filter(terms__code="BU").exists()


@pytest.mark.slow
def test_the_whole_real_2015_workbook(edition_2015):
    report = import_national_directory(source=edition_2015)
    assert report.total == 11928 and report.applied
    assert report.created == Program.objects.count() > 11500
    zip_repairs = [f for f in report.fixed if "dropped its leading zeros" in f.reason]
    assert len(zip_repairs) > 1100  # 1,210 in the file, less the rows rejected (Puerto Rico rows with no street)
    assert Program.objects.filter(zip_code="07030").exists()
    assert Program.objects.filter(terms__code="METH").count() > 1000  # MM, the 2015 code for methadone
    assert Program.objects.filter(location_approximate=True).count() > 11000
    assert Program.objects.values("state").distinct().count() >= 53
    again = import_national_directory(source=edition_2015)
    assert (again.created, again.updated) == (0, 0)


def test_a_facility_already_listed_from_the_locator_keeps_that_listing(tmp_path):
    from tests.factories import make_program

    make_program(name="Blue Ridge Recovery", street1="100 Main St.", zip_code="22902", source="samhsa",
                 source_id="frid-1", latitude=38.0301, longitude=-78.4801)
    out = run(workbook(tmp_path, [facility(), facility("Other Place", street1="5 Elm Street")]))
    assert "1 created" in out and "1 matched a listing from another source" in out
    assert ("Matched: Row 2 (line 2): matched the listing ‘Blue Ridge Recovery’ (imported from the SAMHSA "
            "treatment locator) by address and name") in out
    assert Program.objects.filter(name="Blue Ridge Recovery").count() == 1
    assert program().source == "samhsa" and not program().location_approximate  # its better coordinates stay
    assert list(program().identifiers.values_list("source", flat=True)) == ["samhsa-directory"]
