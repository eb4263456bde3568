"""Disaster recovery: server backup and restore time and size, and how long devices take to reconcile after it.

    .venv/bin/python benchmarks/restore_bench.py [--children 2000] [--after 200]

An SQLite server (in process, real HTTP app) holds `--children` children (each with an involvement and five
chronology notes). It is backed up, a device adds `--after` children the same way and syncs, and the server is
restored from the backup. Measured: backup and restore wall time and file size, the reconciliation round of the
device that holds the lost children (everything re-sent) and of a second device that lost nothing (only its
versions renumbered), and that both digests match afterwards.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _common import record, scratch
from argon2 import PasswordHasher

from casedesk import config
from casedesk.server import auth, backup
from casedesk.server.app import create_app
from casedesk.server.db import ServerDB
from casedesk.server.db import accounts as admin
from casedesk.services import sync
from casedesk.store import keyfile
from casedesk.store.database import Database
from casedesk.sync.engine import SyncEngine
from casedesk.sync.http import HttpTransport

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD, PASSPHRASE, BACKUP_PASSPHRASE = "benchmark password", "benchmark passphrase", "benchmark backup"
keyfile.DEFAULT_KDF = keyfile.KdfParams(time_cost=1, memory_cost_kib=8192, parallelism=1)  # unlock is not timed
auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # nor is login


def seed(db: Database, org: str, count: int, start: int) -> None:
    now = datetime.now(UTC)
    with db.unit_of_work("bench") as uow:
        for n in range(start, start + count):
            child = uow.insert(
                "children", {"given_name": f"Child{n}", "family_name": "Bench", "date_of_birth": date(2012, 1, 1)}
            )
            uow.insert(
                "involvements",
                {"child_id": child, "organisation_id": org, "role": "school", "start_date": date(2024, 9, 1)},
            )
            for k in range(5):
                uow.insert(
                    "events",
                    {
                        "child_id": child,
                        "kind": "note",
                        "occurred_at": now,
                        "recorded_at": now,
                        "author": "bench",
                        "summary": f"note {k}",
                    },
                )


def device(tmp: Path, name: str, app: object, store: ServerDB) -> tuple[Database, HttpTransport]:
    db = Database.create(tmp / f"{name}.db", PASSPHRASE)
    transport = HttpTransport(
        "http://testserver", device_id=db.device_id, client=TestClient(app), sleep=lambda _s: None
    )
    sync.enrol(db, "http://testserver", name, PASSWORD, admin.enrolment_code(store, name), transport=transport)
    transport.token = db.get(config.DEVICE_TOKEN)
    return db, transport


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--after", type=int, default=200)
    args = parser.parse_args()
    with scratch() as tmp:
        url = f"sqlite:///{tmp / 'server.db'}"
        store = ServerDB(url)
        app = create_app(store)
        org = admin.create_org(store, "Bench Academy")
        for name in ("ann", "ben"):
            admin.create_user(store, org, name, PASSWORD)
        (ann, ann_net), (ben, ben_net) = device(tmp, "ann", app, store), device(tmp, "ben", app, store)
        SyncEngine(ann, ann_net).run()
        seed(ann, org, args.children, 0)
        SyncEngine(ann, ann_net).run()
        SyncEngine(ben, ben_net).run()

        started = time.perf_counter()
        backup.backup(url, tmp / "night.backup", BACKUP_PASSPHRASE)
        backup_s = time.perf_counter() - started
        seed(ann, org, args.after, args.children)
        SyncEngine(ann, ann_net).run()
        SyncEngine(ben, ben_net).run()
        store.dispose()
        started = time.perf_counter()
        backup.restore(url, tmp / "night.backup", BACKUP_PASSPHRASE)
        restore_s = time.perf_counter() - started
        store = ServerDB(url)
        app = create_app(store)
        ann_net.client, ben_net.client = TestClient(app), TestClient(app)

        results: dict[str, object] = {
            "rows on the server at backup": (args.children * 7),
            "backup": f"{backup_s:.2f} s, {_mb(tmp / 'night.backup')} (server file {_mb(tmp / 'server.db')})",
            "restore (open, check, replace, new generation)": f"{restore_s:.2f} s",
        }
        for name, db, net in (("holding the lost rows", ann, ann_net), ("that lost nothing", ben, ben_net)):
            started = time.perf_counter()
            report = SyncEngine(db, net).run()
            took = time.perf_counter() - started
            what = report.recovery.split(": ", 1)[-1]
            results[f"reconcile round, device {name}"] = f"{took:.2f} s; {what} digest ok: {report.digest_ok}"
        record("restore_bench", results)
        store.dispose()


if __name__ == "__main__":
    main()
