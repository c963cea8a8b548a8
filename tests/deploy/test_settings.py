"""The settings as an operator and a newcomer meet them: production is strict, local use needs no flag."""
import shutil
import subprocess
import sys

from tests.deploy.conftest import ROOT, production_env

PRODUCTION = {
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "treatment.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://treatment.example.org",
    "PORTAL_TRUSTED_PROXY_COUNT": "1",
}


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def show(setting: str, env) -> str:
    done = manage("shell", "-c", f"from django.conf import settings; print(repr(settings.{setting}))", env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_check_deploy_passes_without_a_warning_in_the_documented_production_settings(django_db_setup):
    from django.db import connection

    done = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(connection.settings_dict, **PRODUCTION))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(django_db_setup):
    from django.db import connection

    env = production_env(connection.settings_dict, **PRODUCTION)
    del env["DJANGO_SECRET_KEY"]
    done = manage("check", env=env)
    assert done.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in done.stderr


def test_https_and_client_addresses_are_believed_only_from_a_trusted_proxy(django_db_setup):
    from django.db import connection

    behind_proxy = production_env(connection.settings_dict, **PRODUCTION)
    assert show("SECURE_PROXY_SSL_HEADER", behind_proxy) == "('HTTP_X_FORWARDED_PROTO', 'https')"
    direct = dict(behind_proxy, PORTAL_TRUSTED_PROXY_COUNT="0")
    assert show("SECURE_PROXY_SSL_HEADER", direct) == "None"
    assert show("SECURE_HSTS_INCLUDE_SUBDOMAINS", behind_proxy) == "True"
    assert show("SECURE_HSTS_PRELOAD", dict(behind_proxy, DJANGO_HSTS_PRELOAD="0")) == "False"


def test_commands_the_readme_shows_work_after_make_writes_the_local_env(tmp_path, django_db_setup):
    """`make run` writes .env with DJANGO_DEBUG=1 (only if there is none); manage.py then needs no flag."""
    from django.db import connection

    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    made = subprocess.run(["make", "-s", ".env"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    local = (tmp_path / ".env").read_text()
    assert "DJANGO_DEBUG=1" in local

    env = production_env(connection.settings_dict, PORTAL_ENV_FILE=str(tmp_path / ".env"))
    del env["DJANGO_SECRET_KEY"], env["DJANGO_DEBUG"]
    done = manage("check", env=env)
    assert done.returncode == 0, done.stderr
    assert show("DEBUG", env) == "True"

    # An existing .env is left alone.
    (tmp_path / ".env").write_text("DJANGO_DEBUG=0\n")
    subprocess.run(["make", "-s", ".env"], cwd=tmp_path, check=True, capture_output=True, timeout=60)
    assert (tmp_path / ".env").read_text() == "DJANGO_DEBUG=0\n"
