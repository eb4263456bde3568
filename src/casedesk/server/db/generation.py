"""The server database's generation: which history of the change feed this database holds.

Feed sequence numbers are only meaningful within one history. When the database is restored from a backup, the
feed goes back to the backup's end and new changes reuse numbers that devices already saw from the lost history.
So every restore starts a new **generation** (a fresh id) and records the feed position it started from: the
`lineage` is the list of generations this database descends from, each with its `base_seq`. A device compares the
lineage with the generation it last saw and knows exactly which of its versions the server still shares with it
(those at or below the fork) and which it lost (see `casedesk.sync.reconcile`).

Restoring also puts in doubt every referral email the restored database does not know to have been sent: the
lost history may have sent it, and a duplicate safeguarding email is worse than one an administrator checks.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from casedesk.domain.ids import new_id
from casedesk.server.db import ServerDB, feed, meta, records
from casedesk.server.db.recovered import put_in_doubt
from casedesk.sync.wire import GenerationInfo, ServerState

LINEAGE_KEY = "generation.lineage"


def feed_end(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one())


def lineage(conn: Connection) -> list[dict[str, Any]]:
    value = conn.execute(select(meta.c.value).where(meta.c.key == LINEAGE_KEY)).scalar()
    return [] if value is None else list(json.loads(value))


def _store(conn: Connection, chain: list[dict[str, Any]], *, fresh: bool) -> None:
    text = json.dumps(chain)
    if fresh:
        conn.execute(insert(meta).values(key=LINEAGE_KEY, value=text))
    else:
        conn.execute(update(meta).where(meta.c.key == LINEAGE_KEY).values(value=text))


def ensure(store: ServerDB) -> None:
    """Give a database its first generation (at every start; a no-op once it has one). A database from before
    generations existed starts its first one at its current feed end: nothing earlier was ever restored."""
    with store.write(ordered=True) as conn:
        if not lineage(conn):
            first = {"id": new_id(), "base_seq": feed_end(conn), "started_at": _now(), "reason": "first start"}
            _store(conn, [first], fresh=True)


def begin(store: ServerDB, reason: str) -> dict[str, Any]:
    """Start a new generation at the current feed end (after a restore) and hold unconfirmed emails."""
    with store.write(ordered=True) as conn:
        chain = lineage(conn)
        entry = {"id": new_id(), "base_seq": feed_end(conn), "started_at": _now(), "reason": reason[:200]}
        _store(conn, [*chain, entry], fresh=not chain)
        entry["mail_in_doubt"] = hold_unconfirmed_mail(conn)
    return entry


def hold_unconfirmed_mail(conn: Connection) -> int:
    """Every mail request not known to be sent (waiting, being sent, or failed) is put in doubt for a person."""
    now = datetime.now(UTC)
    ids = conn.execute(
        select(records.c.row_id).where(records.c.entity == "mail_requests", records.c.deleted.is_(False))
    ).scalars()
    return sum(put_in_doubt(conn, row_id, now) for row_id in list(ids))


def state(conn: Connection, server_id: str) -> ServerState:
    return ServerState(
        server_id=server_id,
        generation=lineage(conn)[-1]["id"],
        feed_end=feed_end(conn),
        lineage=[GenerationInfo.model_validate(g) for g in lineage(conn)],
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
