"""A sync round touches the database only through `on_db`, so the app can keep every step on its database thread.

Here `on_db` is a one-thread executor of the test's own: every connection the round takes, from the push to the
digest and the settings it writes, must be taken on that thread, never on the thread the round runs on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import event

from casedesk import config
from casedesk.services.sync import SyncService
from casedesk.store import repositories as repo
from tests.sync.harness import Server, make_device


def test_every_database_step_of_a_round_goes_through_on_db(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    for name in ("ann", "ben"):
        server.user(org, name)
    ann = make_device(tmp_path, "ann", server, "ann")
    ben = make_device(tmp_path, "ben", server, "ben")
    theirs = ben.add_child("Ada", "Okafor", org)
    ben.sync()
    ann.add_child("Bo", "Lee", org)
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="only-db")
    hops: list[str] = []

    def on_db(fn: Callable[[], Any]) -> Any:
        hops.append(getattr(fn, "__name__", type(fn).__name__))
        return worker.submit(fn).result()

    used: list[str] = []
    event.listen(ann.db.engine, "checkout", lambda *_: used.append(threading.current_thread().name))
    try:
        service = SyncService(ann.db, ann.transport, on_db=on_db)
        report = service.run_once()
        status = service.status()
    finally:
        worker.shutdown()
    assert used and all(name.startswith("only-db") for name in used), sorted(set(used))
    assert report.pushed == 2 and report.pulled_rows >= 1 and report.digest_ok
    assert status.pending == 0 and status.last_success and hops
    assert ann.db.get(config.CURSOR) > 0
    with ann.db.session() as session:
        assert theirs in set(repo.child_ids(session))
    ann.close()
    ben.close()
