"""A first sync builds the chronology's index by kind and date once, at its end, instead of entry by entry
(`store/journal/bulk_indexes.py`): set aside only on a device with no chronology yet, and back however the pull
ends, or when the database is next opened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casedesk.store.database import Database
from casedesk.sync.engine import SyncEngine
from casedesk.sync.fake import FaultyTransport
from casedesk.sync.transport import Offline
from tests.factories import PASSPHRASE
from tests.sync.harness import Device, Server, make_device

INDEX = "ix_events_kind_occurred"


def _has_index(db: Database) -> bool:
    with db.engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (INDEX,))
        return found.first() is not None


def _by_kind_uses_index(db: Database) -> bool:
    with db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT id FROM events WHERE kind = 'note' ORDER BY occurred_at")
        return any(INDEX in str(row[-1]) for row in plan)


class Watching(FaultyTransport):
    """Notes, at each page fetched, whether the index is in place on the device."""

    def __init__(self, device: Device) -> None:
        super().__init__(device.transport, device.faults)
        self.device, self.seen = device, []  # type: ignore[var-annotated]

    def pull(self, cursor: int, limit: int) -> Any:
        self.seen.append(_has_index(self.device.db))
        return super().pull(cursor, limit)


@pytest.fixture
def pair(server: Server, tmp_path: Path) -> Any:
    org = server.org("Riverside Academy")
    for name in ("ann", "ben"):
        server.user(org, name)
    a, b = (make_device(tmp_path, name, server, name) for name in ("ann", "ben"))
    for i in range(6):
        child = a.add_child(f"Child{i}", "Paged", org)
        a.note(child, f"Seen at home {i}")
        a.note(child, f"Called school {i}")
    a.sync()
    yield a, b
    a.close(), b.close()


def test_a_first_sync_sets_the_index_aside_and_builds_it_once_the_pages_are_in(pair: Any) -> None:
    a, b = pair
    assert _has_index(b.db)  # a new device, nothing of the chronology yet
    watching = Watching(b)
    SyncEngine(b.db, watching, page=5).run()
    assert len(watching.seen) > 2 and not any(watching.seen)
    assert _has_index(b.db) and _by_kind_uses_index(b.db)
    assert a.export() == b.export()
    b.check_kept_digest()

    child = next(iter(a.export()["children"]))["child"]["id"]
    a.note(child, "Home visit")
    a.sync()
    watching = Watching(b)
    SyncEngine(b.db, watching, page=5).run()  # the device holds entries now: the index stays
    assert watching.seen and all(watching.seen)
    assert a.export() == b.export()


def test_a_first_sync_cut_short_puts_the_index_back_and_resumes(pair: Any) -> None:
    a, b = pair
    b.faults.pull_cut_after_pages = 2
    with pytest.raises(Offline):
        SyncEngine(b.db, FaultyTransport(b.transport, b.faults), page=5).run()
    assert _has_index(b.db)
    SyncEngine(b.db, FaultyTransport(b.transport, b.faults), page=5).run()
    assert _has_index(b.db) and a.export() == b.export()


def test_opening_the_database_puts_back_an_index_a_first_sync_left_aside(pair: Any) -> None:
    _a, b = pair
    with b.db.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP INDEX {INDEX}")  # as a pull the process did not survive leaves it
    path = b.db.path
    b.db.close()
    b.db = Database.open(path, PASSPHRASE)
    assert _has_index(b.db) and _by_kind_uses_index(b.db)
