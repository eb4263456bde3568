"""A push's rows go in as one `executemany` (SQLite) or one `COPY` (PostgreSQL): every value stored as an INSERT
stores it, and a column a row leaves out takes its default."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from casedesk.server.db import applied_changes, records
from casedesk.server.db.bulk import insert_rows
from casedesk.server.db.compact import ungroup
from tests.sync.harness import Server


def test_rows_read_back_as_written(any_server: Server) -> None:
    data = {"summary": 'Ünïcode, "quotes", tab\t and a line\nbreak', "big": 2**80, "ratio": 0.1, "none": None}
    rows = [
        {
            "entity": "events",
            "row_id": f"0193a0b2-8f1e-7a2b-9c3d-4e5f6071820{i}",
            "child_id": None,
            "created_by_org": None,
            "created_seq": i,
            "data": {**data, "n": i},
            "versions": {"summary": i, "big": i},
            "writes": {str(i): ["0000000000001-000000-device", "ann"]},
            **({"deleted": True} if i == 2 else {}),  # the others leave it out
        }
        for i in range(1, 4)
    ]
    at = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    with any_server.store.write() as conn:
        insert_rows(conn, records, rows)
        insert_rows(
            conn, applied_changes, [{"change_id": "c1", "device_id": "d1", "result": {"status": "applied"}, "at": at}]
        )
    with any_server.store.read() as conn:
        held = {r.created_seq: r for r in conn.execute(sa.select(records).where(records.c.entity == "events"))}
        answer = conn.execute(sa.select(applied_changes)).one()
    assert [held[i].data for i in (1, 2, 3)] == [{**data, "n": i} for i in (1, 2, 3)]
    assert [held[i].deleted for i in (1, 2, 3)] == [False, True, False]
    assert ungroup(held[3].versions) == {"summary": 3, "big": 3} and held[3].writes == {
        "3": ["0000000000001-000000-device", "ann"]
    }
    assert (
        answer.result == {"status": "applied"}
        and (answer.at if answer.at.tzinfo else answer.at.replace(tzinfo=UTC)) == at
    )
