"""deploy/nginx.conf, the only documented way to put the portal on the internet, passes `nginx -t` of
Debian's nginx (the `nginx` package `make test` installs).

The file is a site for /etc/nginx/sites-available: it is included in a minimal main configuration,
as Debian's /etc/nginx/nginx.conf includes sites-enabled, with its certificate and log paths moved
into a temporary folder (a throwaway self-signed certificate stands for Let's Encrypt's). Nothing
else in it is changed, and nothing listens: `nginx -t` only reads and checks.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_clock  # it starts other processes, which the suite clock does not move

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CERTIFICATES = "/etc/letsencrypt/live/treatment.example.org/"
LOGS = "/var/log/nginx/"


def site_config() -> str:
    return (ROOT / "deploy" / "nginx.conf").read_text()


def self_signed_certificate(folder: Path) -> None:
    if not shutil.which("openssl"):
        pytest.fail("openssl is needed to make a throwaway certificate: apt-get install openssl")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=treatment.example.org",
         "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
        check=True, capture_output=True, timeout=60,
    )


def checked(tmp_path: Path, site: str) -> subprocess.CompletedProcess:
    if not Path(NGINX).is_file():
        pytest.fail("nginx was not found: run `make test`, which installs Debian's `nginx` package")
    (tmp_path / "certs").mkdir()
    (tmp_path / "logs").mkdir()
    self_signed_certificate(tmp_path / "certs")
    site = site.replace(CERTIFICATES, f"{tmp_path}/certs/").replace(LOGS, f"{tmp_path}/logs/")
    directives = re.sub(r"#[^\n]*", "", site)
    assert "/etc/" not in directives and "/var/" not in directives, "a path the test does not move"
    (tmp_path / "portal-site.conf").write_text(site)
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log;
events {{}}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    access_log off;
    include {tmp_path}/portal-site.conf;
}}
""")
    return subprocess.run([NGINX, "-t", "-p", f"{tmp_path}/", "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60)


def test_the_shipped_nginx_configuration_passes_nginx_t(tmp_path):
    result = checked(tmp_path, site_config())
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_nginx_t_would_catch_a_broken_configuration(tmp_path):
    result = checked(tmp_path, site_config().replace("proxy_pass http://portal_app;", "proxy_pass http://portal_app"))
    assert result.returncode != 0


def test_the_logs_nginx_writes_hold_no_address_and_no_query_string():
    config = site_config()
    formats = re.findall(r"log_format\s+\w+\s+'([^;]*)';", config)
    assert formats, "no log_format"
    for variable in ("$remote_addr", "$request_uri", "$args", "$query_string", "$request ", "$http_x_forwarded_for"):
        assert all(variable not in line for line in formats), variable
    assert re.findall(r"access_log\s+\S+\s+(\w+);", config) == ["portal_private", "portal_private"]
