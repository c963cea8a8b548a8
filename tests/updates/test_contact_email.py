"""Programs' contact address: for staff, filled by imports, shown to the public only when staff choose."""
import json

import pytest

from directory.models import Program
from opendata.importers.hsds import import_hsds
from opendata.importers.samhsa import import_samhsa
from tests.factories import make_program
from tests.opendata.test_hsds_import import americanized_json
from tests.opendata.test_samhsa_import import row, rows_file

pytestmark = pytest.mark.django_db


def test_the_public_sees_the_contact_email_only_when_staff_tick_the_box(client):
    program = make_program(name="Quiet Clinic", contact_email="intake@quiet.example")
    assert "intake@quiet.example" not in client.get(program.get_absolute_url()).content.decode()
    program.show_contact_email = True
    program.save()
    assert 'href="mailto:intake@quiet.example"' in client.get(program.get_absolute_url()).content.decode()


def test_samhsa_rows_with_an_email_fill_it_and_bad_ones_are_left_out(tmp_path):
    path = rows_file(tmp_path, [row(frid="a", email="Intake@Clinic.example"),
                                row(frid="b", name1="Other Center", email="not an address"),
                                row(frid="c", name1="Third Center")])
    report = import_samhsa(source=path)
    emails = dict(Program.objects.values_list("source_id", "contact_email"))
    assert emails == {"a": "Intake@Clinic.example", "b": "", "c": ""}
    assert any("not an email address" in str(finding) for finding in report.fixed)


def test_an_import_without_an_email_keeps_the_one_staff_entered(tmp_path):
    import_samhsa(source=rows_file(tmp_path, [row(frid="a")]))
    Program.objects.update(contact_email="staff@typed.example")
    import_samhsa(source=rows_file(tmp_path, [row(frid="a", phone="434-555-0111")], name="again.json"))
    assert Program.objects.get().contact_email == "staff@typed.example"


def test_hsds_services_and_organizations_give_their_email(tmp_path):
    path = americanized_json(tmp_path, "organization_full.json")
    import_hsds(source=path)
    assert Program.objects.exists()
    assert set(Program.objects.values_list("contact_email", flat=True)) == {"email@example.com"}
    document = json.loads(path.read_text())
    assert document["email"] == "email@example.com"
