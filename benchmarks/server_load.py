"""The server under many devices at once: N concurrent incremental syncs (push a few changes, pull what is new,
check the digest of the rows moved), measured as throughput and p50/p95/p99 latency per sync.

    .venv/bin/python benchmarks/server_load.py [--devices 200] [--rounds 3] [--backend sqlite|postgres|both]

Devices are simulated at the protocol level (the real HTTP transport, no local database), so the numbers are
the server's; the server is `casedesk-server` under uvicorn on 127.0.0.1, one process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, scratch
from sync_bench import PASSWORD, PG_BIN, live_server, postgres

from casedesk.domain.ids import new_id
from casedesk.server.db import ServerDB, migrate
from casedesk.server.db import accounts as admin
from casedesk.sync.http import HttpTransport
from casedesk.sync.wire import EnrolRequest

_clock = threading.Lock()
_last = [0]


def hlc(device_id: str) -> str:
    with _clock:
        _last[0] = max(_last[0] + 1, int(time.time() * 1000) * 1000)
        millis, counter = divmod(_last[0], 1000)
    return f"{millis:013d}-{counter:06d}-{device_id}"


class VirtualDevice:
    def __init__(self, base: str, store: ServerDB, username: str) -> None:
        self.device_id = new_id()
        self.transport = HttpTransport(base, device_id=self.device_id)
        answer = self.transport.enrol(
            EnrolRequest(
                username=username,
                password=PASSWORD,
                code=admin.enrolment_code(store, username),
                device_id=self.device_id,
            )
        )
        self.transport.token = answer.device_token
        self.cursor = 0
        self.child_id = ""

    def catch_up(self) -> int:
        rows = 0
        while True:
            page = self.transport.pull(self.cursor, 1000)
            rows += len(page.items)
            self.cursor = page.cursor
            if not page.has_more:
                return rows

    def one_sync(self, changes: int) -> float:
        start = time.perf_counter()
        now = datetime.now(UTC).isoformat()
        batch: list[dict[str, Any]] = [
            {
                "change_id": new_id(),
                "entity": "events",
                "row_id": new_id(),
                "op": "append",
                "fields": {
                    "child_id": self.child_id,
                    "kind": "note",
                    "occurred_at": now,
                    "recorded_at": now,
                    "author": "load",
                    "summary": "Visit",
                },
                "base_versions": {},
                "hlc": hlc(self.device_id),
                "device_id": self.device_id,
                "author": "load",
            }
            for _ in range(changes)
        ]
        answer = self.transport.push(batch)
        assert all(r.status == "applied" for r in answer.results), answer.results[:1]
        self.catch_up()
        self.transport.digest([], [c["row_id"] for c in batch])
        return time.perf_counter() - start


def run_backend(
    url: str, devices: int, rounds: int, changes: int, workers: int = 1, per_org: int = 5
) -> dict[str, str]:
    from argon2 import PasswordHasher

    from casedesk.server import auth

    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # logins are not measured
    store = ServerDB(url)
    migrate(store.engine)
    orgs = max(1, devices // per_org)  # devices spread over organisations: each pulls its own caseload
    for k in range(orgs):
        admin.create_user(store, admin.create_org(store, f"Load Academy {k}"), f"load{k}", PASSWORD)
    out: dict[str, str] = {}
    with live_server(url, workers) as base:
        fleet = [VirtualDevice(base, store, f"load{i % orgs}") for i in range(devices)]
        for device in fleet:  # each device records one child of its own, then every device catches up
            device.child_id = new_id()
            device.transport.push(
                [
                    {
                        "change_id": new_id(),
                        "entity": "children",
                        "row_id": device.child_id,
                        "op": "insert",
                        "fields": {"given_name": "Load", "family_name": "Test", "date_of_birth": "2012-01-01"},
                        "base_versions": {},
                        "hlc": hlc(device.device_id),
                        "device_id": device.device_id,
                        "author": "load",
                    }
                ]
            )
        for device in fleet:
            device.catch_up()
        latencies: list[float] = []
        wall = 0.0
        with ThreadPoolExecutor(max_workers=devices) as pool:
            for _ in range(rounds):
                start = time.perf_counter()
                latencies += list(pool.map(lambda d: d.one_sync(changes), fleet))
                wall += time.perf_counter() - start
        latencies.sort()

        def pct(p: float) -> str:
            return f"{latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000:.0f} ms"

        out[f"{devices} devices in {orgs} organisations x {rounds} rounds, {changes} changes each"] = (
            f"{len(latencies) / wall:.1f} syncs/s, {len(latencies) * changes / wall:.0f} changes/s; "
            f"p50 {pct(0.5)}, p95 {pct(0.95)}, p99 {pct(0.99)}, max {latencies[-1] * 1000:.0f} ms, "
            f"mean {statistics.mean(latencies) * 1000:.0f} ms"
        )
    store.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--per-org", type=int, default=5, help="devices per organisation (fan-out of each change)")
    parser.add_argument("--workers", type=int, default=1, help="server processes for PostgreSQL")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with scratch() as tmp:
        if args.backend in ("sqlite", "both"):
            for k, v in run_backend(
                f"sqlite:///{tmp / 'load.db'}", args.devices, args.rounds, args.changes, per_org=args.per_org
            ).items():
                results[f"sqlite: {k}"] = v
        if args.backend in ("postgres", "both") and (PG_BIN / "initdb").exists():
            with postgres() as url:
                for k, v in run_backend(
                    url, args.devices, args.rounds, args.changes, args.workers, args.per_org
                ).items():
                    results[f"postgres ({args.workers} worker(s)): {k}"] = v
    record("server_load", results)


if __name__ == "__main__":
    main()
