"""PostgreSQL's statistics follow the tables as pushes fill them: a server process analyses the tables once the
changes it applied pass half the records table as last analysed, after the push has answered."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from casedesk.domain.ids import new_id
from casedesk.server.db import ServerDB, migrate, planner_stats
from casedesk.sync.wire import ChangeResult
from tests.sync.harness import CHILD, Peer, Server

pytestmark = pytest.mark.slow


def _applied(count: int) -> list[ChangeResult]:
    return [ChangeResult(change_id=f"c{i}", status="applied") for i in range(count)]


def _rows_planned(store: ServerDB) -> float:
    with store.read() as conn:
        return float(conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'records'")).scalar_one())


def test_analysis_is_due_after_enough_applied_changes_and_then_after_half_the_table(pg_url: str) -> None:
    store = ServerDB(pg_url)
    migrate(store.engine)
    watch = planner_stats.GrowthWatch(store, min_changes=10)
    assert not watch.due(_applied(9))
    assert not watch.due([ChangeResult(change_id="x", status="conflict")])  # only applied changes count
    assert watch.due(_applied(1))
    assert not watch.due(_applied(100))  # told once: the analysis is running
    watch.analyse()
    assert _rows_planned(store) == 0  # analysed: an empty table, no longer "never analysed" (-1)
    assert watch.due(_applied(10))
    store.dispose()


def test_a_push_that_fills_the_tables_has_them_analysed(pg_url: str, fast_passwords: None) -> None:
    server = Server(pg_url)
    server.serve()
    peer: Peer | None = None
    try:
        org = server.org("Riverside Academy")
        server.user(org, "ann")
        assert _rows_planned(server.store) == -1  # never analysed
        peer = Peer(server, "ann")
        changes = [peer.change("children", new_id(), "insert", CHILD) for _ in range(planner_stats.MIN_CHANGES)]
        for start in range(0, len(changes), 500):
            assert {r["status"] for r in peer.push(*changes[start : start + 500])} == {"applied"}
        deadline = time.monotonic() + 30
        while _rows_planned(server.store) < planner_stats.MIN_CHANGES and time.monotonic() < deadline:
            time.sleep(0.1)  # the analysis runs after the last push has been answered
        assert _rows_planned(server.store) >= planner_stats.MIN_CHANGES
    finally:
        if peer is not None:
            peer.close()
        server.close()
