"""Stored answers to pushed changes, kept whole until the device says it has recorded them.

A push is idempotent by change id: a batch retried after a lost answer is told exactly what it was told the first
time, from the answer the server stored (`Pusher.push`). Once the device has recorded an answer it never sends
that change again, so the answer's versions are no longer needed; a device says which answers it has recorded in
its next push (`PushRequest.recorded`), and each becomes a marker holding only its status: the change id stays
known, so a change sent again later (by a device restored from an old backup, whose outbox still holds it) is
still never applied twice; it is answered with its status and no versions.

The answer is deleted and the marker inserted, not the answer rewritten smaller in place: rewritten rows leave
their pages part empty, and new answers (whose change ids, and rows, always come later) never fill them. Deleted
answers free whole pages, which the next answers and markers reuse. Devices from before never say, and their
answers are kept whole, as before.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete

from casedesk.server.db import applied_changes
from casedesk.server.db.bulk import insert_rows

CHUNK = 500


def acknowledge(conn: Connection, device_id: str, change_ids: Iterable[str]) -> int:
    """Keep only the status of these changes' stored answers (this device's own; any other id is ignored).
    Returns how many answers were compacted."""
    ids = sorted(set(change_ids))
    table = applied_changes.c
    compacted = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        gone = conn.execute(
            delete(applied_changes)
            .where(table.change_id.in_(chunk), table.device_id == device_id)
            .returning(table.change_id, table.result, table.at)
        ).all()
        markers = [
            {
                "change_id": row.change_id,
                "device_id": device_id,
                "result": {"status": row.result["status"]},
                "at": row.at,
            }
            for row in gone
        ]
        insert_rows(conn, applied_changes, markers)
        compacted += sum(1 for row in gone if set(row.result) != {"status"})
    return compacted
