"""Throwaway PostgreSQL clusters for tests and benchmarks: a primary, and streaming replicas of it.

Uses PostgreSQL's own programs (initdb, pg_ctl, pg_basebackup) from /usr/lib/postgresql/<version>/bin
(the `postgresql` Debian package) or PG_BINDIR. The servers listen on free 127.0.0.1 ports and keep
everything in a temporary folder. PostgreSQL refuses to run as root, so as root the servers run as
the `postgres` system account.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")


class ClusterError(RuntimeError):
    """The cluster could not be set up; the message says why and what to install."""


def find_bindir() -> Path:
    candidates = [os.environ["PG_BINDIR"]] if os.environ.get("PG_BINDIR") else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in candidates:
        if all((Path(folder) / program).is_file() for program in PROGRAMS):
            return Path(folder)
    raise ClusterError(
        "PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) were not found in /usr/lib/postgresql/*/bin "
        "or PG_BINDIR: install the Debian package `postgresql` (apt-get install postgresql)."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    data: Path
    port: int
    log: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@dataclass
class Cluster:
    """A primary and its replicas, in one temporary folder."""

    root: Path
    bindir: Path
    user: str | None
    primary: Server | None = None
    replicas: list[Server] = field(default_factory=list)

    # Running the server programs ------------------------------------------------------------------

    def run(self, program: str, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if check and result.returncode != 0:
            raise ClusterError(f"{program} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
        return result

    def _own(self, path: Path) -> None:
        if self.user:
            account = pwd.getpwnam(self.user)
            os.chown(path, account.pw_uid, account.pw_gid)

    def _configure(self, server: Server, extra: str = "") -> None:
        with (server.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {server.port}\nunix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
                "max_connections = 60\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
                "wal_receiver_status_interval = 1s\nlogging_collector = off\n" + extra
            )

    def start(self, server: Server) -> None:
        self.run("pg_ctl", "-D", str(server.data), "-l", str(server.log), "-w", "-t", "30", "start")

    def stop(self, server: Server, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(server.data), "-m", mode, "-w", "-t", "30", "stop", check=False)

    # Building the cluster ------------------------------------------------------------------------

    def init_primary(self) -> Server:
        server = Server(data=self.root / "primary", port=free_port(), log=self.root / "primary.log")
        self.run("initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync",
                 "--locale=C.UTF-8")
        self._configure(server)
        self.start(server)
        self.primary = server
        return server

    def add_replica(self) -> Server:
        number = len(self.replicas) + 1
        server = Server(data=self.root / f"replica{number}", port=free_port(), log=self.root / f"replica{number}.log")
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
                 "-D", str(server.data), "-R", "-X", "stream", "--no-sync", "-c", "fast")
        # The copied configuration names the primary's port: the last line wins.
        self._configure(server)
        self.start(server)
        self.replicas.append(server)
        return server

    def wait_for_streaming(self, timeout: float = 20) -> None:
        """Wait until every replica streams from the primary."""
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with psycopg.connect(self.primary.url(), autocommit=True) as conn:
                streaming = conn.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").fetchone()[0]
            if streaming >= len(self.replicas):
                return
            time.sleep(0.1)
        raise ClusterError(f"the replicas did not start streaming within {timeout:.0f} s")

    def wait_for_replay(self, timeout: float = 20) -> None:
        """Wait until every replica has replayed everything the primary has written so far."""
        import psycopg

        with psycopg.connect(self.primary.url(), autocommit=True) as conn:
            target = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        for replica in self.replicas:
            with psycopg.connect(replica.url(), autocommit=True) as conn:
                while conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0] is not True:
                    if time.monotonic() > deadline:
                        raise ClusterError(f"replica on port {replica.port} did not catch up within {timeout:.0f} s")
                    time.sleep(0.05)

    def destroy(self) -> None:
        for server in [*self.replicas, self.primary]:
            if server is not None:
                self.stop(server, mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(*, replicas: int = 1, prefix: str = "portal-pg-") -> Cluster:
    """Start a primary with `replicas` streaming replicas; call .destroy() when done."""
    bindir = find_bindir()
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise ClusterError("PostgreSQL will not run as root and there is no `postgres` account to run it as: "
                               "install the Debian package `postgresql`, which creates it.") from None
        if not shutil.which("runuser"):
            raise ClusterError("`runuser` (util-linux) is needed to start PostgreSQL as the postgres account.")
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = Cluster(root=root, bindir=bindir, user=user)
    root.chmod(0o755)
    cluster._own(root)
    try:
        cluster.init_primary()
        for _ in range(replicas):
            cluster.add_replica()
        if replicas:
            cluster.wait_for_streaming()
    except BaseException:
        cluster.destroy()
        raise
    return cluster
