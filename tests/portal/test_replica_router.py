"""Public reads go to a real streaming replica; staff, the admin and what a request just wrote read the primary.

A throwaway primary and replica (PostgreSQL's own initdb, pg_basebackup and pg_ctl) run on free
127.0.0.1 ports; the portal runs against them in its own process with DATABASE_URL and
DATABASE_REPLICA_URLS, as an operator would configure it.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.portal.pg_cluster import ClusterError, start_cluster

pytestmark = pytest.mark.real_clock  # it starts other processes, which the suite clock does not move

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def primary_and_replica():
    try:
        cluster = start_cluster(replicas=1)
    except ClusterError as error:
        pytest.fail(f"cannot start a throwaway primary and replica: {error}")
    try:
        with psycopg.connect(cluster.primary.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal")
        yield cluster
    finally:
        cluster.destroy()


def portal_env(cluster) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": cluster.primary.url("portal"),
        "DATABASE_REPLICA_URLS": cluster.replicas[0].url("portal"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PORTAL_ALLOW_INSECURE_KEY": "1",
        "PORTAL_ENV_FILE": "/nonexistent",
        "PYTHONWARNINGS": "ignore",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_DEBUG": "1",  # static files from the source folders: nothing collected here
    }


def run(args, env):
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_public_reads_use_the_replica_and_fresh_reads_the_primary(primary_and_replica):
    env = portal_env(primary_and_replica)
    seen = json.loads(run(["-m", "tests.portal.replica_probe"], env))

    assert seen["aliases"] == ["default", "progress", "replica1"]
    assert seen["replicated"]
    # Replay on the replica is paused after the rename: anonymous visitors still see the old name there.
    assert seen["public_page"] == "Riverside Recovery Clinic"
    assert seen["public_api"] == "Riverside Recovery Clinic"
    assert seen["anonymous_cookies"] == []
    # Facet counts of public searches run on the replica too: a service added on the primary is not counted yet.
    assert seen["facet_count_primary"] == 1
    assert seen["facet_count_public_request"] == 0
    assert seen["facet_count_public_page"] == 0 and seen["facet_count_public_page_es"] == 0
    # Staff (signed in, so with a session cookie) and the admin read the primary.
    assert seen["admin_change_page"] == "Riverside Recovery Center"
    assert seen["staff_public_page"] == "Riverside Recovery Center"
    # Within one public request: a replica read, then a write, then the write is read back from the primary.
    assert seen["write_then_read"] == ["Riverside Recovery Clinic", "Riverside Recovery Center (edited)"]
    # Once replay resumes the replica catches up and the public sees the change.
    assert seen["caught_up"] and seen["public_page_after_replay"] == "Riverside Recovery Center"
