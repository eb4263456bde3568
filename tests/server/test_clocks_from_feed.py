"""A record's writes leave out the clocks the change feed holds, and get them back exactly (issue 14: server
size); migration 0018 converts a database from before, and back; a conflict still names the held clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from casedesk.server.db import migrate
from casedesk.server.db.clocks import borrowed, feed_clocks, lend, restore
from casedesk.server.db.compact import pack_writes, unpack_versions
from tests.server.storage_steps import alembic_step, casework, first_sync
from tests.sync.harness import Server

BEFORE = "0017"
RECORDS = sa.table(  # as stored, not through the server's own types
    "records",
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("data", sa.JSON),
    sa.column("versions", sa.JSON),
    sa.column("writes", sa.JSON),
)
CLOCKS = {5: "h5", 7: "h7", 9: "h9"}


@pytest.mark.parametrize(
    ("versions", "hlcs", "authors", "stored"),
    [
        ({"a": 5, "b": 5}, {"a": "h5", "b": "h5"}, {"a": "ann", "b": "ann"}, "ann"),  # one write
        ({"a": 5, "b": 7}, {"a": "h5", "b": "h7"}, {"a": "ann", "b": "ann"}, "ann"),  # two, one author
        ({"a": 5, "b": 7}, {"a": "h5", "b": "h7"}, {"a": "ann", "b": "bob"}, {"5": "ann", "7": "bob"}),
        ({"a": 5, "b": 7}, {"a": "h5", "b": "hX"}, {"a": "ann", "b": "bob"}, {"5": "ann", "7": ["hX", "bob"]}),
        ({"a": 5, "b": 8}, {"a": "h5", "b": "h8"}, {"a": "ann", "b": "ann"}, {"5": "ann", "8": ["h8", "ann"]}),
        ({"a": 5, "deleted": 9}, {"a": "h5"}, {"a": "ann"}, {"5": "ann"}),  # a version with no clock: not lent
        ({"a": 5, "b": 5}, {"a": "h5", "b": "h9"}, {"a": "ann", "b": "ann"}, None),  # a clock of its own
        ({"a": 5}, {"a": "h5"}, {}, {"5": ["h5", None]}),  # no author
        ({}, {}, {}, {}),
    ],
)
def test_every_clock_comes_back_exactly(
    versions: dict[str, int], hlcs: dict[str, str], authors: dict[str, str], stored: Any
) -> None:
    writes = pack_writes(versions, hlcs, authors)
    lent = lend(versions, writes, CLOCKS)
    if stored is not None:
        assert lent == stored
    assert borrowed(versions, lent) <= CLOCKS.keys()
    assert restore(versions, lent, CLOCKS) == writes


def test_a_clock_the_feed_lacks_is_a_clear_error(any_server: Server, tmp_path: Path) -> None:
    a, _org = casework(any_server, tmp_path)
    with any_server.store.engine.connect() as conn, pytest.raises(LookupError, match="feed items missing"):
        feed_clocks(conn, [10**9])
    a.close()


def _stored(server: Server) -> dict[tuple[str, str], Any]:
    with server.store.engine.connect() as conn:
        return {(r.entity, r.row_id): r for r in conn.execute(sa.select(RECORDS))}


def test_migration_converts_writes_both_ways(any_server: Server, tmp_path: Path) -> None:
    a, _org = casework(any_server, tmp_path)
    now = first_sync(any_server, tmp_path, "ben")
    after = _stored(any_server)
    assert {r.writes for (entity, _), r in after.items() if entity == "events"} == {"ann"}

    alembic_step(any_server, "downgrade", BEFORE)
    before = _stored(any_server)
    with any_server.store.engine.connect() as conn:
        for key, row in before.items():
            versions = unpack_versions(row.versions, row.data)
            held = after[key].writes
            assert row.writes == restore(versions, held, feed_clocks(conn, borrowed(versions, held)))
            assert all(type(pair) is list for pair in row.writes.values())  # every clock, as schema 0017 keeps it
    migrate(any_server.store.engine)  # what a server does when it starts
    assert {k: r.writes for k, r in _stored(any_server).items()} == {k: r.writes for k, r in after.items()}
    assert first_sync(any_server, tmp_path, "cy") == now
    a.close()
