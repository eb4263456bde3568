"""A record keeps each write's clock and author once, by version, not once per field (issue 14: server size);
migration 0015 converts a database from before, and back, and a conflict still names the clock and author of
the value the server held."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from casedesk.domain.ids import new_id
from casedesk.server.db import SQLITE_PAGE_SIZE, ServerDB, conflicts, migrate, records
from casedesk.server.db.clocks import borrowed, feed_clocks, restore
from casedesk.server.db.compact import group, pack_writes, ungroup, unpack_versions, unpack_writes
from casedesk.server.db.push import Pusher
from tests.server.storage_steps import alembic_step, casework
from tests.sync.harness import Server, wire_change

BEFORE = "0014"
PER_FIELD = sa.table(
    "records",
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("versions", sa.JSON),
    sa.column("hlcs", sa.JSON),
    sa.column("authors", sa.JSON),
)
PER_WRITE = sa.table(
    "records",
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("data", sa.JSON),
    sa.column("versions", sa.JSON),
    sa.column("writes", sa.JSON),
)


@pytest.mark.parametrize(
    ("versions", "hlcs", "authors"),
    [
        ({"a": 5, "b": 5, "deleted": 9}, {"a": "h1", "b": "h1"}, {"a": "ann", "b": "ann"}),
        ({"a": 5, "b": 7}, {"a": "h1", "b": "h2"}, {"a": "ann", "b": "bob"}),
        ({"a": 5, "b": 5}, {"a": "h1", "b": "h9"}, {"a": "ann", "b": "ann"}),  # a clock of its own
        ({"a": 5, "b": 5}, {"a": "h1"}, {"a": "ann", "b": "ann"}),  # no clock at all
        ({"a": 5}, {"a": "h1", "z": "hz"}, {}),  # a clock without a version
        ({"a": 5, "b": 5}, {"b": "h"}, {"b": "x"}),
        ({}, {}, {}),
    ],
)
def test_every_clock_and_author_comes_back_exactly(
    versions: dict[str, int], hlcs: dict[str, str], authors: dict[str, str]
) -> None:
    assert unpack_writes(versions, pack_writes(versions, hlcs, authors)) == (hlcs, authors)


def test_one_write_is_stored_once_whatever_its_fields() -> None:
    fields = [f"field_{i}" for i in range(25)]
    writes = pack_writes(dict.fromkeys(fields, 41), dict.fromkeys(fields, "h41"), dict.fromkeys(fields, "ann"))
    assert writes == {"41": ["h41", "ann"]}


def _per_field(server: Server) -> dict[tuple[str, str], Any]:
    with server.store.engine.connect() as conn:
        return {
            (r.entity, r.row_id): (ungroup(r.versions), ungroup(r.hlcs), ungroup(r.authors))
            for r in conn.execute(sa.select(PER_FIELD))
        }


def _per_write(server: Server) -> dict[tuple[str, str], Any]:
    """Each record's writes as `pack_writes` makes them (the clocks left to the feed taken back from it)."""
    with server.store.engine.connect() as conn:
        rows = conn.execute(sa.select(PER_WRITE)).all()
        versions = {(r.entity, r.row_id): unpack_versions(r.versions, r.data) for r in rows}
        clocks = feed_clocks(conn, set().union(*(borrowed(versions[r.entity, r.row_id], r.writes) for r in rows)))
    return {(r.entity, r.row_id): restore(versions[r.entity, r.row_id], r.writes, clocks) for r in rows}


def test_migration_converts_clocks_and_authors_both_ways(any_server: Server, tmp_path: Path) -> None:
    a, _org = casework(any_server, tmp_path)
    after = _per_write(any_server)
    child = next(key for key in after if key[0] == "children")
    assert len(after[child]) == 2  # the insert and the edit: one clock and author each

    alembic_step(any_server, "downgrade", BEFORE)
    before = _per_field(any_server)
    assert before.keys() == after.keys()
    versions, hlcs, authors = before[child]
    assert set(hlcs.values()) == {clock for clock, _ in after[child].values()} and set(authors.values()) == {"ann"}
    assert hlcs["preferred_name"] != hlcs["given_name"]  # edited later, by another change

    # a field whose clock is not its version's (kept exactly, though this server never writes one)
    odd_hlcs = {**hlcs, "town": "0000000000001-000000-elsewhere"}
    with any_server.store.engine.begin() as conn:
        conn.execute(
            sa.update(PER_FIELD)
            .where(PER_FIELD.c.entity == child[0], PER_FIELD.c.row_id == child[1])
            .values(hlcs=group(odd_hlcs))
        )
    migrate(any_server.store.engine)  # what a server does when it starts
    converted = _per_write(any_server)
    assert converted[child]["fields"] == {"town": ["0000000000001-000000-elsewhere", authors.get("town")]}
    assert {key: w for key, w in converted.items() if key != child} == {k: w for k, w in after.items() if k != child}

    alembic_step(any_server, "downgrade", BEFORE)
    assert _per_field(any_server)[child] == (versions, odd_hlcs, authors)
    migrate(any_server.store.engine)
    a.close()


def test_a_conflict_names_the_clock_and_author_the_server_held(any_server: Server, tmp_path: Path) -> None:
    a, org = casework(any_server, tmp_path)
    with any_server.store.engine.connect() as conn:
        child = conn.execute(sa.text("select row_id from records where entity = 'children'")).scalar_one()
    held_hlc = f"1999999999998-000000-{a.db.device_id}"
    change = {
        "entity": "children",
        "row_id": child,
        "op": "update",
        "base_versions": {},
        "device_id": a.db.device_id,
    }
    with any_server.store.write(ordered=True) as conn:
        first = Pusher(conn, a.db.device_id, org).push(
            [
                {
                    **change,
                    "change_id": "0193a0b2-8f1e-7a2b-9c3d-4e5f60718201",
                    "fields": {"town": "Leeds"},
                    "hlc": held_hlc,
                    "author": "ann",
                }
            ]
        )
    assert first[0].status == "applied"
    other_device = "0193a0b2-0000-7000-8000-000000000002"
    with any_server.store.write(ordered=True) as conn:
        second = Pusher(conn, other_device, org).push(
            [
                {
                    **change,
                    "change_id": "0193a0b2-8f1e-7a2b-9c3d-4e5f60718202",
                    "fields": {"town": "York"},
                    "base_versions": {"town": 1},
                    "hlc": f"1999999999999-000000-{other_device}",
                    "device_id": other_device,
                    "author": "ben",
                }
            ]
        )
    assert second[0].status == "conflict"
    with any_server.store.engine.connect() as conn:
        (candidates,) = conn.execute(sa.select(conflicts.c.candidates).where(conflicts.c.row_id == child)).one()
    assert {"value": "Leeds", "hlc": held_hlc, "device_id": a.db.device_id, "author": "ann"} in candidates
    a.close()


def test_a_pushed_insert_stores_its_one_write_and_an_edit_in_the_same_batch_its_own(
    any_server: Server, tmp_path: Path
) -> None:
    """An insert's clock and author are stored straight from the change (not worked out from per-field maps);
    a record the same batch edits again is stored as `pack_writes` makes of it."""
    a, org = casework(any_server, tmp_path)
    child, other = new_id(), new_id()
    device = a.db.device_id
    inserted = {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": "2015-03-01"}
    with any_server.store.write(ordered=True) as conn:
        results = Pusher(conn, device, org).push(
            [
                {**wire_change(device, "children", child, "insert", inserted), "author": "ann"},
                {**wire_change(device, "children", other, "insert", inserted), "author": "ann"},
                {**wire_change(device, "children", other, "update", {"town": "York"}), "author": "ben"},
            ]
        )
    assert [r.status for r in results] == ["applied"] * 3
    with any_server.store.engine.connect() as conn:
        stored = {
            r.row_id: (unpack_versions(r.versions, r.data), r.writes)
            for r in conn.execute(sa.select(records).where(records.c.row_id.in_([child, other])))
        }
        versions, writes = stored[child]
        assert writes == "ann"  # one write, its clock the feed item's: the author alone
        (seq,) = set(versions.values())
        writes = restore(versions, writes, feed_clocks(conn, [seq]))
        assert list(writes) == [str(seq)] and writes[str(seq)][1] == "ann" and writes[str(seq)][0].endswith(device)
        versions, writes = stored[other]
        assert sorted(writes.values()) == ["ann", "ben"]  # two writes, each its author alone
        writes = restore(versions, writes, feed_clocks(conn, borrowed(versions, writes)))
    hlcs, authors = unpack_writes(versions, writes)
    assert authors["town"] == "ben" and authors["given_name"] == "ann"
    assert versions["town"] > versions["given_name"] and hlcs["town"] > hlcs["given_name"]
    assert writes == pack_writes(versions, hlcs, authors)
    a.close()


def test_a_new_sqlite_database_gets_large_pages_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    for name, existing in (("new.db", None), ("old.db", 4096)):
        if existing:
            with sqlite3.connect(tmp_path / name) as conn:
                conn.execute(f"PRAGMA page_size = {existing}")
                conn.execute("create table other (x)")
        store = ServerDB(f"sqlite:///{tmp_path / name}")
        with store.read() as conn:
            size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
        store.dispose()
        assert size == (existing or SQLITE_PAGE_SIZE)
