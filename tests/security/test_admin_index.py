"""The admin's first page leads to what staff come for, the import page included."""
import pytest
from django.contrib.auth.models import Permission, User

pytestmark = pytest.mark.django_db


def test_the_admin_index_links_to_the_import_page(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert '<a href="/admin/opendata/import/">Import listings</a>' in page
    assert admin_client.get("/admin/opendata/import/").status_code == 200


def test_staff_who_cannot_import_do_not_see_the_link(client):
    user = User.objects.create_user("reader", "reader@example.org", "a long test passphrase", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_program"))
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "Import listings" not in page
