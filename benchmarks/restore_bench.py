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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _common import record, scratch
from _sync_setup import PASSWORD, enrolled_device, fast_hashing, write_caseload

from casedesk.server import backup
from casedesk.server.app import create_app
from casedesk.server.db import ServerDB
from casedesk.server.db import accounts as admin
from casedesk.store.database import Database
from casedesk.sync.engine import SyncEngine
from casedesk.sync.http import HttpTransport

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

BACKUP_PASSPHRASE = "benchmark backup"
fast_hashing()


def device(tmp: Path, name: str, app: object, store: ServerDB) -> tuple[Database, HttpTransport]:
    return enrolled_device(tmp, name, store, "http://testserver", client=TestClient(app), sleep=lambda _s: None)


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
        write_caseload(ann, org, args.children, status=False, events=5)
        SyncEngine(ann, ann_net).run()
        SyncEngine(ben, ben_net).run()

        started = time.perf_counter()
        backup.backup(url, tmp / "night.backup", BACKUP_PASSPHRASE)
        backup_s = time.perf_counter() - started
        write_caseload(ann, org, args.after, start=args.children, status=False, events=5)
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
