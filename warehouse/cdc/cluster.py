"""A throwaway PostgreSQL cluster with `wal_level=logical`, for tests and benchmarks.

`initdb` refuses to run as root, so when we are root the server runs as the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BIN_DIRS = [os.environ.get("PG_BIN_DIR", ""), "/usr/lib/postgresql/15/bin"]


def pg_bin(name: str) -> str | None:
    for folder in BIN_DIRS:
        if folder and Path(folder, name).exists():
            return str(Path(folder, name))
    return shutil.which(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    data_dir: str
    port: int
    wal_level: str = "logical"

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)  # noqa: S603 # nosec B603 # PostgreSQL's own binaries, fixed arguments

    def init(self) -> Cluster:
        self._run(pg_bin("initdb"), "-D", self.data_dir, "-A", "trust", "-U", "postgres", "--no-sync")
        return self

    def start(self) -> Cluster:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c wal_level={self.wal_level} "
            f"-c max_wal_senders=10 -c max_replication_slots=20 -c fsync=off "
            f"-c unix_socket_directories={self.data_dir}"
        )
        self._run(
            pg_bin("pg_ctl"), "-D", self.data_dir, "-w", "-l", f"{self.data_dir}/log", "-o", options, "start"
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_bin("pg_ctl"), "-D", self.data_dir, "-w", "-m", mode, "stop")

    def restart(self) -> None:
        self.stop()
        self.start()


def start_cluster(wal_level: str = "logical") -> Cluster:
    """Create and start a cluster in a fresh temporary folder owned by the server's user."""
    if not pg_bin("initdb"):
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found; set PG_BIN_DIR.")
    base = tempfile.mkdtemp(prefix="custodian-cdc-")
    os.chmod(base, 0o755)  # noqa: S103 # nosec B103 # a temp folder the server user must enter
    data = os.path.join(base, "data")
    os.mkdir(data, 0o700)
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    return Cluster(data, free_port(), wal_level).init().start()


def destroy(cluster: Cluster) -> None:
    try:
        cluster.stop("immediate")
    finally:
        shutil.rmtree(os.path.dirname(cluster.data_dir), ignore_errors=True)
