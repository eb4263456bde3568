"""Sync speed over real sockets: first sync of a caseload onto a new device, a 10,000-change push, and an
incremental round of 100 changes — wall time, changes per second and bytes on the wire — on SQLite and on
PostgreSQL, with raw `executemany` into the same kind of SQLCipher file as the ceiling.

    .venv/bin/python benchmarks/sync_bench.py [--children 5000] [--backend sqlite|postgres|both]

The server runs as `casedesk-server` under uvicorn on 127.0.0.1; PostgreSQL is a throwaway cluster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

from _common import record, scratch  # noqa: E402
from _sync_setup import PASSPHRASE, PASSWORD, enrolled_device, fast_hashing, write_caseload  # noqa: E402

from casedesk.server.db import ServerDB, migrate  # noqa: E402
from casedesk.server.db import accounts as admin  # noqa: E402
from casedesk.store.database import Database  # noqa: E402
from casedesk.store.engine import connect_raw  # noqa: E402
from casedesk.store.journal import outbox as sync_outbox  # noqa: E402
from casedesk.sync.engine import SyncEngine  # noqa: E402
from casedesk.sync.http import HttpTransport  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
fast_hashing()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres() -> Any:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (run as the postgres user when we are root)."""
    folder = Path(tempfile.mkdtemp(prefix="casedesk-pg-"))
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        [*as_pg, str(PG_BIN / "initdb"), "-D", str(folder / "d"), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=400"
    subprocess.run(
        [
            *as_pg,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(folder / "d"),
            "-o",
            options,
            "-w",
            "-l",
            str(folder / "log"),
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(folder / "d"), "-m", "fast", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def live_server(url: str, workers: int = 1) -> Any:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "casedesk.server.cli",
            "--database-url",
            url,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if HttpTransport(base).probe():
                break
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def caseload(db: Database, org_id: str, children: int) -> int:
    """A realistic-shaped caseload written through the unit of work: per child a status, an involvement and
    four chronology events. Returns the number of journaled changes."""
    write_caseload(db, org_id, children, status=True, events=4)
    return sync_outbox.count_by_state(db).get("pending", 0)


def device(tmp: Path, name: str, store: ServerDB, base: str) -> tuple[Database, HttpTransport]:
    return enrolled_device(tmp, name, store, base, user="bench")


def timed_round(db: Database, transport: HttpTransport) -> tuple[float, int, int, Any]:
    sent, received = transport.bytes_sent, transport.bytes_received
    start = time.perf_counter()
    report = SyncEngine(db, transport).run()
    return time.perf_counter() - start, transport.bytes_sent - sent, transport.bytes_received - received, report


def ceiling(tmp: Path, source: Database) -> tuple[float, int]:
    """Raw executemany of the same rows into a fresh SQLCipher file with the same schema."""
    target = Database.create(tmp / "ceiling.db", PASSPHRASE)
    path, key = target.path, target._key
    target.close()
    tables = ["organisations", "workers", "children", "status_periods", "involvements", "events"]
    with source.engine.connect() as conn:
        results = {t: conn.exec_driver_sql(f"select * from {t}") for t in tables}
        columns = {t: list(result.keys()) for t, result in results.items()}
        data = {t: result.fetchall() for t, result in results.items()}
    raw = connect_raw(path, key)
    start = time.perf_counter()
    raw.execute("BEGIN")
    for t in tables:
        if data[t]:
            marks = ",".join("?" * len(columns[t]))
            raw.executemany(f"insert into {t} ({', '.join(columns[t])}) values ({marks})", data[t])
    raw.execute("COMMIT")
    elapsed = time.perf_counter() - start
    raw.close()
    return elapsed, sum(len(rows) for rows in data.values())


def run_backend(url: str, children: int, tmp: Path) -> dict[str, str]:
    store = ServerDB(url)
    migrate(store.engine)
    org = admin.create_org(store, "Benchmark Academy")
    admin.create_user(store, org, "bench", PASSWORD)
    out: dict[str, str] = {}
    with live_server(url) as base:
        a, ta = device(tmp, "a", store, base)
        SyncEngine(a, ta).run()
        changes = caseload(a, org, children)
        secs, up, down, _ = timed_round(a, ta)
        out[f"push {changes:,} changes ({children:,} children)"] = (
            f"{secs:.1f} s, {changes / secs:,.0f} changes/s, {up / 1e6:.1f} MB up, {down / 1e6:.1f} MB down"
        )
        b, tb = device(tmp, "b", store, base)
        secs, up, down, report = timed_round(b, tb)
        out[f"first sync onto a new device ({report.pulled_rows:,} rows)"] = (
            f"{secs:.1f} s, {report.pulled_rows / secs:,.0f} rows/s, {down / 1e6:.1f} MB down, "
            f"{report.pages} pages, digest {'ok' if report.digest_ok else 'MISMATCH'}"
        )
        c, tc = device(tmp, "c", store, base)
        SyncEngine(c, tc).run()
        ten_k = caseload(c, org, 10_000 // 7 + 1)
        secs, up, down, _ = timed_round(c, tc)
        out[f"push of {ten_k:,} changes (device with the caseload)"] = (
            f"{secs:.1f} s, {ten_k / secs:,.0f} changes/s, {up / 1e6:.2f} MB up"
        )
        SyncEngine(a, ta).run()
        SyncEngine(b, tb).run()
        with a.session() as session:
            ids = [r[0] for r in session.execute(__import__("sqlalchemy").text("select id from children limit 100"))]
        for i, child in enumerate(ids):
            with a.unit_of_work("bench") as uow:
                uow.update("children", child, {"preferred_name": f"Pref{i}"})
        push_secs, up, _, _ = timed_round(a, ta)
        pull_secs, _, down, report = timed_round(b, tb)
        out["incremental: push 100 changes (whole round)"] = f"{push_secs * 1000:.0f} ms, {up / 1e3:.1f} kB up"
        out["incremental: pull 100 changes (whole round)"] = (
            f"{pull_secs * 1000:.0f} ms, {report.pulled_rows} rows, {down / 1e3:.1f} kB down"
        )
        raw_secs, rows = ceiling(tmp, b)
        out["ceiling: raw executemany of the same rows"] = f"{raw_secs:.2f} s, {rows / raw_secs:,.0f} rows/s"
        for db in (a, b, c):
            db.close()
    store.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with scratch() as tmp:
        if args.backend in ("sqlite", "both"):
            for k, v in run_backend(f"sqlite:///{tmp / 'server.db'}", args.children, tmp / "s").items():
                results[f"sqlite: {k}"] = v
        if args.backend in ("postgres", "both") and (PG_BIN / "initdb").exists():
            with postgres() as url:
                for k, v in run_backend(url, args.children, tmp / "p").items():
                    results[f"postgres: {k}"] = v
    record("sync", results)


if __name__ == "__main__":
    main()
