"""Each installation publishes identifiers in its own namespace, and never takes another's for its own."""
import uuid

import pytest
from django.db import connection, transaction
from django.urls import reverse

from directory.models import Organization, Program
from opendata import hsds
from opendata.importers.hsds import import_hsds
from opendata.models import IdentifierNamespace
from tests.factories import make_program

pytestmark = pytest.mark.django_db
EXPORT = "/api/services?full=true&per_page=500"


@pytest.fixture(autouse=True)
def fresh_namespace_cache():
    hsds.forget_namespace()
    yield
    hsds.forget_namespace()


def export_json(client) -> bytes:
    response = client.get(EXPORT)
    assert response.status_code == 200
    return response.content


def contact_details() -> list[tuple]:
    return sorted(Program.objects.filter(source="").values_list("pk", "name", "street1", "phone"))


class InstallationB(Exception):
    """Raised to roll back everything the emulated second installation did."""


def make_namespace():
    """The data migration's own step, as the first migrate runs it."""
    from importlib import import_module

    from django.apps import apps

    import_module("opendata.migrations.0003_identifier_namespace").make_namespace(apps, None)


def test_the_first_migrate_makes_this_installation_its_own_namespace(settings):
    IdentifierNamespace.objects.all().delete()
    make_namespace()
    first = IdentifierNamespace.objects.get().namespace
    assert first != uuid.UUID(hsds.DEFAULT_NAMESPACE) and first.version == 4
    assert hsds.namespace() == first
    make_namespace()  # migrating again keeps it
    assert IdentifierNamespace.objects.get().namespace == first

    # Another installation's first migrate makes another one; a configured namespace is stored as is.
    IdentifierNamespace.objects.all().delete()
    make_namespace()
    assert IdentifierNamespace.objects.get().namespace != first
    IdentifierNamespace.objects.all().delete()
    settings.OPENDATA_ID_NAMESPACE = "0f3a4b2c-9d8e-4f10-8a2b-3c4d5e6f7a8b"
    make_namespace()
    assert str(IdentifierNamespace.objects.get().namespace) == settings.OPENDATA_ID_NAMESPACE


def test_round_trip_between_two_installations_overwrites_nothing(client):
    """Export from A, import into a fresh B, export from B, import that back into A."""
    # Installation A: programs whose keys a fresh installation will hand out again, in another order.
    for pk, name in ((1, "Zeta Recovery"), (2, "Midtown Clinic"), (3, "Alpha Outpatient")):
        make_program(pk=pk, name=name, street1=f"{pk}0 A Street", phone=f"(434) 555-01{pk:02d}")
    a_programs = contact_details()
    from_a = export_json(client)

    # Installation B, emulated in a savepoint: its own first migrate, an empty directory, keys from 1.
    with pytest.raises(InstallationB), transaction.atomic():
        IdentifierNamespace.objects.filter(pk=1).delete()
        IdentifierNamespace.objects.create(namespace=uuid.uuid4())
        Program.objects.all().delete()
        Organization.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('directory_program', 'id'), 1, false)")
        report = import_hsds(source=from_a)
        assert (report.created, report.updated) == (3, 0)
        assert sorted(Program.objects.values_list("pk", flat=True)) == [1, 2, 3]
        from_b = export_json(client)
        raise InstallationB
    hsds.forget_namespace()
    assert contact_details() == a_programs  # A is itself again

    report = import_hsds(source=from_b)

    assert report.updated == 0, report.changes
    assert contact_details() == a_programs  # no name, address or phone of A's programs was overwritten
    # B's records are A's own facilities under B's identifiers: matched to them by address and name (A's
    # programs were entered by hand, so they keep every value), and known by B's identifiers from now on.
    assert report.created == 0 and len(report.matches) == 3
    assert Program.objects.filter(identifiers__source="hsds").count() == 3
    again = import_hsds(source=from_b)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3) and not again.matches
    assert contact_details() == a_programs


def test_an_identifier_of_another_namespace_names_no_record_here(client):
    program = make_program(name="Harbor Recovery")
    ours = hsds.record_id("service", program.pk)
    assert client.get(f"/api/services/{ours}").status_code == 200
    theirs = str(uuid.UUID(int=uuid.UUID(ours).int ^ (1 << 100)))  # same key, another namespace's prefix
    assert hsds.parse_record_id(theirs) is None
    assert client.get(f"/api/services/{theirs}").status_code == 404


def test_staff_see_the_namespace_and_an_administrator_can_set_it(admin_client, client):
    program = make_program(name="Harbor Recovery")
    stored, _ = IdentifierNamespace.objects.get_or_create(pk=1)
    url = reverse("admin:opendata_identifiernamespace_change", args=[stored.pk])
    page = admin_client.get(url).content.decode()
    assert str(stored.namespace) in page and "Changing it changes every published identifier" in page

    chosen = uuid.UUID("0f3a4b2c-9d8e-4f10-8a2b-3c4d5e6f7a8b")
    response = admin_client.post(url, {"namespace": str(chosen)})
    assert response.status_code == 302
    assert hsds.namespace() == chosen
    service = client.get(f"/api/services/{hsds.record_id('service', program.pk)}").json()
    assert service["id"] == hsds.record_id("service", program.pk)
    assert hsds.parse_record_id(service["id"]) == ("service", program.pk)


def test_the_setting_wins_over_the_stored_namespace(settings, admin_client):
    settings.OPENDATA_ID_NAMESPACE = "0f3a4b2c-9d8e-4f10-8a2b-3c4d5e6f7a8b"
    assert str(hsds.namespace()) == settings.OPENDATA_ID_NAMESPACE
    page = admin_client.get(reverse("admin:opendata_identifiernamespace_changelist")).content.decode()
    assert "set by OPENDATA_ID_NAMESPACE" in page
