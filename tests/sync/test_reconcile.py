"""Detecting that the server went back in time: the fork between two lineages, and a cursor past the feed's end."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk import config
from casedesk.server import backup
from casedesk.server.db import generation, records
from casedesk.sync import reconcile
from casedesk.sync.transport import Offline
from tests.sync.harness import Server, make_device


def g(name: str, base: int) -> dict[str, object]:
    return {"id": name, "base_seq": base}


@pytest.mark.parametrize(
    ("known", "server", "fork"),
    [
        ([g("a", 0)], [g("a", 0)], None),  # same history
        ([g("a", 0)], [g("a", 0), g("b", 150)], 150),  # restored once since
        ([g("a", 0)], [g("a", 0), g("b", 150), g("c", 170)], 150),  # restored twice: the first fork counts
        ([g("a", 0), g("b", 150)], [g("a", 0), g("c", 120)], 120),  # the device's generation was itself discarded
        ([g("a", 0), g("b", 150)], [g("a", 0), g("c", 180)], 150),
        ([g("x", 5000)], [g("y", 4000), g("z", 4000)], 4000),  # a backup from before generations existed
    ],
)
def test_the_fork_is_the_first_generation_the_two_histories_do_not_share(
    known: list[dict[str, object]], server: list[dict[str, object]], fork: int | None
) -> None:
    assert reconcile.fork_point(known, server) == fork


def test_a_cursor_past_the_feed_end_is_noticed_even_without_a_new_generation(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    ann = make_device(tmp_path, "ann", server, "ann")
    try:
        ann.add_child("Ada", "Okafor", org)
        assert not ann.sync().recovery
        with server.store.read() as conn:
            end = generation.feed_end(conn)
        ann.db.put(config.CURSOR, end + 40)  # as if the feed had been wound back under it
        report = ann.sync()
        assert report.recovery.startswith("The server was restored") and report.digest_ok
        assert not ann.db.has(config.RECOVERY)
        assert ann.db.get(config.CURSOR) == generation.feed_end(server.store.engine.connect())
        notice = reconcile.notice(ann.db)
        assert notice is not None and not notice["active"] and "0 change(s) re-sent" in notice["text"]
    finally:
        ann.close()


def test_a_recovery_interrupted_by_a_lost_connection_runs_again(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    ann = make_device(tmp_path, "ann", server, "ann")
    try:
        backup.backup(server.url, tmp_path / "night.backup", "passphrase")
        child = ann.add_child("Ada", "Okafor", org)
        ann.sync()
        server.close()
        backup.restore(server.url, tmp_path / "night.backup", "passphrase")
        restored = Server(server.url)
        ann.transport.client = restored.client()
        ann.faults.push_lost_before = 0
        with pytest.raises(Offline, match="simulated"):
            ann.sync()  # the reconciliation's push never arrives
        waiting = reconcile.notice(ann.db)
        assert waiting is not None and waiting["active"] and "went back in time" in waiting["text"]
        report = ann.sync()
        assert report.recovery and report.digest_ok
        with restored.store.read() as conn:
            assert conn.execute(select(records.c.row_id).where(records.c.row_id == child)).scalar() == child
        restored.close()
    finally:
        ann.close()
