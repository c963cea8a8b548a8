"""One registry of import formats: the commands, the staff page and the background job all take theirs from it."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from importing.formats import all_formats, get_format
from opendata.jobs import run_importer
from opendata.models import ImportJob

pytestmark = pytest.mark.django_db

NAMES = {"samhsa-json", "samhsa-csv", "hsds-json", "hsds-package", "meeting-guide", "national-directory"}


def test_every_format_is_a_class_in_the_registry():
    formats = {found.name: found for found in all_formats()}
    assert set(formats) >= NAMES
    limit = ImportJob._meta.get_field("format").max_length
    for found in formats.values():
        assert found.label and found.file_types and len(found.name) <= limit


def test_the_staff_page_offers_every_format_and_the_options_they_ask_for(admin_client):
    page = admin_client.get("/admin/opendata/import/").content.decode()
    for found in all_formats():
        assert f'<option value="{found.name}"' in page
    assert "Fellowship (Meeting Guide feeds)" in page
    assert "Include mental-health-only facilities (National Directory)" in page


def test_the_job_runner_takes_the_format_by_name(tmp_path):
    path = tmp_path / "rows.upload"
    path.write_text(json.dumps([{"name1": "Job Clinic", "street1": "1 Main St", "city": "Charlottesville",
                                 "state": "VA", "zip": "22902"}]))
    report = run_importer(path=path, format="samhsa-json", filename="rows.json", dry_run=True)
    assert report.created == 1 and report.format == "samhsa-json"
    unknown = run_importer(path=path, format="no-such-format", filename="rows.json", dry_run=True)
    assert unknown.errors  # a report, not a crash


@pytest.mark.parametrize("command, content, name, hint", [
    ("import_samhsa", [{"name1": "", "street1": "1 Main St", "city": "X", "state": "VA", "zip": "22902"}], "rows.json",
     "--format"),
    ("import_hsds", [{"id": "s1", "name": "No Place Service", "status": "active"}], "hsds.json", "--format"),
    ("import_meeting_guide", [{"name": "Hope", "slug": "hope", "day": 1, "time": "19:00", "address": "1 Main St",
                               "city": "Charlottesville", "state": "VA", "postal_code": "22902"}], "feed.json",
     "--fellowship"),
])
def test_an_import_that_rejects_every_row_exits_non_zero_naming_the_option_that_would_help(tmp_path, command, content,
                                                                                           name, hint):
    path = tmp_path / name
    path.write_text(json.dumps(content))
    with pytest.raises(CommandError) as error:
        call_command(command, str(path), stdout=StringIO(), stderr=StringIO())
    assert "were rejected, so nothing was imported" in str(error.value) and hint in str(error.value)
    assert str(error.value).count("\n") == 0


def test_a_format_knows_the_files_it_reads():
    assert get_format("national-directory").reads("NSUMHSS_2026_SU_Facilities_for_All_City_All.xlsx")
