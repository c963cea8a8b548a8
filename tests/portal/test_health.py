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


@pytest.mark.django_db(transaction=True)
def test_a_page_while_the_database_is_unreachable_says_try_again_soon(client):
    from django.db import connection

    client.raise_request_exception = False
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: a real refused connection
    try:
        response = client.get("/learn/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Please try again in a moment." in response.content.decode()
    assert "988" in response.content.decode()
