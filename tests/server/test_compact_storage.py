"""The server stores per-field versions, clocks and authors grouped by value, inserts' feed items without a copy of
the values, and packed answers (issue 14: server size); migration 0008 converts a database from before, and back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from casedesk.server.db import migrate
from casedesk.server.db.compact import group, ungroup
from casedesk.server.db.push import Pusher
from casedesk.sync.wire import ChangeResult
from tests.server.storage_steps import alembic_step, casework, first_sync
from tests.sync.harness import Server

RECORDS = sa.table(  # as schema v8 to v14 stored records (v15 keeps clocks and authors per write: `writes`)
    "records",
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("created_seq", sa.Integer),
    sa.column("data", sa.JSON),
    sa.column("versions", sa.JSON),
    sa.column("hlcs", sa.JSON),
    sa.column("authors", sa.JSON),
)
BEFORE_WRITES = "0014"  # the newest schema with per-field clocks and authors
FEED = sa.table(
    "feed",
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("row_id", sa.String),
    sa.column("fields", sa.JSON),
)
ANSWERS = sa.table("applied_changes", sa.column("change_id", sa.String), sa.column("result", sa.JSON))


def stored(server: Server) -> dict[str, Any]:
    """Everything the compaction touches, as the database holds it (not through the server's own types)."""
    with server.store.engine.connect() as conn:
        records = {(r.entity, r.row_id): r for r in conn.execute(sa.select(RECORDS))}
        feed = {r.seq: (r.kind, r.row_id, r.fields) for r in conn.execute(sa.select(FEED))}
        answers = {r.change_id: r.result for r in conn.execute(sa.select(ANSWERS))}
    return {"records": records, "feed": feed, "answers": answers}


def test_grouping_gives_every_map_back_exactly() -> None:
    for values in ({"a": 3, "b": 3, "c": 9}, {"a": True, "b": 1, "c": 1.0}, {}, {"a": None}, {"a": [1], "b": 2}):
        assert ungroup(group(values)) == values
        assert [type(v) for v in ungroup(group(values)).values()] == [type(v) for v in values.values()]
    assert group({"x": 7, "y": 7, "z": 7}) == [[7, ["x", "y", "z"]]]


def test_stored_compactly_and_pulled_as_before(any_server: Server, tmp_path: Path) -> None:
    a, _org = casework(any_server, tmp_path)
    alembic_step(any_server, "downgrade", BEFORE_WRITES)
    held = stored(any_server)
    child = next(r for (entity, _), r in held["records"].items() if entity == "children")
    assert isinstance(child.versions, list) and isinstance(child.hlcs, list) and isinstance(child.authors, list)
    assert len(child.hlcs) == 2  # one clock for the insert's fields, one for the edit
    inserts = [
        r.created_seq for (entity, _), r in held["records"].items() if entity in ("children", "involvements", "events")
    ]
    assert len(inserts) == 3 and all(held["feed"][seq][2] == {} for seq in inserts)  # values live in the record only
    assert all("change_id" not in answer for answer in held["answers"].values())

    migrate(any_server.store.engine)
    b = first_sync(any_server, tmp_path, "ben")
    (record,) = b["children"]
    assert record["child"]["preferred_name"] == "Addie" and record["child"]["given_name"] == "Ada"
    assert [e["summary"] for e in record["events"]] == ["Seen at school"]
    a.close()


def test_a_retried_change_is_answered_as_first_time(any_server: Server, tmp_path: Path) -> None:
    a, org = casework(any_server, tmp_path)
    with any_server.store.engine.connect() as conn:
        child = conn.execute(sa.text("select row_id from records where entity = 'children'")).scalar_one()
    change = {
        "change_id": "0193a0b2-8f1e-7a2b-9c3d-4e5f60718293",
        "entity": "children",
        "row_id": child,
        "op": "update",
        "fields": {"town": "Leeds", "postcode": "LS1 4AP"},
        "base_versions": {},
        "hlc": f"1999999999999-000000-{a.db.device_id}",
        "device_id": a.db.device_id,
        "author": "ann",
    }
    answers = []
    for _ in range(2):
        with any_server.store.write(ordered=True) as conn:
            answers.append(Pusher(conn, a.db.device_id, org).push([change]))
    first, again = answers
    assert first == again and first[0].status == "applied" and set(first[0].versions) == {"town", "postcode"}
    assert isinstance(first[0], ChangeResult)
    a.close()


def test_migration_converts_a_database_from_before(any_server: Server, tmp_path: Path) -> None:
    a, _org = casework(any_server, tmp_path)
    alembic_step(any_server, "downgrade", BEFORE_WRITES)
    compact = stored(any_server)
    alembic_step(any_server, "downgrade", "0007")
    before = stored(any_server)  # as a server of schema 0007 stored it
    for key, row in before["records"].items():
        assert isinstance(row.versions, dict) and row.versions == ungroup(compact["records"][key].versions)
        assert row.hlcs == ungroup(compact["records"][key].hlcs) and isinstance(row.hlcs, dict)
        if row.created_seq in before["feed"]:
            assert before["feed"][row.created_seq][2] == row.data  # the insert's item held the values
    assert all(answer["change_id"] == change_id for change_id, answer in before["answers"].items())

    alembic_step(any_server, "upgrade", BEFORE_WRITES)
    assert stored(any_server) == compact
    migrate(any_server.store.engine)  # what a server does when it starts
    b = first_sync(any_server, tmp_path, "ben")
    assert b["children"][0]["child"]["preferred_name"] == "Addie"
    a.close()
