"""Sync at real depth: a caseload shaped like real case files, each step beside a ceiling from the same run.

Per child: 3 status periods, 3 involvements, 60 chronology events with bodies of about 400 characters, a needs
check with 25 answers and a referral (69 synced rows, about 45 KB of row JSON). Steps, each over real sockets:

- push the whole caseload from the device that recorded it;
- first sync onto a new device, straight after the push, and onto a second new device (on PostgreSQL once the
  tables are vacuumed, as autovacuum leaves them soon after a bulk load: see `settle`);
- push 10,000 changed fields from the recording device;
- a round pushing 100 changes (and one pushing 100 and pulling 100), repeated; minimum and median;
- database sizes (server, recording device, receiving device) against the rows' JSON size: the SQLite server's
  database as it stays, its write-ahead log folded in (the files while it runs are given beside), the receiving
  device closed;
- server peak memory during the first sync (its VmHWM, reset just before), and the benchmark process's own peak
  (which holds the receiving device) during it.

The ceiling is a raw `executemany` of the receiving device's rows into a fresh SQLCipher file with the same schema
and the page cache the device applies pulled pages with; every timed step is also given as a multiple of it.

    .venv/bin/python benchmarks/sync_deep.py [--children 1000] [--backend sqlite|postgres|both] [--rounds 5]
        [--keep FOLDER]

With `--keep FOLDER` the SQLite server's database is kept once the caseload is pushed; a later run with the same
folder measures only the first sync (CPU of server and device, memory, the receiving device's size, the ceiling)
on a copy of it, so the step can be measured again without pushing the caseload again.

The machine is shared, so repeated steps report their minimum; single steps are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch
from sqlalchemy import text
from sync_bench import PG_BIN, SRC, device, free_port, postgres, timed_round

from casedesk.server.db import ServerDB, migrate
from casedesk.server.db import accounts as admin
from casedesk.store.database import Database
from casedesk.store.engine import BULK_CACHE_KIB, connect_raw
from casedesk.store.journal import outbox as sync_outbox
from casedesk.sync.entities import ENTITIES
from casedesk.sync.http import HttpTransport

PASSWORD = "benchmark password"
PROSE = (
    "seen at school with the class teacher; mood low, says sleep is poor; attendance down this half term; "
    "mum reports the younger sibling is unsettled; agreed to meet again after the review; referred for "
    "mentoring; school nurse to follow up; no concerns raised at home visit; housing officer contacted about "
    "the repairs; the child spoke about friends and football; plan reviewed with the family and the school"
)
WORDS = PROSE.split()
STATUS_KINDS = ("child_in_need", "sen_support", "free_school_meals")


def body(seed: int) -> str:
    """About 400 characters of chronology prose, different for each event."""
    words: list[str] = []
    length, i = 0, seed
    while length < 400:
        word = WORDS[(i * 7 + len(words) * 13) % len(WORDS)]
        words.append(word)
        length += len(word) + 1
        i += 1
    return " ".join(words).capitalize() + "."


def deep_caseload(db: Database, org_id: str, children: int, first: int = 0) -> int:
    """Write `children` deep case files through the unit of work; returns the pending changes."""
    start_time = datetime(2024, 9, 2, 9, 0, tzinfo=UTC)
    for start in range(first, first + children, 50):
        with db.unit_of_work("bench") as uow:
            for i in range(start, min(first + children, start + 50)):
                child = uow.insert(
                    "children",
                    {
                        "given_name": f"Child{i}",
                        "family_name": "Example",
                        "date_of_birth": date(2010 + i % 8, 1 + i % 12, 1 + i % 28),
                        "postcode": "LS1 4AP",
                        "town": "Leeds",
                        "address_line1": f"{i % 200 + 1} Example Street",
                    },
                )
                for k, kind in enumerate(STATUS_KINDS):
                    uow.insert(
                        "status_periods",
                        {"child_id": child, "kind": kind, "start_date": date(2023, 1 + k, 8), "detail": "Plan"},
                    )
                for role in ("designated_safeguarding_lead", "social_worker", "health_professional"):
                    uow.insert(
                        "involvements",
                        {"child_id": child, "organisation_id": org_id, "role": role, "start_date": date(2024, 9, 1)},
                    )
                for k in range(60):
                    at = start_time + timedelta(days=k * 3, minutes=i % 300)
                    uow.insert(
                        "events",
                        {
                            "child_id": child,
                            "kind": "note",
                            "occurred_at": at,
                            "recorded_at": at,
                            "author": "bench",
                            "organisation_id": org_id,
                            "summary": f"Contact {k + 1}",
                            "body": body(i * 60 + k),
                        },
                    )
                triage = uow.insert(
                    "triage_results",
                    {
                        "child_id": child,
                        "questionnaire_id": "presenting-needs",
                        "questionnaire_version": "1",
                        "state": "complete",
                        "answers": {f"q{n:02d}": ("yes" if (i + n) % 3 else "no") for n in range(25)},
                        "outcome": {"level": 2, "domains": ["learning", "wellbeing"]},
                        "level": 2,
                        "author": "bench",
                        "started_at": start_time,
                        "completed_at": start_time,
                    },
                )
                uow.insert(
                    "referrals",
                    {
                        "child_id": child,
                        "service_name": "Family mentoring",
                        "triage_result_id": triage,
                        "reason": "Low mood and falling attendance; family asked for support.",
                        "status_changed_at": start_time,
                        "shared_sections": ["identity", "needs"],
                        "sharing": {"basis": "consent", "recorded_by": "bench"},
                        "referrer": {"name": "Bench Worker", "email": "bench@example.org"},
                    },
                )
    return sync_outbox.count_by_state(db).get("pending", 0)


def edit_fields(db: Database, count: int, tag: str, *, from_end: bool = False) -> int:
    """`count` one-field edits spread over children, status periods, involvements and referrals (taken from the
    end of the list with `from_end`, so two devices can edit different rows)."""
    edits: list[tuple[str, str, str, Any]] = []
    with db.engine.connect() as conn:
        for table, name, value in (
            ("children", "preferred_name", f"P{tag}"),
            ("status_periods", "detail", f"Plan {tag}"),
            ("referrals", "outcome", f"Outcome {tag}"),
            ("involvements", "end_date", date(2030, 7, 1 + len(tag) % 28)),  # ahead: the child stays in view
        ):
            ids = conn.execute(text(f"select id from {table} order by id")).scalars().all()
            edits += [(table, row_id, name, value) for row_id in ids]
    edits = edits[-count:] if from_end else edits[:count]
    for start in range(0, len(edits), 500):
        with db.unit_of_work("bench") as uow:
            for table, row_id, name, value in edits[start : start + 500]:
                uow.update(table, row_id, {name: value})
    return len(edits)


@contextmanager
def server(url: str) -> Any:
    """`casedesk-server` under uvicorn, yielding its address and process id (for CPU time and memory)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "casedesk.server.cli", "--database-url", url, "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if HttpTransport(base).probe():
                break
            time.sleep(0.1)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process, the children it has reaped and those still running (a PostgreSQL cluster: its
    postmaster, the backends of connections since closed and the live ones)."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(p: int | str) -> list[str]:
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    total = sum(int(x) for x in fields(pid)[11:15])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                child = fields(entry.name)
                if int(child[1]) == pid:
                    total += sum(int(x) for x in child[11:15])
    return total / tick


def postgres_cpu(store: ServerDB) -> Callable[[], float]:
    """CPU seconds of the benchmark's own PostgreSQL so far (0 for SQLite, which runs inside the server)."""
    if store.is_sqlite:
        return lambda: 0.0
    with store.read() as conn:
        backend = conn.execute(text("select pg_backend_pid()")).scalar_one()
    postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return lambda: tree_cpu_seconds(postmaster)


def reset_peak(pid: int | str) -> None:
    with suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_mb(pid: int | str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def file_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def ceiling(tmp: Path, source: Database) -> tuple[float, int]:
    """Raw executemany of every synced row of `source` into a fresh SQLCipher file with the same schema."""
    target = Database.create(tmp / "ceiling.db", "benchmark passphrase")
    path, key = target.path, target._key
    target.close()
    tables = ["organisations", "workers", "services", *(e for e in ENTITIES if e not in ("organisations", "workers"))]
    tables = list(dict.fromkeys(tables))
    with source.engine.connect() as conn:
        data = {}
        for t in tables:
            result = conn.exec_driver_sql(f"select * from {t}")
            data[t] = (list(result.keys()), result.fetchall())
    raw = connect_raw(path, key)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")  # the page cache the device applies pulled pages with
    start = time.perf_counter()
    raw.execute("BEGIN")
    for t, (columns, rows) in data.items():
        if rows:
            marks = ",".join("?" * len(columns))
            raw.executemany(f"insert into {t} ({', '.join(columns)}) values ({marks})", rows)
    raw.execute("COMMIT")
    elapsed = time.perf_counter() - start
    raw.close()
    return elapsed, sum(len(rows) for _, rows in data.values())


def server_sizes(store: ServerDB, tmp: Path) -> tuple[float, float]:
    """(database MB, MB of the records' JSON data). SQLite's database as it stays: its pages with the write-ahead
    log folded in (the file once the server checkpoints or stops), as the receiving device is measured closed; the
    log a running server keeps beside it comes and goes with its checkpoints (reported beside)."""
    with store.read() as conn:
        if store.is_sqlite:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            size = pages * conn.exec_driver_sql("PRAGMA page_size").scalar_one() / 1e6
            json_mb = conn.execute(text("select sum(length(data)) from records")).scalar_one() / 1e6
        else:
            size = conn.execute(text("select pg_database_size(current_database())")).scalar_one() / 1e6
            json_mb = conn.execute(text("select sum(length(data::text)) from records")).scalar_one() / 1e6
    return size, json_mb


def settle(store: ServerDB) -> float:
    """PostgreSQL: `VACUUM (ANALYZE)`, the state autovacuum leaves freshly written tables in a minute or two after a
    bulk load (their rows' visibility settled and their statistics taken), which a new device's first sync meets
    in service; straight after the push, autovacuum and the first reads of the new rows (setting their hint bits)
    share the two cores with the sync. Returns its seconds; SQLite has nothing to settle (0)."""
    if store.is_sqlite:
        return 0.0
    start = time.perf_counter()
    with store.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM (ANALYZE)")
    return time.perf_counter() - start


def run_backend(url: str, children: int, rounds: int, tmp: Path, keep: Path | None = None) -> dict[str, str]:
    tmp.mkdir(parents=True, exist_ok=True)
    store = ServerDB(url)
    migrate(store.engine)
    org = admin.create_org(store, "Benchmark Academy")
    admin.create_user(store, org, "bench", PASSWORD)
    out: dict[str, str] = {}
    steps: dict[str, float] = {}
    with server(url) as (base, pid):
        a, ta = device(tmp, "a", store, base)
        timed_round(a, ta)
        changes = deep_caseload(a, org, children)
        pg_cpu = postgres_cpu(store)
        cpu, mine, pg = cpu_seconds(pid), time.process_time(), pg_cpu()
        secs, up, _, report = timed_round(a, ta)
        steps["push the whole caseload"] = secs
        out["push the whole caseload"] = (
            f"{secs:.1f} s for {changes:,} changes ({changes / secs:,.0f}/s), CPU server {cpu_seconds(pid) - cpu:.1f}"
            f" s / device {time.process_time() - mine:.1f} s / postgres {pg_cpu() - pg:.1f} s, {up / 1e6:.1f} MB up, "
            f"{report.set_aside} set aside, digest {'ok' if report.digest_ok else 'BAD'}, load {os.getloadavg()[0]:.1f}"
        )
        if keep is not None and store.is_sqlite:
            keep_server(tmp / "server.db", keep)
        b, tb = device(tmp, "b", store, base)
        reset_peak(pid)
        reset_peak("self")
        cpu, mine, pg = cpu_seconds(pid), time.process_time(), pg_cpu()
        secs, _, down, report = timed_round(b, tb)
        steps["first sync onto a new device"] = secs
        out["first sync onto a new device"] = (
            f"{secs:.1f} s for {report.pulled_rows:,} rows ({report.pulled_rows / secs:,.0f}/s), CPU server "
            f"{cpu_seconds(pid) - cpu:.1f} s / device {time.process_time() - mine:.1f} s / postgres "
            f"{pg_cpu() - pg:.1f} s, {down / 1e6:.1f} MB down, {report.pages} pages, "
            f"digest {'ok' if report.digest_ok else 'BAD'}, load {os.getloadavg()[0]:.1f}"
        )
        out["peak memory during the first sync: server / benchmark process"] = (
            f"{peak_mb(pid):.0f} MB / {peak_mb('self'):.0f} MB"
        )
        vacuum = settle(store)
        c, tc = device(tmp, "c", store, base)
        cpu, mine, pg = cpu_seconds(pid), time.process_time(), pg_cpu()
        secs, _, _, report = timed_round(c, tc)
        steps["first sync onto a second new device"] = secs
        out["first sync onto a second new device" + (" (the tables vacuumed first)" if vacuum else "")] = (
            f"{secs:.1f} s for {report.pulled_rows:,} rows, CPU server {cpu_seconds(pid) - cpu:.1f} s / device "
            f"{time.process_time() - mine:.1f} s / postgres {pg_cpu() - pg:.1f} s"
            + (f", after VACUUM (ANALYZE) of {vacuum:.1f} s" if vacuum else "")
            + f", digest {'ok' if report.digest_ok else 'BAD'}, load {os.getloadavg()[0]:.1f}"
        )
        c.close()
        edited = edit_fields(a, 10_000, "x")
        cpu, mine, pg = cpu_seconds(pid), time.process_time(), pg_cpu()
        secs, up, _, report = timed_round(a, ta)
        steps["push 10,000 changed fields"] = secs
        out["push 10,000 changed fields"] = (
            f"{secs:.2f} s for {edited:,} changes, CPU server {cpu_seconds(pid) - cpu:.2f} s / device "
            f"{time.process_time() - mine:.2f} s / postgres {pg_cpu() - pg:.2f} s, {up / 1e6:.2f} MB up, "
            f"load {os.getloadavg()[0]:.1f}"
        )
        timed_round(b, tb)
        push_only, both_ways, round_cpu = [], [], []
        for r in range(rounds):
            edit_fields(b, 100, f"b{r}", from_end=True)
            push_only.append(timed_round(b, tb)[0])
            edit_fields(a, 100, f"a{r}")
            cpu, mine, pg = cpu_seconds(pid), time.process_time(), pg_cpu()
            secs, _, _, report = timed_round(a, ta)
            round_cpu.append((cpu_seconds(pid) - cpu, time.process_time() - mine, pg_cpu() - pg))
            assert report.digest_ok, "digest mismatch in an incremental round"
            both_ways.append(secs)
        steps["round pushing 100 and pulling 100"] = min(both_ways)
        out["round pushing 100 changes"] = (
            f"min {min(push_only) * 1000:.0f} ms, median {statistics.median(push_only) * 1000:.0f} ms"
        )
        server_cpu, device_cpu = min(c[0] for c in round_cpu), min(c[1] for c in round_cpu)
        out["round pushing 100 and pulling 100"] = (
            f"min {min(both_ways) * 1000:.0f} ms, median {statistics.median(both_ways) * 1000:.0f} ms "
            f"({rounds} rounds); least CPU server {server_cpu * 1000:.0f} ms / device {device_cpu * 1000:.0f} ms / "
            f"postgres {min(c[2] for c in round_cpu) * 1000:.0f} ms, load {os.getloadavg()[0]:.1f}"
        )
        raw_secs, rows = ceiling(tmp, b)
        out["ceiling: raw executemany of the receiving device's rows"] = (
            f"{raw_secs:.2f} s for {rows:,} rows ({rows / raw_secs:,.0f}/s)"
        )
        for name, secs in steps.items():
            out[f"ratio to the ceiling: {name}"] = f"{secs / raw_secs:.1f}×"
        size, json_mb = server_sizes(store, tmp)
        out["database sizes: server / recording device / receiving device"] = (
            f"{size:.0f} / {file_mb(a.path):.0f} / {file_mb(b.path):.0f} MB; rows' JSON {json_mb:.0f} MB "
            f"({size / json_mb:.1f}× / {file_mb(a.path) / json_mb:.1f}× / {file_mb(b.path) / json_mb:.1f}×)"
        )
        if store.is_sqlite:
            out["server database files while it runs (with its write-ahead log)"] = (
                f"{file_mb(tmp / 'server.db'):.0f} MB"
            )
        out["raw"] = json.dumps({k: round(v, 3) for k, v in steps.items()} | {"ceiling": round(raw_secs, 3)})
        for db in (a, b):
            db.close()
    store.dispose()
    return out


KEPT = "server.db"


def keep_server(database: Path, keep: Path) -> None:
    """A consistent copy of the live server's SQLite database (the backup API), for later first syncs."""
    keep.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database) as source, sqlite3.connect(keep / KEPT) as copy:
        source.backup(copy)


def first_sync_only(keep: Path, tmp: Path) -> dict[str, str]:
    """The first sync onto a new device from a copy of a kept server (pushed by an earlier run), beside the
    ceiling, with the receiving device's size against the rows' JSON."""
    shutil.copy(keep / KEPT, tmp / "server.db")
    url = f"sqlite:///{tmp / 'server.db'}"
    store = ServerDB(url)
    migrate(store.engine)
    out: dict[str, str] = {}
    with server(url) as (base, pid):
        b, tb = device(tmp, "b", store, base)
        reset_peak(pid)
        reset_peak("self")
        cpu, mine = cpu_seconds(pid), time.process_time()
        secs, _, down, report = timed_round(b, tb)
        out["first sync onto a new device"] = (
            f"{secs:.1f} s for {report.pulled_rows:,} rows ({report.pulled_rows / secs:,.0f}/s), CPU server "
            f"{cpu_seconds(pid) - cpu:.1f} s / device {time.process_time() - mine:.1f} s, {down / 1e6:.1f} MB down, "
            f"{report.pages} pages, digest {'ok' if report.digest_ok else 'BAD'}, load average "
            f"{os.getloadavg()[0]:.1f}"
        )
        out["peak memory during the first sync: server / benchmark process"] = (
            f"{peak_mb(pid):.0f} MB / {peak_mb('self'):.0f} MB"
        )
        raw_secs, rows = ceiling(tmp, b)
        out["ceiling: raw executemany of the receiving device's rows"] = (
            f"{raw_secs:.2f} s for {rows:,} rows ({rows / raw_secs:,.0f}/s); first sync {secs / raw_secs:.1f}×"
        )
        _, json_mb = server_sizes(store, tmp)
        b.close()  # its write-ahead log folded in: the file as it stays
    size = file_mb(b.path)
    out["receiving device (closed)"] = f"{size:.0f} MB; rows' JSON {json_mb:.0f} MB ({size / json_mb:.2f}×)"
    store.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--keep",
        type=Path,
        help="a folder: the SQLite server's database is kept there once pushed, and a later run with the same "
        "folder measures only the first sync, on a copy of it",
    )
    args = parser.parse_args()
    if args.keep is not None and (args.keep / KEPT).exists():
        with scratch() as tmp:
            results = {"children": args.children, **first_sync_only(args.keep, tmp)}
        record(f"sync_deep_{args.children}_first_sync", results)
        return
    results: dict[str, object] = {"children": args.children}
    with scratch() as tmp:
        if args.backend in ("sqlite", "both"):
            for k, v in run_backend(
                f"sqlite:///{tmp / 's' / 'server.db'}", args.children, args.rounds, tmp / "s", args.keep
            ).items():
                results[f"sqlite: {k}"] = v
        if args.backend in ("postgres", "both") and (PG_BIN / "initdb").exists():
            with postgres() as url:
                for k, v in run_backend(url, args.children, args.rounds, tmp / "p").items():
                    results[f"postgres: {k}"] = v
    record(f"sync_deep_{args.children}", results)


if __name__ == "__main__":
    main()
