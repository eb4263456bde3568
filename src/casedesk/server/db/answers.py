"""Stored answers to pushed changes, kept whole until the device says it has recorded them.

A push is idempotent by change id: a batch retried after a lost answer is told exactly what it was told the first
time, from the answer the server stored (`given`). Once the device has recorded an answer it never sends that
change again, so the answer's versions are no longer needed; a device says which answers it has recorded in its
next push (`PushRequest.recorded`), and each moves to `recorded_changes`, which keeps only what idempotency needs:
the change id, the device it belongs to (another device's reuse of the id is refused, as before) and the status.
So a change sent again later (by a device restored from an old backup, whose outbox still holds it) is still never
applied twice; it is answered with its status and no versions.

`recorded_changes` is keyed by the change id alone (on SQLite a table without rowid, ids as 16 bytes: see
`compact.CompactId`), with no time: about 40 bytes a change where the marker in `applied_changes`, with its text
ids, time, JSON status and the primary key's index, took about 210. Answers are deleted, not rewritten smaller in
place: deleted answers free whole pages, which the next answers reuse. Devices from before never say, and their
answers are kept whole, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from sqlalchemy import Connection, delete, select

from casedesk.server.db import applied_changes, recorded_changes
from casedesk.server.db.bulk import insert_rows, one_of
from casedesk.server.db.compact import unpack_answer
from casedesk.sync.wire import ChangeResult

CHUNK = 500
STATUSES: tuple[Literal["applied", "conflict"], ...] = (
    "applied",
    "conflict",
)  # `recorded_changes.status` is the index here (refusals are never stored)
OTHERS = "this change id belongs to another device"


def given(conn: Connection, device_id: str, change_ids: Sequence[str]) -> dict[str, ChangeResult]:
    """The answers already given to these changes (well-formed ids only): as first given while the device has
    not recorded them, the status alone once it has, a refusal for another device's change id."""
    done: dict[str, ChangeResult] = {}
    stored = applied_changes.c
    for row in conn.execute(
        select(stored.change_id, stored.device_id, stored.result).where(one_of(conn, stored.change_id, change_ids))
    ):
        if row.device_id == device_id:
            done[row.change_id] = ChangeResult.model_validate(unpack_answer(row.change_id, row.result))
        else:  # a change id is its device's: another device's reuse must not pick up that answer
            done[row.change_id] = ChangeResult(change_id=row.change_id, status="rejected", reason=OTHERS)
    rest = [i for i in change_ids if i not in done]
    if rest:
        marked = recorded_changes.c
        for row in conn.execute(
            select(marked.change_id, marked.device_id, marked.status).where(marked.change_id.in_(rest))
        ):
            if row.device_id == device_id:
                done[row.change_id] = ChangeResult(change_id=row.change_id, status=STATUSES[row.status])
            else:
                done[row.change_id] = ChangeResult(change_id=row.change_id, status="rejected", reason=OTHERS)
    return done


def acknowledge(conn: Connection, device_id: str, change_ids: Iterable[str]) -> int:
    """Keep only what idempotency needs of these changes' stored answers (this device's own; any other id is
    ignored). Returns how many answers were compacted."""
    ids = sorted(set(change_ids))
    table = applied_changes.c
    compacted = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        gone = conn.execute(
            delete(applied_changes)
            .where(one_of(conn, table.change_id, chunk), table.device_id == device_id)
            .returning(table.change_id, table.result)
        ).all()
        markers = [
            {"change_id": row.change_id, "device_id": device_id, "status": STATUSES.index(row.result["status"])}
            for row in gone
        ]
        insert_rows(conn, recorded_changes, markers)
        compacted += sum(1 for row in gone if set(row.result) != {"status"})
    return compacted
