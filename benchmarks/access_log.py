"""What the access log costs the server's pull path, on `sync_deep.py`'s data shape.

A recording device pushes deep case files (per child: 3 status periods, 3 involvements, 60 chronology events of
about 400 characters, a needs check and a referral: 69 rows) to a real `casedesk-server`; a second
organisation is involved with every child. Then, in this process over the same server database, the receiving
device's pull pages are built exactly as the endpoint builds them (`pulls.pull`, counting each child's items)
and, separately, the access log is written for each page (`access.record`, one row per child per round). Both
are timed for the first sync (every child arrives) and for rounds that pull 100 changed fields; the log's cost
is given as a share of the page building it follows.

    .venv/bin/python benchmarks/access_log.py [--children 1000] [--backend sqlite|postgres|both] [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch
from sqlalchemy import func, select
from sync_bench import PG_BIN, device, postgres, timed_round
from sync_deep import PASSWORD, deep_caseload, edit_fields, server

from casedesk.domain.ids import new_id
from casedesk.server.db import ServerDB, access, access_log, migrate, pulls
from casedesk.server.db import accounts as admin


def pages(store: ServerDB, org_id: str, cursor: int, device_id: str) -> tuple[float, list[Counter[str]], int]:
    """Build every page a device at `cursor` would pull: (seconds, each page's items per child, end cursor)."""
    counted: list[Counter[str]] = []
    spent = 0.0
    while True:
        delivered: Counter[str] = Counter()
        start = time.perf_counter()
        with store.read() as conn:
            page = pulls.pull(conn, org_id, cursor, 500, device_id, delivered)
        spent += time.perf_counter() - start
        counted.append(delivered)
        cursor = page.cursor
        if not page.has_more:
            return spent, counted, cursor


def log_round(store: ServerDB, receiver: Any, counted: list[Counter[str]]) -> float:
    """Write the access log for one round's pages, as the endpoint does after each: seconds."""
    round_id = new_id()
    start = time.perf_counter()
    for delivered in counted:
        access.record(store, receiver, round_id, "pull", delivered)
    return time.perf_counter() - start


def log_rows(store: ServerDB) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(access_log)).scalar_one())


def run_backend(url: str, children: int, rounds: int, tmp: Path) -> dict[str, str]:
    tmp.mkdir(parents=True, exist_ok=True)
    store = ServerDB(url)
    migrate(store.engine)
    recorder, receiver_org = admin.create_org(store, "Benchmark Academy"), admin.create_org(store, "Social Care")
    admin.create_user(store, recorder, "bench", PASSWORD)
    admin.create_user(store, receiver_org, "reader", PASSWORD)
    out: dict[str, str] = {}
    with server(url) as (base, _pid):
        a, ta = device(tmp, "a", store, base)
        timed_round(a, ta)
        deep_caseload(a, receiver_org, children)
        timed_round(a, ta)
        receiver = SimpleNamespace(device_id=new_id(), user_id=new_id(), org_id=receiver_org, username="reader")
        built, logged, rows_before = [], [], log_rows(store)
        for _ in range(rounds):
            secs, counted, end = pages(store, receiver_org, 0, receiver.device_id)
            built.append(secs)
            logged.append(log_round(store, receiver, counted))
        items = sum(sum(c.values()) for c in counted)
        written = (log_rows(store) - rows_before) // rounds
        out["first sync: pages built / access log written"] = (
            f"{min(built):.2f} s / {min(logged) * 1000:.0f} ms for {len(counted)} pages, {items:,} items of "
            f"{children:,} children → {written:,} log rows ({min(logged) / min(built):.1%} of the page building)"
        )
        small_built, small_logged = [], []
        for r in range(rounds):
            edit_fields(a, 100, f"r{r}")
            timed_round(a, ta)
            secs, counted, end = pages(store, receiver_org, end, receiver.device_id)
            small_built.append(secs)
            small_logged.append(log_round(store, receiver, counted))
        touched = len(set().union(*counted))
        out["round pulling 100 changed fields: page built / access log written"] = (
            f"min {min(small_built) * 1000:.1f} ms / {min(small_logged) * 1000:.1f} ms ({touched} children, "
            f"{min(small_logged) / min(small_built):.0%} of the page building)"
        )
        a.close()
    store.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, object] = {"children": args.children}
    with scratch() as tmp:
        if args.backend in ("sqlite", "both"):
            url = f"sqlite:///{tmp / 's' / 'server.db'}"
            for k, v in run_backend(url, args.children, args.rounds, tmp / "s").items():
                results[f"sqlite: {k}"] = v
        if args.backend in ("postgres", "both") and (PG_BIN / "initdb").exists():
            with postgres() as url:
                for k, v in run_backend(url, args.children, args.rounds, tmp / "p").items():
                    results[f"postgres: {k}"] = v
    record(f"access_log_{args.children}", results)


if __name__ == "__main__":
    main()
