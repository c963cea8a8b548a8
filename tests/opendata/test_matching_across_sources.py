"""The same facility under two sources is one listing: a record that matches nothing by its own source and
identifier is matched to a listing from another source (the same name and ZIP code, and the same street
address, or the same phone and house number), updates it, and the listing keeps the record's identifier.

The real files: the 2015 National Directory's Virginia facilities (a workbook of its real rows) and the
41 locator rows around Charlottesville (2019). Eight facilities are in both, and found in both orders.
"""
import json
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.matching import ADDS, DIFFERS, SAME, compare_names, name_words, street_key
from directory.models import Program, ProgramIdentifier
from opendata.importers.national_directory import import_national_directory
from opendata.importers.samhsa import import_samhsa
from tests.factories import make_program
from tests.opendata.test_national_directory import workbook
from tests.realdata import realdata_file

pytestmark = pytest.mark.django_db

DIRECTORY = "samhsa-directory"
LOCATOR = "samhsa"
# The locator rows (1-based, as reported) of the facilities the 2015 directory also lists in Virginia.
BOTH = {
    4: "Region Ten Community Services Board",  # 800 Preston Avenue, Peterson Building
    16: "Region Ten Community Services Board – Fluvanna County Office",
    19: "Region Ten Community Services Board – Louisa County Office",
    22: "Region Ten Community Services Board – Nelson Counseling Center",
    26: "Valley Community Services Board – Substance Abuse Outpatient Services",
    30: "Rockingham Memorial Hospital – Outpatient Behavioral Health",  # the phones differ: matched by address
    33: "Harrisonburg/Rockingham – Community Services Board",
    38: "Goochland Powhatan Community Services",
}


@pytest.fixture(scope="module")
def virginia(tmp_path_factory) -> Path:
    """The real 2015 directory's Virginia rows and its code key, in a workbook of their own."""
    source = openpyxl.load_workbook(realdata_file("samhsa-national-directory", "national-directory-2015.xlsx"),
                                    read_only=True)
    rows = source["Facilities"].iter_rows(values_only=True)
    header = list(next(rows))
    body = [dict(zip(header, row)) for row in rows if row[header.index("state")] == "VA"]
    key = list(source["Service code key"].iter_rows(values_only=True, min_row=2))
    source.close()
    return workbook(tmp_path_factory.mktemp("virginia"), body, header=header, key=key,
                    name="national-directory-2015-va.xlsx")


@pytest.fixture(scope="module")
def locator_rows() -> list[dict]:
    return json.loads(realdata_file("samhsa-locator", "locator-rows-charlottesville-va.json").read_text())["rows"]


@pytest.fixture
def locator(locator_rows) -> Path:
    return realdata_file("samhsa-locator", "locator-rows-charlottesville-va.json")


def rows_file(tmp_path, rows: list[dict], name: str = "rows.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"rows": rows}))
    return path


def locator_row(**fields) -> dict:
    row = {"frid": "frid-1", "name1": "Blue Ridge Recovery", "name2": "", "street1": "100 Main Street", "street2": "",
           "city": "Charlottesville", "state": "VA", "zip": "22902", "phone": "434-555-0100", "intake1": "",
           "website": "", "latitude": "38.0301", "longitude": "-78.4801", "services": []}
    row.update(fields)
    return row


def identifiers(program: Program) -> set[tuple[str, str]]:
    return {(program.source, program.source_id)} | set(program.identifiers.values_list("source", "source_id"))


def command(name: str, path: Path, *options: str) -> str:
    out = StringIO()
    call_command(name, str(path), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


# Names and addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize("first, second, relation", [
    ("Addiction Recovery Systems LLC", "Addiction Recovery Systems, Inc.", SAME),
    ("Smith & Jones Counseling Ctr", "Smith and Jones Counseling Center", SAME),
    ("Univ of Cincinnati Physicians Co LLC (UCPC LLC)", "University of Cincinnati Physicians Company LLC (UCPC LLC)", SAME),
    ("Region Ten CSB – Nelson Counseling Center", "Region Ten Community Services Board Nelson Counseling Center", SAME),
    ("Behavorial Health Partners", "Behavioral Health Partners", SAME),  # a misspelling (rapidfuzz 90)
    # Facilities the 2015 directory lists apart at one address: one word tells them apart.
    ("Haven House Inpatient", "Haven House Outpatient", DIFFERS),
    ("Harbel Prevention and Recovery Center Adolescent Clinic", "Harbel Prevention and Recovery Center Adult Clinic",
     DIFFERS),
    ("Davis Behavioral Health Mens Recovery Center", "Davis Behavioral Health Womens Recovery Center", DIFFERS),
    ("PACT", "Valley Community Services Board – Substance Abuse Outpatient Services", DIFFERS),
    # One name adds a unit's name: perhaps one facility, perhaps two; never merged on that alone.
    ("Augusta Health", "Augusta Health – Recovery Choice", ADDS),
])
def test_names_are_compared_word_by_word(first, second, relation):
    assert compare_names(name_words(first), name_words(second)) == relation


def test_street_addresses_are_compared_in_one_spelling_without_their_unit():
    assert street_key("71 Tan Bark Plaza") == street_key("71 Tanbark Plaza")
    assert street_key("100 North Main Street, Suite 4") == street_key("100 N. Main St.")
    assert street_key("3 Cottage Place 2nd Floor") == street_key("3 Cottage Pl")
    assert street_key("One Hospital Drive") == street_key("1 Hospital Dr")
    assert street_key("205 East Scott Avenue") != street_key("211 East Scott Avenue")


# The real files, in both orders ------------------------------------------------------------------


def test_the_directory_then_the_locator_rows_leave_one_listing_per_facility(virginia, locator):
    first = import_national_directory(source=virginia)
    assert first.created == 136 and not first.matches
    out = command("import_samhsa", locator)

    assert "41 records: 33 created, 8 updated, 0 unchanged, 0 rejected; 8 matched a listing from another source" in out
    assert ("Matched: Row 30: matched the listing ‘Rockingham Memorial Hospital – Outpatient Behavioral Health’ "
            "(imported from the National Directory) by address and name; updated it (Main phone, ") in out
    assert Program.objects.count() == 136 + 33
    for row, name in BOTH.items():
        listing = Program.objects.get(name=name, source=DIRECTORY)  # one listing, the directory's
        frid = json.loads(locator.read_text())["rows"][row - 1]["frid"]
        assert identifiers(listing) == {(DIRECTORY, listing.source_id), (LOCATOR, frid)}
        assert f"Matched: Row {row}: matched the listing ‘{name}’ (imported from the National Directory) by " in out
        assert not listing.location_approximate  # the locator's coordinates are better than a ZIP centre
    assert not Program.objects.filter(source=LOCATOR, name__in=BOTH.values()).exclude(
        source_id=json.loads(locator.read_text())["rows"][2]["frid"]).exists()

    again = import_samhsa(source=locator)  # by identifier now
    assert (again.created, again.updated, again.unchanged) == (0, 0, 41) and not again.matches
    assert ProgramIdentifier.objects.count() == 8
    refresh = import_national_directory(source=virginia)  # each source changes what it changed, no more
    assert (refresh.created, refresh.updated) == (0, 0) and not refresh.matches


def test_the_locator_rows_then_the_directory_leave_one_listing_per_facility(virginia, locator):
    assert import_samhsa(source=locator).created == 41
    report = import_national_directory(source=virginia)

    assert (report.created, report.updated, len(report.matches)) == (128, 8, 8)
    assert Program.objects.count() == 41 + 128
    for name in BOTH.values():
        listings = Program.objects.filter(name=name, identifiers__source=DIRECTORY)
        assert len(listings) == 1, name
        assert listings[0].source == LOCATOR and not listings[0].location_approximate  # its coordinates stay
    row = next(match for match in report.matches if "Goochland" in match.reason)
    assert str(row).startswith(f"Row {row.row} (line {row.row}): matched the listing ‘Goochland Powhatan Community "
                               "Services’ (imported from the SAMHSA treatment locator) by address, phone and name; "
                               "updated it (")

    again = import_national_directory(source=virginia)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 136) and not again.matches
    locator_again = import_samhsa(source=locator)
    assert (locator_again.created, locator_again.updated) == (0, 0)


def test_a_different_facility_at_the_same_address_is_not_merged(virginia, locator):
    """PACT and the Valley Community Services Board share 85 Sangers Lane, Staunton: two listings."""
    import_national_directory(source=virginia)
    report = import_samhsa(source=locator)
    pact = Program.objects.get(name="PACT")
    assert identifiers(pact) == {(LOCATOR, pact.source_id)}
    valley = Program.objects.get(name=BOTH[26])
    assert {source for source, _ in identifiers(valley)} == {DIRECTORY, LOCATOR}
    assert not any(finding.row == 25 for finding in report.matches + report.possible_duplicates)


def test_inpatient_and_outpatient_at_one_address_stay_two_listings(tmp_path):
    make_program(name="Haven House Inpatient", street1="1195 Augustine Herman Highway", city="Elkton", state="MD",
                 zip_code="21921", phone="(410) 398-9900", source=DIRECTORY, source_id="nd:haven-inpatient")
    report = import_samhsa(source=rows_file(tmp_path, [locator_row(
        name1="Haven House", name2="Outpatient", street1="1195 Augustine Herman Hwy", city="Elkton", state="MD",
        zip="21921", phone="410-398-9900", latitude="", longitude="")]))
    assert report.created == 1 and not report.matches and not report.possible_duplicates
    assert Program.objects.count() == 2


def test_two_rows_of_one_file_never_both_match_one_listing(virginia, locator):
    import_national_directory(source=virginia)
    report = import_samhsa(source=locator)
    # Rows 3 and 4: Region Ten at 800 Preston Avenue, once without and once with "Peterson Building", as the
    # directory has it. The better fit matches; the other is listed separately and reported.
    assert [match.row for match in report.matches] == sorted(BOTH)
    doubt = next(finding for finding in report.possible_duplicates if finding.row == 3)
    assert "which row 4 of this file matched" in doubt.reason and "listed separately" in doubt.reason
    assert Program.objects.filter(name="Region Ten Community Services Board", street1="800 Preston Avenue").count() == 2
    # Rows 17 and 18: the Greene County Office twice, at another address than the directory's (a move?):
    # the same name and phone are not enough. Rows 8 and 24: one name adds words to the other.
    assert {finding.row for finding in report.possible_duplicates} == {3, 8, 15, 17, 18, 24, 27}
    greene = next(finding for finding in report.possible_duplicates if finding.row == 17)
    assert "same name and phone in the same ZIP code, at another address" in greene.reason


def test_equal_rows_match_the_first_and_report_the_second(tmp_path):
    listing = make_program(name="Blue Ridge Recovery", street1="100 Main St", zip_code="22902",
                           phone="(434) 555-0100", source=DIRECTORY, source_id="nd:blue-ridge")
    report = import_samhsa(source=rows_file(tmp_path, [
        locator_row(frid="first"), locator_row(frid="second"), locator_row(frid="third", name1="Other Place")]))
    assert [match.row for match in report.matches] == [1]
    assert [finding.row for finding in report.possible_duplicates] == [2]
    assert identifiers(listing) == {(DIRECTORY, "nd:blue-ridge"), (LOCATOR, "first")}
    assert report.created == 2


def test_a_record_that_fits_several_listings_equally_merges_with_none(tmp_path):
    for n in (1, 2):
        make_program(name="Center for Comp Health Practice Inc", street1="1900 2nd Avenue", street2="12th Floor",
                     city="New York", state="NY", zip_code="10029", phone=f"(212) 360-78{n}0", source=DIRECTORY,
                     source_id=f"nd:{n}")
    report = import_samhsa(source=rows_file(tmp_path, [locator_row(
        name1="Center for Comprehensive Health Practice", street1="1900 Second Avenue", street2="12th Floor",
        city="New York", state="NY", zip="10029", phone="212-360-7000", latitude="", longitude="")]))
    assert report.created == 1 and not report.matches
    assert "may be any of the listing" in report.possible_duplicates[0].reason


def test_the_same_phone_and_house_number_match_an_address_written_otherwise(tmp_path):
    listing = make_program(name="1st Alliance Treatment Services LLC", street1="300 East Hampden Avenue Suite 450",
                           city="Englewood", state="CO", zip_code="80113", phone="(720) 214-0808", source=DIRECTORY,
                           source_id="nd:alliance")
    report = import_samhsa(source=rows_file(tmp_path, [locator_row(
        name1="1st Alliance Treatment Services", street1="300 Hampden Street", street2="4th Floor",
        city="Englewood", state="CO", zip="80113", phone="720-214-0808")]))
    assert "by phone, house number and name" in report.matches[0].reason
    assert identifiers(listing) == {(DIRECTORY, "nd:alliance"), (LOCATOR, "frid-1")}


def test_a_closed_listing_is_never_matched_and_is_named(tmp_path):
    make_program(name="Blue Ridge Recovery", street1="100 Main St", zip_code="22902", status=Program.Status.CLOSED,
                 source=DIRECTORY, source_id="nd:blue-ridge")
    report = import_samhsa(source=rows_file(tmp_path, [locator_row()]))
    assert report.created == 1 and not report.matches
    assert "which is closed: listed anew" in report.possible_duplicates[0].reason


def test_a_listing_entered_by_hand_keeps_what_staff_typed(tmp_path):
    listing = make_program(name="Blue Ridge Recovery", street1="100 Main St", zip_code="22902",
                           phone="(434) 555-0111", website="", source="", source_id="")
    report = import_samhsa(source=rows_file(tmp_path, [locator_row(
        phone="434-555-0100", website="https://blueridge.example.org")]))
    assert str(report.matches[0]) == (
        "Row 1: matched the listing ‘Blue Ridge Recovery’ (entered by hand) by address and name; updated it "
        "(Website); kept what it had: Street address, Main phone, Latitude, Longitude")
    listing.refresh_from_db()
    assert (listing.phone, listing.website) == ("(434) 555-0111", "https://blueridge.example.org")
    assert identifiers(listing) == {("", ""), (LOCATOR, "frid-1")}


def test_staff_edits_on_a_directory_listing_are_kept_when_another_source_matches_it(virginia, locator):
    import_national_directory(source=virginia)
    listing = Program.objects.get(name=BOTH[33])
    Program.objects.filter(pk=listing.pk).update(phone="(540) 555-0142")  # staff corrected the phone
    report = import_samhsa(source=locator)
    listing.refresh_from_db()
    assert listing.phone == "(540) 555-0142"
    assert any("main phone is kept ('(540) 555-0142', edited by staff); this file says '(540) 434-1941'" in warning
               for warning in report.warnings)


def test_a_dry_run_reports_the_matches_and_writes_no_identifier(virginia, locator):
    import_national_directory(source=virginia)
    out = command("import_samhsa", locator, "--dry-run")
    assert "8 matched a listing from another source" in out and "it will be updated (" in out
    assert not ProgramIdentifier.objects.exists()


def test_matching_costs_no_query_per_record(virginia, locator_rows, tmp_path):
    """The plan of 10 rows and of 41 rows asks the database the same number of questions."""
    import_national_directory(source=virginia)
    counts = []
    for rows in (locator_rows[:10], locator_rows):
        with CaptureQueriesContext(connection) as queries:
            import_samhsa(source=rows_file(tmp_path, rows, f"{len(rows)}.json"), dry_run=True)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Staff -------------------------------------------------------------------------------------------


def test_staff_see_each_match_in_the_preview_and_the_report(virginia, locator, admin_client, run_jobs, settings,
                                                          tmp_path):
    settings.OPENDATA_UPLOAD_DIR = str(tmp_path / "uploads")
    import_national_directory(source=virginia)
    response = admin_client.post("/admin/opendata/import/", {
        "file": SimpleUploadedFile("locator.json", locator.read_bytes()), "format": "samhsa-json"})
    run_jobs()
    preview = admin_client.get(response.url).content.decode()
    assert "Matched to listings from other sources (8)" in preview
    assert ("Row 4: matched the listing ‘Region Ten Community Services Board’ (imported from the National "
            "Directory) by address, phone and name; it will be updated (") not in preview  # the row is its own cell
    assert "matched the listing ‘Region Ten Community Services Board’ (imported from the National Directory) by " \
           "address, phone and name; it will be updated (" in preview
    assert "Possible duplicates (7): listed separately, please check" in preview
    assert "match 8 to listings from other sources" in preview
    job = response.url.rstrip("/").rsplit("/", 1)[1]
    applied = admin_client.post("/admin/opendata/import/apply/", {"job": job, "apply": "1"})
    run_jobs()
    page = admin_client.get(applied.url).content.decode()
    assert "8 matched a listing from another source" in page and "; updated it (" in page

    listing = Program.objects.get(name=BOTH[38])
    form = admin_client.get(f"/admin/directory/program/{listing.pk}/change/").content.decode()
    frid = json.loads(locator.read_text())["rows"][37]["frid"]
    assert f"{LOCATOR}: {frid} (matched by address, phone and name on " in form
    history = admin_client.get(f"/admin/directory/program/{listing.pk}/history/").content.decode()
    assert "matched its row 38 to this listing by address, phone and name" in history


# Two sources, one listing, many imports ----------------------------------------------------------


def test_each_source_changes_only_what_it_changed_itself(tmp_path):
    from tests.opendata.test_national_directory import facility

    def directory(intake: str, edition: str) -> Path:
        return workbook(tmp_path, [facility(intake1=intake)], name=f"national-directory-{edition}.xlsx")

    def locator(intake: str):
        return import_samhsa(source=rows_file(tmp_path, [locator_row(intake1=intake)]))

    import_national_directory(source=directory("(434)555-0150", "2025"))
    assert locator("434-555-0160").matches  # the first match: the locator's intake phone is written
    listing = Program.objects.get()
    assert listing.intake_phone == "(434) 555-0160"

    same = import_national_directory(source=directory("(434)555-0150", "2025"))
    assert (same.updated, same.unchanged) == (0, 1) and not [w for w in same.warnings if w.startswith("Row")]
    newer = import_national_directory(source=directory("(434)555-0170", "2026"))  # the directory changed it
    assert newer.updated == 0
    assert ("Row 2 «Blue Ridge Recovery»: intake phone is kept ('(434) 555-0160', from the SAMHSA treatment "
            "locator); the 2026 directory says '(434) 555-0170'.") in newer.warnings
    listing.refresh_from_db()
    assert listing.intake_phone == "(434) 555-0160"

    assert locator("434-555-0160").updated == 0  # the locator says what it said: nothing to do
    changed = locator("434-555-0180")  # the locator changed it: its own to change
    assert changed.updated == 1 and not changed.matches
    listing.refresh_from_db()
    assert listing.intake_phone == "(434) 555-0180"
    assert Program.objects.count() == 1
