"""An update link's token never reaches a log: the servers write its path as /update/[redacted]/."""
import logging
import sys

import pytest

from portal.gunicorn_logging import redact
from portal.logging import StripQueryStringFilter
from tests.factories import make_program
from tests.portal import test_access_log as access_log
from tests.portal.test_access_log import free_port, readme_gunicorn_command
from updates import links
from updates.models import UpdateLink

pytestmark = pytest.mark.real_clock  # it starts other processes, which the suite clock does not move


def run_and_open(command: list[str], port: int, paths: list[str]) -> str:
    """The server's whole output after opening each path (an unknown token answers 404)."""
    return access_log.run_and_open(command, port, paths, missing=tuple(path for path in paths if "nonsense" in path))


@pytest.fixture
def token(transactional_db):
    program = make_program(name="Logged Nowhere", contact_email="x@y.example")
    return links.issue(program, kind=UpdateLink.Kind.PRINTED)[1]


def paths(token: str) -> list[str]:
    return [f"/update/{token}/", f"/es/update/{token}/?x=1", "/update/nonsense-token/"]


def test_development_server_log_has_no_token(token):
    port = free_port()
    output = run_and_open(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"], port,
        paths(token),
    )
    assert '"GET /update/[redacted]/ HTTP/1.1" 200' in output
    assert '"GET /es/update/[redacted]/?[redacted] HTTP/1.1" 200' in output
    assert token not in output and token.split(":")[0] not in output and "nonsense-token" not in output


def test_gunicorn_as_deployed_logs_no_token(token):
    port = free_port()
    command = readme_gunicorn_command()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "1"
    command = [sys.executable, "-m", "gunicorn", *command[1:], "--access-logfile", "-"]
    output = run_and_open(command, port, paths(token))
    access = [line for line in output.splitlines() if "/update/" in line]
    assert len(access) == 3 and all("/update/[redacted]/" in line for line in access), output
    assert token not in output and token.split(":")[0] not in output


def test_every_log_line_is_redacted_not_only_the_access_log():
    token = "eyJsIjoxfQ:1abc:SIGNATURE"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: /es/update/%s/", (token,),
                               None)
    StripQueryStringFilter().filter(record)
    assert record.getMessage() == "Not Found: /es/update/[redacted]/"
    assert token not in redact(f'Error handling request GET /update/{token}/?a=b')
    assert redact("GET /updates-and-news/ 200") == "GET /updates-and-news/ 200"
