"""PostgreSQL point-in-time recovery, as the README describes it, followed by `admin mark-restored`.

A cluster of its own with WAL archiving: a base backup, changes, a named restore point, more changes, then the
data directory is replaced by the base backup and replayed from the archive up to the restore point. The device
that made the lost changes re-sends them once the administrator has marked the restore.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from casedesk.server.cli import main
from casedesk.server.db import records
from casedesk.store import keyfile
from tests.sync.fixtures import PG_BIN, _as_postgres
from tests.sync.harness import Server, free_port, make_device

pytestmark = pytest.mark.slow


class Cluster:
    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.data, self.archive = folder / "data", folder / "archive"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/casedesk"

    def run(self, *args: str) -> None:
        subprocess.run(_as_postgres(list(args)), check=True, capture_output=True)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=replica "
            f"-c archive_mode=on -c archive_command='cp %p {self.archive}/%f'"
        )
        self.run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l", str(self.folder / "log"), "start"
        )

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]), capture_output=True
        )

    def sql(self, statement: str) -> object:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/casedesk", autocommit=True) as conn:
            row = conn.execute(statement).fetchone()
            return row[0] if row else None


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "pg_basebackup").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed (make test installs them)")
    folder = Path(tempfile.mkdtemp(prefix="casedesk-pitr-"))
    cluster = Cluster(folder)
    cluster.archive.mkdir()
    if os.geteuid() == 0:
        for path in (folder, cluster.archive):
            shutil.chown(path, "postgres", "postgres")
    cluster.run(str(PG_BIN / "initdb"), "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "--no-sync")
    cluster.start()
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE casedesk")
    yield cluster
    cluster.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _wait(condition: object, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)


def _children(server: Server) -> set[str]:
    with server.store.read() as conn:
        rows = conn.execute(select(records.c.data).where(records.c.entity == "children")).scalars()
        return {r["given_name"] for r in rows}


def test_point_in_time_recovery_then_devices_resend_what_it_lost(
    cluster: Cluster, tmp_path: Path, fast_kdf: keyfile.KdfParams, fast_passwords: None
) -> None:
    server = Server(cluster.url)
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    ann = make_device(tmp_path, "ann", server, "ann")
    try:
        ann.add_child("Ada", "Okafor", org)
        ann.sync()
        cluster.run(
            str(PG_BIN / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            "-D",
            str(cluster.folder / "base"),
            "-Fp",
            "--checkpoint=fast",
        )
        ann.add_child("Bea", "Nwosu", org)
        ann.sync()
        cluster.sql("SELECT pg_create_restore_point('before-disaster')")
        segment = cluster.sql("SELECT pg_walfile_name(pg_switch_wal())")
        _wait(lambda: (cluster.archive / str(segment)).exists(), "the WAL segment to be archived")
        lost = ann.add_child("Cid", "Mensah", org)
        ann.note(lost, "Recorded after the restore point")
        ann.sync()
        assert _children(server) == {"Ada", "Bea", "Cid"}
        server.close()

        # recover to the restore point, as the README says
        cluster.stop()
        cluster.run("mv", str(cluster.data), str(cluster.folder / "data.lost"))
        cluster.run("cp", "-a", str(cluster.folder / "base"), str(cluster.data))
        settings = (
            f"restore_command = 'cp {cluster.archive}/%f %p'\n"
            "recovery_target_name = 'before-disaster'\nrecovery_target_action = 'promote'\n"
        )
        cluster.run("sh", "-c", f'printf "%s" "{settings}" >> {cluster.data}/postgresql.auto.conf')
        cluster.run("touch", str(cluster.data / "recovery.signal"))
        cluster.start()
        _wait(lambda: cluster.sql("SELECT NOT pg_is_in_recovery()"), "recovery to finish")
        assert main(["--database-url", cluster.url, "admin", "mark-restored", "--reason", "PITR"]) == 0

        server = Server(cluster.url)
        assert _children(server) == {"Ada", "Bea"}  # recovered to the restore point: Cid was lost
        ann.transport.client = server.client()
        report = ann.sync()
        assert report.recovery.startswith("The server was restored") and report.digest_ok
        assert _children(server) == {"Ada", "Bea", "Cid"}
        assert ann.sync().digest_ok
    finally:
        ann.close()
        server.close()
