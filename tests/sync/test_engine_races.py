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


class AnotherDeviceSyncsFirst:
    """The device's own transport, except that another device pushes between this one's pull and its digest."""

    def __init__(self, device: Device, other: Device, org: str) -> None:
        self.inner, self.other, self.org = device.transport, other, org
        self.made: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def digest(self, exclude: list[str], cursor: int | None = None, *, recount: bool = False) -> Any:
        if not self.made:
            self.made.append(self.other.add_child("Bea", "Mensah", self.org))
            self.other.sync()
        return self.inner.digest(exclude, cursor, recount=recount)


def test_a_write_landing_between_pull_and_digest_is_no_mismatch(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann"), server.user(org, "ben")
    url = server.serve()
    a = make_device(tmp_path, "ann", None, "ann", base_url=url, org_server=server)
    b = make_device(tmp_path, "ben", None, "ben", base_url=url, org_server=server)
    a.add_child("Ada", "Okafor", org)
    a.sync(), b.sync()
    transport = AnotherDeviceSyncsFirst(a, b, org)
    report = SyncEngine(a.db, transport).run()
    assert transport.made and report.digest_ok and report.resynced == []
    assert {c["child"]["given_name"] for c in a.export()["children"]} == {"Ada", "Bea"}  # pulled, not resynced
    a.close(), b.close()


class BusyServer(AnotherDeviceSyncsFirst):
    """Another device pushes before every digest: the feed never holds still."""

    def digest(self, exclude: list[str], cursor: int | None = None, *, recount: bool = False) -> Any:
        self.made.append(self.other.add_child(f"Busy{len(self.made)}", "Pupil", self.org))
        self.other.sync()
        return self.inner.digest(exclude, cursor, recount=recount)


def test_a_feed_that_never_holds_still_defers_the_check_instead_of_resyncing(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann"), server.user(org, "ben")
    url = server.serve()
    a = make_device(tmp_path, "ann", None, "ann", base_url=url, org_server=server)
    b = make_device(tmp_path, "ben", None, "ben", base_url=url, org_server=server)
    report = SyncEngine(a.db, BusyServer(a, b, org)).run()
    assert report.digest_deferred and report.resynced == [] and "deferred" in report.describe()
    assert a.sync().digest_ok  # the next quiet round compares
    a.close(), b.close()
