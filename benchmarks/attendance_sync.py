"""First sync of a year of attendance marks for a 1,500-pupil school onto a new device (target under 5 s).

A device holds 1,500 children (each with an involvement) and 39 school weeks of marks each (a row per child per
week: ~58,500 week rows, ~585,000 marks), pushes them to `casedesk-server` (SQLite, under uvicorn on 127.0.0.1),
then a second device of the same organisation enrols and runs its first sync. Wall time and the CPU time of the
server and of the device are recorded: on a shared machine the wall time includes waiting for a core.

    .venv/bin/python benchmarks/attendance_sync.py [--pupils 1500] [--weeks 39] [--keep FOLDER]

With `--keep FOLDER` the server's database is kept once the school's device has pushed; a later run with the same
folder measures only the first sync, on a copy of it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch
from sqlalchemy import text
from sync_bench import PASSWORD, device
from sync_deep import KEPT, cpu_seconds, file_mb, keep_server, server

from casedesk.domain.attendance.week import Mark
from casedesk.server.db import ServerDB, migrate
from casedesk.server.db import accounts as admin
from casedesk.services.attendance.marks import write_marks
from casedesk.store import attendance_repo
from casedesk.sync.engine import SyncEngine

CODES = ["/"] * 92 + ["I", "I", "M", "O", "N", "L", "G", "V"]


def school_year(db: object, org: str, pupils: int, weeks: int) -> int:
    rng = random.Random(5)
    first = date(2024, 9, 2)
    days = [first + timedelta(days=n) for n in range(weeks * 7) if (first + timedelta(days=n)).weekday() < 5]
    marks = 0
    for start in range(0, pupils, 250):
        with db.unit_of_work("bench") as uow:  # type: ignore[attr-defined]
            pairs = []
            for i in range(start, min(pupils, start + 250)):
                child = uow.insert(
                    "children",
                    {"given_name": f"Pupil{i}", "family_name": "Example", "date_of_birth": date(2011, 1, 1 + i % 28)},
                )
                uow.insert(
                    "involvements",
                    {"child_id": child, "organisation_id": org, "role": "other", "start_date": date(2024, 9, 1)},
                )
                for day in days:
                    for half in ("AM", "PM"):
                        code = rng.choice(CODES)
                        pairs.append((child, Mark(day, half, "\\" if code == "/" and half == "PM" else code, org)))
            uow.flush()
            write_marks(uow, pairs, reason="bench", today=date(2025, 8, 31))
            marks += len(pairs)
    return marks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=1_500)
    parser.add_argument("--weeks", type=int, default=39)
    parser.add_argument("--keep", type=Path, help="keep the pushed server database here; reuse it when present")
    args = parser.parse_args()
    results: dict[str, object] = {
        "data": f"{args.pupils:,} pupils x {args.weeks} weeks: {args.pupils * args.weeks * 10:,} marks in "
        f"{args.pupils * args.weeks:,} week rows (plus children and involvements)"
    }
    with scratch() as tmp:
        url = f"sqlite:///{tmp / 'server.db'}"
        reuse = args.keep is not None and (args.keep / KEPT).exists()
        if reuse:
            shutil.copy(args.keep / KEPT, tmp / "server.db")
        store = ServerDB(url)
        migrate(store.engine)
        with server(url) as (base, pid):
            if not reuse:
                org = admin.create_org(store, "Benchmark Academy")
                admin.create_user(store, org, "bench", PASSWORD)
                a, ta = device(tmp, "a", store, base)
                SyncEngine(a, ta).run()
                school_year(a, org, args.pupils, args.weeks)
                start, cpu = time.perf_counter(), cpu_seconds(pid)
                pushed = SyncEngine(a, ta).run()
                push = time.perf_counter() - start
                results["push from the school's device"] = (
                    f"{push:.1f} s ({pushed.pushed:,} changes), CPU server {cpu_seconds(pid) - cpu:.1f} s"
                )
                a.close()
                if args.keep is not None:
                    keep_server(tmp / "server.db", args.keep)
            b, tb = device(tmp, "b", store, base)
            received = tb.bytes_received
            start, cpu, mine = time.perf_counter(), cpu_seconds(pid), time.process_time()
            report = SyncEngine(b, tb).run()
            first, first_cpu = time.perf_counter() - start, time.process_time() - mine
            server_cpu = cpu_seconds(pid) - cpu
            with b.session() as session:
                totals = len(attendance_repo.all_totals(session))
            with store.read() as conn:
                json_mb = conn.execute(text("select sum(length(data)) from records")).scalar_one() / 1e6
            b.close()  # its write-ahead log folded in: the file as it stays
            size = file_mb(b.path)
        store.dispose()
    results["first sync onto a new device"] = (
        f"{first:.1f} s wall, CPU server {server_cpu:.1f} s / device {first_cpu:.1f} s, {report.pulled_rows:,} rows "
        f"in {report.pages} pages, {(tb.bytes_received - received) / 1e6:.1f} MB down, "
        f"digest {'ok' if report.digest_ok else 'MISMATCH'}, caseload counts for {totals:,} children, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    results["receiving device (closed)"] = f"{size:.0f} MB; rows' JSON {json_mb:.0f} MB ({size / json_mb:.2f}×)"
    record("attendance_sync", results)


if __name__ == "__main__":
    main()
