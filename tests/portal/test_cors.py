"""Other sites' pages may read the public API and the meeting feed, and nothing else."""
import pytest

ORIGIN = {"Origin": "https://someone-else.example.org"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/", "/api/services", "/api/openapi.json", "/meetings/feed.json"])
def test_public_data_can_be_read_by_other_sites(client, url):
    response = client.get(url, headers=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/programs/?near=22901", "/meetings/", "/learn/", "/admin/login/"])
def test_pages_are_not_shared_with_other_sites(client, url):
    response = client.get(url, headers=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
def test_preflight_allows_reading_only(client):
    response = client.options(
        "/api/services", headers={**ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
