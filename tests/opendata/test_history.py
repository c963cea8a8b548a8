"""Imports leave a history entry on every listing they create or change."""
import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

from directory.models import Program
from opendata.importers.samhsa import import_samhsa

pytestmark = pytest.mark.django_db

ROW = {
    "frid": "history-test-1", "name1": "History Test Clinic", "name2": "", "street1": "1 Main St", "street2": "",
    "city": "Charlottesville", "state": "VA", "zip": "22902", "phone": "434-555-0101", "intake1": "",
    "website": "", "latitude": "38.03", "longitude": "-78.48",
    "services": [{"f1": "Payment/Insurance/Funding Accepted", "f2": "PAY", "f3": "Medicaid"}],
}


def test_command_line_import_is_recorded_under_the_data_import_account(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([ROW]))
    report = import_samhsa(source=path, filename="rows.json")
    assert report.applied
    program = Program.objects.get(source_id="history-test-1")
    entry = LogEntry.objects.get(object_id=str(program.pk))
    assert (entry.action_flag, entry.user.username, entry.user.is_active) == (ADDITION, "data-import", False)
    assert entry.get_change_message() == "Imported from rows.json."

    path.write_text(json.dumps([{**ROW, "phone": "434-555-0199"}]))
    import_samhsa(source=path, filename="rows.json")
    change = LogEntry.objects.filter(object_id=str(program.pk), action_flag=CHANGE).get()
    assert "Import of rows.json changed: Main phone" in change.get_change_message()


def test_import_by_staff_is_recorded_under_their_name(tmp_path, admin_user):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([ROW]))
    import_samhsa(source=path, filename="rows.json", user=admin_user)
    assert LogEntry.objects.get().user == admin_user
