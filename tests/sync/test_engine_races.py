"""A person keeps working while a sync round runs: what they write meanwhile is never lost or misread.
Devices sync with the real app served on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from casedesk.store.journal import outbox as sync_outbox
from casedesk.sync.engine import SyncEngine
from tests.sync.harness import Device, Server, make_device


class WritesDuringResync:
    """The device's own transport, except that a note is written while the first snapshot page is on the wire."""

    def __init__(self, device: Device, child: str) -> None:
        self.inner, self.device, self.child = device.transport, device, child
        self.written: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def snapshot(self, entity: str, after: str | None, limit: int) -> Any:
        page = self.inner.snapshot(entity, after, limit)
        if not self.written:
            self.written.append(self.device.note(self.child, "Written during the resync"))
        return page


def test_a_chronology_entry_written_during_a_resync_stays(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    url = server.serve()
    a = make_device(tmp_path, "ann", None, "ann", base_url=url, org_server=server)
    child = a.add_child("Ada", "Okafor", org)
    a.note(child, "Seen")
    a.sync()
    with a.db.engine.begin() as conn:  # damage outside the journal, so the next digest resyncs events
        conn.execute(text("delete from events"))
    transport = WritesDuringResync(a, child)
    report = SyncEngine(a.db, transport).run()
    assert report.resynced == ["events"] and transport.written
    summaries = {e["summary"] for e in a.export()["children"][0]["events"]}
    assert summaries == {"Seen", "Written during the resync"}
    assert report.digest_ok  # the entry still waiting to be pushed is left out on both sides
    assert a.sync().pushed == 1 and sync_outbox.count_by_state(a.db) == {"applied": 4}
    a.close()
