"""A record's versions are stored against its data: the version alone when one change wrote every field, else
the version most fields hold and the exceptions (issue 14: server size); migration 0016 converts a database from
before, and back, and what a device pulls is the same either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from casedesk.server.db import migrate
from casedesk.server.db.compact import group, pack_versions, ungroup, unpack_versions
from tests.server.storage_steps import alembic_step, casework, first_sync
from tests.sync.harness import Server

BEFORE = "0015"
RECORDS = sa.table(  # as stored, not through the server's own types
    "records",
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("data", sa.JSON),
    sa.column("versions", sa.JSON),
)


@pytest.mark.parametrize(
    ("versions", "data"),
    [
        ({"a": 5, "b": 5}, {"a": 1, "b": 2}),  # one write
        ({"a": 5, "b": 9, "c": 5}, {"a": 1, "b": 2, "c": 3}),  # edited since
        ({"a": 5, "b": 5, "deleted": 9}, {"a": 1, "b": 2}),  # a version for no field of the data
        ({"a": 5}, {"a": 1, "b": 2}),  # a field of the data without a version
        ({"a": 5, "b": 5}, {"b": 2, "a": 1}),  # the data's fields in another order
        ({"x": 5}, {}),
        ({}, {"a": 1}),
        ({}, {}),
        ({"a": 5, "b": "5"}, {"a": 1, "b": 2}),  # not whole numbers: grouped, as before
        ({"a": True, "b": 1}, {"a": 1, "b": 2}),
    ],
)
def test_every_version_map_comes_back_exactly(versions: dict[str, Any], data: dict[str, Any]) -> None:
    back = unpack_versions(pack_versions(versions, data), data)
    assert back == versions and {k: type(v) for k, v in back.items()} == {k: type(v) for k, v in versions.items()}


def test_one_write_is_its_version_alone_and_an_edit_its_exceptions() -> None:
    data = {f"field_{i}": i for i in range(25)}
    assert pack_versions(dict.fromkeys(data, 41), data) == 41
    assert pack_versions({**dict.fromkeys(data, 41), "field_3": 120}, data) == [41, [[120, ["field_3"]]]]
    assert unpack_versions([[41, ["a", "b"]]], {"a": 1}) == {"a": 41, "b": 41}  # grouped, from before
    assert unpack_versions({"a": 41}, {"a": 1, "b": 2}) == {"a": 41}  # a plain map, from before


def _stored(server: Server) -> dict[tuple[str, str], Any]:
    with server.store.engine.connect() as conn:
        return {(r.entity, r.row_id): (r.data, r.versions) for r in conn.execute(sa.select(RECORDS))}


def test_migration_converts_versions_both_ways(any_server: Server, tmp_path: Path) -> None:
    a, _org = casework(any_server, tmp_path)
    after = _stored(any_server)
    child = next(key for key in after if key[0] == "children")
    assert type(after[child][1]) is list and len(after[child][1]) == 2  # the insert's version and the edit
    assert all(type(v) is int for key, (_, v) in after.items() if key[0] == "events")

    alembic_step(any_server, "downgrade", BEFORE)
    before = _stored(any_server)
    assert before.keys() == after.keys()
    for key, (data, grouped) in before.items():
        assert isinstance(grouped, list) and isinstance(grouped[0], list)  # as schema 0015 stores them
        assert ungroup(grouped) == unpack_versions(after[key][1], data)

    # a record whose versions could not be packed stays grouped through the upgrade, and comes back the same
    odd = {**ungroup(before[child][1]), "town": "7"}
    with any_server.store.engine.begin() as conn:
        conn.execute(
            sa.update(RECORDS)
            .where(RECORDS.c.entity == child[0], RECORDS.c.row_id == child[1])
            .values(versions=group(odd))
        )
    migrate(any_server.store.engine)  # what a server does when it starts
    converted = _stored(any_server)
    assert {k: v for k, v in converted.items() if k != child} == {k: v for k, v in after.items() if k != child}
    assert ungroup(converted[child][1]) == odd
    alembic_step(any_server, "downgrade", BEFORE)
    assert ungroup(_stored(any_server)[child][1]) == odd
    migrate(any_server.store.engine)
    a.close()


def test_a_device_pulls_the_same_versions_from_a_database_converted_from_before(
    any_server: Server, tmp_path: Path
) -> None:
    a, _org = casework(any_server, tmp_path)
    now = first_sync(any_server, tmp_path, "ben")
    alembic_step(any_server, "downgrade", BEFORE)
    migrate(any_server.store.engine)
    again = first_sync(any_server, tmp_path, "cy")
    assert again == now
    assert now["children"][0]["child"]["preferred_name"] == "Addie"
    a.close()
