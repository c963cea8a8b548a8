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


@pytest.mark.django_db
def test_preflight_allows_revalidating_with_the_etag(client):
    response = client.options("/api/datapackage.zip", headers={
        **ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "if-none-match",
    })
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    allowed = {header.strip().lower() for header in response["Access-Control-Allow-Headers"].split(",")}
    assert {"if-none-match", "if-modified-since"} <= allowed


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/services", "/meetings/feed.json", "/api/datapackage.zip"])
def test_other_sites_may_read_the_validators(client, url):
    response = client.get(url, headers=ORIGIN)
    exposed = {header.strip().lower() for header in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "last-modified", "link"} <= exposed


@pytest.fixture
def other_site():
    """Another site's page, served by a second server on 127.0.0.1 (the portal's live server is localhost)."""
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!doctype html><html lang='en'><title>Another site</title><h1>Another site</h1></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_a_page_of_another_site_reads_the_etag_and_revalidates(page, live_server, other_site, run_jobs):
    """A script on another origin reads the data package's ETag and revalidates with If-None-Match."""
    from tests.factories import make_program

    make_program(name="Harbor Recovery")
    run_jobs()
    page.goto(f"{other_site}/")
    result = page.evaluate("""async (url) => {
        const first = await fetch(url);
        await first.arrayBuffer();
        const etag = first.headers.get('ETag');
        const again = await fetch(url, {headers: {'If-None-Match': etag || ''}});
        return {first: first.status, etag: etag, lastModified: first.headers.get('Last-Modified'), again: again.status};
    }""", f"{live_server.url}/api/datapackage.zip")
    assert result["first"] == 200
    assert result["etag"] and result["lastModified"]
    assert result["again"] == 304  # the preflight let If-None-Match through
