"""Importing SAMHSA treatment-locator rows and the National Directory CSV."""
import json

import pytest
from django.core.management import CommandError, call_command

from directory.models import Organization, Program
from opendata.importers.samhsa import import_samhsa
from places import geo
from tests.factories import make_program
from tests.opendata.conftest import SAMHSA_ROWS

pytestmark = pytest.mark.django_db

REGION_TEN = "811a908f82269778a2fe2a8bc603afa08df868f3e2fa56aa62e214d03997dea1"
CSV_HEADER = "name1,name2,street1,street2,city,state,zip,phone,intake1,website,latitude,longitude,service_code_info\n"


def row(**fields):
    values = {
        "frid": "f-1", "name1": "Test Recovery Center", "name2": "", "street1": "1 Main St", "street2": "",
        "city": "Charlottesville", "state": "VA", "zip": "22902", "phone": "434-555-0100", "intake1": "",
        "website": "https://example.org", "latitude": "38.03", "longitude": "-78.48",
        "services": [{"f1": "Payment", "f2": "PAY", "f3": "Medicaid; Cash or self-payment"}],
    }
    values.update(fields)
    return values


def rows_file(tmp_path, rows, name="rows.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def test_real_locator_rows_import_with_exact_records(realdata):
    rows = json.loads(SAMHSA_ROWS.read_text())["rows"]
    assert len(rows) == 41 and len({r["frid"] for r in rows}) == 41

    report = import_samhsa(source=SAMHSA_ROWS)

    assert report.applied and not report.rejected and not report.errors
    assert (report.created, report.updated, report.unchanged) == (41, 0, 0)
    assert Program.objects.filter(source="samhsa").count() == 41
    mohr = Program.objects.get(source="samhsa", source_id=REGION_TEN)
    assert mohr.name == "Region Ten Community Services Board – Mohr Center"
    assert mohr.organization.name == "Region Ten Community Services Board"
    assert (mohr.street1, mohr.city, mohr.state, mohr.zip_code) == ("1014 East Market Street", "Charlottesville", "VA", "22902")
    assert (mohr.phone, mohr.intake_phone, mohr.website) == ("(434) 979-8871", "(434) 972-1800", "http://www.regionten.org")
    assert (mohr.latitude, mohr.longitude) == (38.0282239, -78.4725231)
    assert set(mohr.terms.values_list("code", flat=True)) == {
        "RES", "RS", "ACM", "MD", "PI", "SF", "SS", "MN", "ADLT", "YAD", "SSA",
    }
    region_ten = Program.objects.filter(name="Region Ten Community Services Board", zip_code="22903")
    assert region_ten.count() == 2
    assert {p.phone for p in region_ten} == {"(434) 972-1800"}
    # The keyword search sees the organization and the services.
    assert Program.objects.search("Mohr Medicaid").filter(pk=mohr.pk).exists()
    # Values of the locator that no term knows are reported, not fatal.
    assert any("Cognitive behavioral therapy (TAP)" in warning for warning in report.warnings)


def test_second_import_changes_nothing(realdata):
    import_samhsa(source=SAMHSA_ROWS)
    before = list(Program.objects.order_by("pk").values_list("pk", "updated"))

    report = import_samhsa(source=SAMHSA_ROWS)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 41)
    assert list(Program.objects.order_by("pk").values_list("pk", "updated")) == before
    assert report.organizations_created == 0


def test_reimport_updates_changed_fields_only(tmp_path):
    import_samhsa(source=rows_file(tmp_path, [row()]))
    program = Program.objects.get(source_id="f-1")
    program.last_verified = None
    program.save()

    report = import_samhsa(source=rows_file(tmp_path, [row(phone="434-555-0111", services=[])]))

    assert (report.created, report.updated) == (0, 1)
    assert report.changes[0].fields == ("phone", "services")
    program.refresh_from_db()
    assert program.phone == "(434) 555-0111" and not program.terms.exists()


def test_dry_run_writes_nothing(realdata):
    report = import_samhsa(source=SAMHSA_ROWS, dry_run=True)

    assert report.created == 41 and not report.applied
    assert not Program.objects.exists() and not Organization.objects.exists()
    assert report.changes[0].action == "create"


def test_rows_without_frid_get_a_stable_identifier(tmp_path):
    path = rows_file(tmp_path, [row(frid=None), row(frid=None, name1="Other Place")])
    import_samhsa(source=path)
    ids = set(Program.objects.values_list("source_id", flat=True))

    report = import_samhsa(source=path)

    assert len(ids) == 2 and all(value.startswith("sha256:") for value in ids)
    assert report.unchanged == 2


REJECTED_ROWS = [
    ({"state": "ZZ"}, "state 'ZZ' is not a US state"),
    ({"zip": "2290", "latitude": "", "longitude": ""}, "ZIP code '2290' is not a 5-digit"),
    ({"zip": "00000", "latitude": "", "longitude": ""}, "ZIP code 00000 is unknown and no usable coordinates"),
    ({"zip": "00000", "latitude": "95"}, "ZIP code 00000 is unknown and no usable coordinates"),
    ({"name1": ""}, "name1 (the facility's name) is missing"),
    ({"name1": {"first": "x"}}, "name1 must be text"),
    ({"services": "Medicaid"}, "services must be a list"),
]


@pytest.mark.parametrize("bad, reason", REJECTED_ROWS)
def test_bad_rows_are_rejected_by_number_and_the_others_imported(tmp_path, bad, reason):
    path = rows_file(tmp_path, [row(), row(frid="f-2", **bad), row(frid="f-3")])

    report = import_samhsa(source=path)

    assert report.applied and not report.blocked and report.created == 2
    assert [(r.row, reason in r.reason) for r in report.rejected] == [(2, True)], report.rejected
    assert set(Program.objects.values_list("source_id", flat=True)) == {"f-1", "f-3"}


@pytest.mark.parametrize("bad, reason", REJECTED_ROWS)
def test_strict_import_writes_nothing_when_a_row_is_rejected(tmp_path, bad, reason):
    path = rows_file(tmp_path, [row(), row(frid="f-2", **bad), row(frid="f-3")])

    report = import_samhsa(source=path, strict=True)

    assert not report.applied and report.blocked
    assert [(r.row, reason in r.reason) for r in report.rejected] == [(2, True)], report.rejected
    assert "Nothing was imported" in report.summary()
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    "bad, fix",
    [
        ({"latitude": "138.2"}, "latitude 138.2 is out of range (-90 to 90), so the coordinates were dropped and "
                                "the place was taken from ZIP code 22902"),
        ({"longitude": "-278"}, "longitude -278 is out of range (-180 to 180), so the coordinates were dropped"),
        ({"latitude": "north"}, "latitude 'north' is not a number, so it was left out"),
        ({"latitude": None}, "only the longitude was given, so the coordinates were dropped and the place was "
                             "taken from ZIP code 22902"),
    ],
)
def test_unusable_coordinates_are_dropped_and_the_zip_code_places_the_listing(tmp_path, bad, fix):
    report = import_samhsa(source=rows_file(tmp_path, [row(**bad)]), strict=True)

    assert report.applied and not report.rejected and report.created == 1
    assert any(finding.row == 1 and fix in finding.reason for finding in report.fixed), report.fixed
    assert any(warning.startswith("Row 1 «Test Recovery Center»: ") and fix in warning for warning in report.warnings)
    program = Program.objects.get()
    assert (program.latitude, program.longitude) == geo.gazetteer().zip_point("22902")


def test_missing_fields_are_named(tmp_path):
    broken = row()
    del broken["zip"], broken["city"]
    report = import_samhsa(source=rows_file(tmp_path, [broken]))
    assert "missing fields city, zip" in report.rejected[0].reason


def test_duplicate_identifiers_are_rejected(tmp_path):
    report = import_samhsa(source=rows_file(tmp_path, [row(), row(name1="Copy"), row(frid="f-2")]))
    assert [(r.row, r.reason) for r in report.rejected] == [(2, "the same identifier is already used by row 1")]
    assert sorted(Program.objects.values_list("name", flat=True)) == ["Test Recovery Center", "Test Recovery Center"]
    assert not Program.objects.filter(name="Copy").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b'[{"name1": "x", ', "not valid JSON"),
        (b'{"facilities": []}', "Expected SAMHSA locator rows"),
        (b'"just text"', "Expected SAMHSA locator rows"),
        (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
        ('[{"name1": "Caf\u00e9"}]'.encode("latin-1"), "not UTF-8 text: line 1 (byte 0xe9)"),
    ],
)
def test_unusable_files_are_rejected_whole(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    report = import_samhsa(source=path)
    assert report.errors and message in report.errors[0]
    assert not Program.objects.exists()


def test_oversized_file_is_refused_before_reading(tmp_path, settings):
    settings.OPENDATA_MAX_IMPORT_BYTES = 1000
    path = rows_file(tmp_path, [row(frid=f"f-{n}") for n in range(20)])
    report = import_samhsa(source=path)
    assert report.errors and "largest file an import accepts is 1000 bytes" in report.errors[0]
    assert not Program.objects.exists()


def test_fifty_megabyte_cap_by_default(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as out:
        out.truncate(50 * 1024 * 1024 + 1)
    report = import_samhsa(source=path)
    assert "is 50 MB; the largest file an import accepts is 50 MB" in report.errors[0]


def test_import_is_all_or_nothing_when_writing_fails(tmp_path, monkeypatch):
    make_program(name="Kept")
    from directory.models import OpeningHours

    def explode(*args, **kwargs):
        raise RuntimeError("killed mid-import")

    monkeypatch.setattr(OpeningHours.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        import_samhsa(source=rows_file(tmp_path, [row(), row(frid="f-2")]))
    assert list(Program.objects.values_list("name", flat=True)) == ["Kept"]
    assert not Organization.objects.filter(name="Test Recovery Center").exists()


def test_progress_is_reported(tmp_path):
    seen = []
    import_samhsa(source=rows_file(tmp_path, [row(frid=f"f-{n}", name1=f"P{n}") for n in range(3)]),
                  progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert ("read", 3, 3) in seen and ("check", 3, 3) in seen and ("write", 3, 3) in seen


# National Directory CSV --------------------------------------------------------------------


def test_directory_csv_maps_service_codes(tmp_path):
    path = tmp_path / "directory.csv"
    path.write_text(
        CSV_HEADER
        + 'Valley Clinic,,"12 Oak St, Floor 2",,Staunton,VA,24401,540-555-0100,,valley.example.org,38.15,-79.07,OTP BU MD XYZ\n'
        + "Rural Outreach,,,,Boston,MA,2108,,,,,,ORT\n",
        encoding="utf-8",
    )
    report = import_samhsa(source=path)

    assert report.applied and report.created == 2, report.rejected
    valley = Program.objects.get(name="Valley Clinic")
    assert set(valley.terms.values_list("code", flat=True)) == {"OTP", "BU", "MD"}
    assert valley.street1 == "12 Oak St, Floor 2" and valley.website == "http://valley.example.org"
    rural = Program.objects.get(name="Rural Outreach")
    assert rural.zip_code == "02108" and rural.latitude is not None
    assert any("XYZ" in warning for warning in report.warnings)
    assert any("02108" in warning for warning in report.warnings)


def test_directory_csv_with_wrong_columns_is_rejected_whole(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("facility,address,town\nA,1 Main,Somewhere\n", encoding="utf-8")
    report = import_samhsa(source=path)
    assert "Missing columns: name1, street1, city, state, zip, service_code_info" in report.errors[0]


def test_directory_csv_reports_rows_by_number_and_line(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(
        CSV_HEADER
        + "Good,,1 Main St,,Charlottesville,VA,22902,,,,,,ORT\n"
        + '"Multi\nline name",,1 Main St,,Charlottesville,VA,22902,,,,,,ORT\n'
        + "Too few,,1 Main St\n"
        + "Bad coords,,1 Main St,,Charlottesville,VA,22902,,,,91,-78,ORT\n",
        encoding="utf-8",
    )
    report = import_samhsa(source=path)
    assert [(r.row, r.line) for r in report.rejected] == [(3, 5)]
    assert "has 3 fields but the header has 13" in report.rejected[0].reason
    assert [(f.row, f.line) for f in report.fixed] == [(4, 6)]
    assert "latitude 91 is out of range" in report.fixed[0].reason
    assert sorted(Program.objects.values_list("name", flat=True)) == ["Bad coords", "Good", "Multi\nline name"]


def test_directory_csv_with_bad_bytes_names_the_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((CSV_HEADER + "Caf\u00e9 Clinic,,1 Main St,,Charlottesville,VA,22902,,,,,,ORT\n").encode("latin-1"))
    report = import_samhsa(source=path)
    assert "not UTF-8 text: line 2 (byte 0xe9)" in report.errors[0]


# Command -----------------------------------------------------------------------------------


def test_command_imports_and_reports(realdata, capsys):
    call_command("import_samhsa", str(SAMHSA_ROWS))
    out = capsys.readouterr().out
    assert "41 created, 0 updated, 0 unchanged, 0 rejected" in out

    call_command("import_samhsa", str(SAMHSA_ROWS), "--dry-run")
    assert "0 to create, 0 to update, 41 unchanged" in capsys.readouterr().out


def test_command_imports_the_usable_rows_and_reports_the_others(tmp_path, capsys):
    path = rows_file(tmp_path, [row(), row(frid="f-2", state="Narnia")])

    call_command("import_samhsa", str(path))

    out = capsys.readouterr().out
    assert "Rejected: Row 2 «Test Recovery Center»: state 'Narnia' is not a US state or territory" in out
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert list(Program.objects.values_list("source_id", flat=True)) == ["f-1"]


def test_command_strict_writes_nothing_when_a_row_is_rejected(tmp_path, capsys):
    path = rows_file(tmp_path, [row(), row(frid="f-2", state="Narnia")])
    with pytest.raises(CommandError, match="1 of 2 records were rejected, so nothing was imported"):
        call_command("import_samhsa", str(path), "--strict")
    assert "Rejected: Row 2" in capsys.readouterr().out
    assert not Program.objects.exists()


def test_command_still_accepts_skip_invalid(tmp_path, capsys):
    path = rows_file(tmp_path, [row(), row(frid="f-2", state="Narnia")])

    call_command("import_samhsa", str(path), "--skip-invalid")

    assert "--skip-invalid is no longer needed" in capsys.readouterr().err
    assert Program.objects.count() == 1
    with pytest.raises(CommandError, match="contradict"):
        call_command("import_samhsa", str(path), "--skip-invalid", "--strict")


def test_messy_rows_among_real_locator_rows(realdata, tmp_path, capsys):
    """Real rows plus one with no name, one with a bad phone and one with half a coordinate pair."""
    rows = json.loads(SAMHSA_ROWS.read_text())["rows"]
    no_name = {**rows[0], "frid": "messy-1", "name1": "", "name2": ""}
    bad_phone = {**rows[1], "frid": "messy-2", "name1": "Messy Phone Clinic", "phone": "410-555-01"}
    half_pair = {**rows[2], "frid": "messy-3", "name1": "Half Pair Clinic", "longitude": None}
    path = rows_file(tmp_path, rows + [no_name, bad_phone, half_pair])

    with pytest.raises(CommandError, match="1 of 44 records were rejected, so nothing was imported"):
        call_command("import_samhsa", str(path), "--strict")
    assert "Rejected: Row 42: name1 (the facility's name) is missing" in capsys.readouterr().out
    assert not Program.objects.exists()

    call_command("import_samhsa", str(path))

    out = capsys.readouterr().out
    assert "43 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "Rejected: Row 42: name1 (the facility's name) is missing" in out
    assert "Fixed: Row 43 «Messy Phone Clinic" in out and "phone '410-555-01' is not a phone number" in out
    assert "Fixed: Row 44 «Half Pair Clinic" in out and "only the latitude was given" in out
    assert "Fixed and kept: 2 records" in out
    assert Program.objects.filter(source="samhsa").count() == 43
    assert Program.objects.get(source_id="messy-2").phone == ""
    half = Program.objects.get(source_id="messy-3")
    assert (half.latitude, half.longitude) == geo.gazetteer().zip_point(half.zip_code)
    assert not Program.objects.filter(source_id="messy-1").exists()


def test_command_fails_on_unusable_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_samhsa", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_samhsa", str(tmp_path / "missing.json"))
