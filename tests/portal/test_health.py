"""The health endpoints answer JSON, set no cookie and are never cached."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_answers_ok_without_cookie_or_cache(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_health_refuses_posts(client):
    assert client.post("/healthz").status_code == 405
