"""Fixtures for article tests."""
import pytest


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a staff member (not a superuser)."""
    user = django_user_model.objects.create_user("editor", password="a long test password", is_staff=True)
    client.force_login(user)
    return client
