"""The push side alone: whether the device works while the server does, and each side's CPU.

The deep caseload of `sync_deep.py` is pushed from the device that recorded it to `casedesk-server` under uvicorn
(SQLite), then 8,000 changed fields (10,000 from 2,000 children up). Each push is timed whole, with the server
process's CPU seconds and the benchmark process's (the device); the device's own steps (reading the outbox,
checking each change can be sent, recording the answers) and the push requests are timed too, and the report
says how much of the device's work ran while a request was at the server: the engine sends batch n+1 while it
records the answers to batch n, so on two cores the device's work should hide behind the server's.

    .venv/bin/python benchmarks/push_overlap.py [--children 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch
from sync_bench import device
from sync_deep import PASSWORD, cpu_seconds, deep_caseload, edit_fields, server

from casedesk.server.db import ServerDB, migrate
from casedesk.server.db import accounts as admin
from casedesk.store.journal import outbox
from casedesk.sync import engine, http
from casedesk.sync.engine import SyncEngine, SyncReport

Span = tuple[float, float]


def timed(owner: Any, name: str, spans: list[Span]) -> None:
    """Wrap `owner.name` so each call's start and end go into `spans`."""
    inner: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spans.append((start, time.perf_counter()))

    setattr(owner, name, wrapper)


def overlap(work: list[Span], requests: list[Span]) -> float:
    """Seconds of `work` that fell inside a request (requests go one at a time, so they never overlap)."""
    return sum(max(0.0, min(end, r_end) - max(start, r_start)) for start, end in work for r_start, r_end in requests)


def push(db: Any, net: Any, pid: int, work: list[Span], requests: list[Span]) -> str:
    work.clear()
    requests.clear()
    cpu, mine, start = cpu_seconds(pid), time.process_time(), time.perf_counter()
    report = SyncReport()
    SyncEngine(db, net).push(report)
    wall = time.perf_counter() - start
    busy = sum(end - begin for begin, end in work)
    hidden = overlap(work, requests)
    at_server = sum(end - begin for begin, end in requests)
    return (
        f"{report.pushed:,} changes in {wall:.2f} s; CPU server {cpu_seconds(pid) - cpu:.2f} s / device "
        f"{time.process_time() - mine:.2f} s; {len(requests)} requests, at the server {at_server:.2f} s;"
        f" device steps {busy:.2f} s, {hidden / busy:.0%} of them while a request was at the server; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1000)
    args = parser.parse_args()
    work: list[Span] = []
    requests: list[Span] = []
    timed(http.HttpTransport, "push", requests)
    for name in ("pending_after", "record_results"):
        timed(outbox, name, work)  # the engine calls them through the module
    timed(engine.SyncEngine, "_sendable", work)
    results: dict[str, object] = {"children": args.children}
    with scratch() as tmp:
        url = f"sqlite:///{tmp / 'server.db'}"
        store = ServerDB(url)
        migrate(store.engine)
        org = admin.create_org(store, "Benchmark Academy")
        admin.create_user(store, org, "bench", PASSWORD)
        with server(url) as (base, pid):
            db, net = device(tmp, "a", store, base)
            SyncEngine(db, net).run()
            deep_caseload(db, org, args.children)
            results["push the whole caseload"] = push(db, net, pid, work, requests)
            edited = edit_fields(db, 10_000, "x")
            results[f"push {edited:,} changed fields"] = push(db, net, pid, work, requests)
            db.close()
        store.dispose()
    record(f"push_overlap_{args.children}", results)


if __name__ == "__main__":
    main()
