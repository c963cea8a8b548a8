"""With no DATABASE_URL, the portal starts its own PostgreSQL and runs on it: nothing to install by hand."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_embedded_postgresql_migrates_loads_demo_and_answers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PORTAL_EMBEDDED_PGDATA=str(tmp_path / "pgdata"), DJANGO_DEBUG="1", PYTHONWARNINGS="ignore")
    try:
        migrate = manage("migrate", "--noinput", env=env)
        assert migrate.returncode == 0, migrate.stderr
        demo = manage("load_demo", "--if-empty", env=env)
        assert demo.returncode == 0, demo.stderr
        assert "demo programs" in demo.stdout
        check = manage(
            "shell", "-c",
            "from django.db import connection; from directory.models import Program;"
            "print(connection.vendor, connection.pg_version // 10000, Program.objects.count())",
            env=env,
        )
        assert check.returncode == 0, check.stderr
        vendor, major, count = check.stdout.split()[-3:]
        assert vendor == "postgresql" and int(major) >= 16 and int(count) >= 250
        assert (tmp_path / "pgdata" / "PG_VERSION").exists()
    finally:
        import pgserver

        pgserver.get_server(str(tmp_path / "pgdata"), cleanup_mode="delete").cleanup()
