"""The device side of push: read the outbox in order, and record what the server said about each change.

States: `pending` (waiting), `applied`, `conflict` (the server kept a decision for a person), `rejected`
(set aside with the server's reason; shown to the user, never blocking what comes after it).
A change that cannot even be put on the wire is set aside here, before it is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update

from casedesk import jsontext
from casedesk.store.database import Database
from casedesk.store.models import APPEND_ONLY_TABLES, SYNCED_TABLES, OutboxRow
from casedesk.store.tables import mapped_table

_outbox = mapped_table(OutboxRow)


@dataclass(frozen=True, slots=True)
class SetAside:
    """A change the server refused (or that could not be sent), with the reason."""

    change_id: str
    entity: str
    row_id: str
    op: str
    fields: dict[str, Any]
    author: str
    created_at: datetime
    reason: str


def pending_batch(db: Database, limit: int) -> list[dict[str, Any]]:
    """The oldest pending changes, in the order they were made, as wire dictionaries."""
    return pending_after(db, limit, 0)[0]


_PENDING = (
    "SELECT seq, change_id, entity, row_id, op, fields, base_versions, hlc, device_id, author FROM outbox"
    " WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?"
)


def pending_after(db: Database, limit: int, after: int) -> tuple[list[dict[str, Any]], int]:
    """The oldest pending changes made after outbox position `after`, in the order they were made, as wire
    dictionaries; and the position of the last one (to read the next batch while this one is in flight).

    Read through the driver's cursor, only the columns the wire needs: reading whole outbox rows through
    SQLAlchemy (times converted, every value processed) took as long as the server took to apply them."""
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(_PENDING, (after, limit)).fetchall()
    batch = [
        {
            "change_id": change_id,
            "entity": entity,
            "row_id": row_id,
            "op": op,
            "fields": _json(fields),
            "base_versions": _json(base_versions),
            "hlc": hlc,
            "device_id": device_id,
            "author": author,
        }
        for _, change_id, entity, row_id, op, fields, base_versions, hlc, device_id, author in rows
    ]
    return batch, (int(rows[-1][0]) if rows else after)


def _json(text: str | None) -> Any:
    """A JSON column's value, read as the column type reads it."""
    return None if text is None else jsontext.loads(text)


def set_aside_locally(db: Database, change_id: str, reason: str) -> None:
    with db._write_lock, db.engine.begin() as conn:
        conn.execute(
            update(_outbox).where(_outbox.c.change_id == change_id).values(state="rejected", last_error=reason)
        )


_MARK = "UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1 WHERE change_id = ?"
# An acknowledged change is marked and compacted at once: its values and base versions are dropped, the entry kept
# (id, record, operation, clock, author, state). Nothing sends them again: a push retried after a lost answer still
# holds them (it was never marked), the server answers a repeated change id from its own record of it, and the
# values live on in the rows and the audit log. Without this a recording device kept a second copy of everything
# it ever wrote. Set-aside changes keep theirs, to be shown and retried.
_MARK_COMPACTED = (
    "UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1, fields = '{}', base_versions = '{}'"
    " WHERE change_id = ?"
)


def record_results(db: Database, sent: list[dict[str, Any]], results: Iterable[Any]) -> dict[str, int]:
    """Mark each sent change with the server's answer and store the new field versions, in one transaction.

    Versions matter: the next local edit of a field must name the version the server gave this one as its
    base, or it would look stale. Fields the server did not take (a lost conflict) keep their old version, so
    the winning value still arrives on the next pull.

    An acknowledged change is compacted in the same transaction (`_MARK_COMPACTED`): it will never be sent again.
    """
    by_id = {c["change_id"]: c for c in sent}
    counts = {"applied": 0, "conflict": 0, "rejected": 0}
    marks: list[dict[str, Any]] = []
    versions_by_row: dict[tuple[str, str], dict[str, int]] = {}
    for result in results:
        change = by_id.get(result.change_id)
        if change is None:
            continue
        counts[result.status] += 1
        marks.append({"cid": result.change_id, "st": result.status, "err": result.reason})
        entity = change["entity"]
        if result.versions and entity in SYNCED_TABLES and entity not in APPEND_ONLY_TABLES:
            seen = versions_by_row.setdefault((entity, change["row_id"]), {})
            for name, version in result.versions.items():
                seen[name] = max(int(version), seen.get(name, 0))
    with db._write_lock, db.engine.begin() as conn:
        # one statement marks and compacts an acknowledged change (`_MARK_COMPACTED`), one marks a refused one
        acknowledged = [(m["st"], m["err"], m["cid"]) for m in marks if m["st"] in ("applied", "conflict")]
        refused = [(m["st"], m["err"], m["cid"]) for m in marks if m["st"] not in ("applied", "conflict")]
        if acknowledged:
            conn.exec_driver_sql(_MARK_COMPACTED, acknowledged)
        if refused:
            conn.exec_driver_sql(_MARK, refused)
        for entity in {e for e, _ in versions_by_row}:
            table = mapped_table(SYNCED_TABLES[entity])
            wanted = {row_id: v for (e, row_id), v in versions_by_row.items() if e == entity}
            ids = list(wanted)
            updates = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for row_id, held in conn.execute(select(table.c.id, table.c.versions).where(table.c.id.in_(chunk))):
                    merged = dict(held)
                    for name, version in wanted[row_id].items():
                        if version > int(merged.get(name, 0)):
                            merged[name] = version
                    if merged != held:
                        updates.append({"rid": row_id, "v": merged})
            if updates:
                conn.execute(
                    update(table).where(table.c.id == bindparam("rid")).values(versions=bindparam("v")), updates
                )
    return counts


def count_by_state(db: Database) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(select(_outbox.c.state, func.count()).group_by(_outbox.c.state)).all()
    return {state: int(n) for state, n in rows}


def set_aside(db: Database) -> list[SetAside]:
    with db.session() as session:
        rows = session.execute(select(_outbox).where(_outbox.c.state == "rejected").order_by(_outbox.c.seq)).all()
    return [
        SetAside(r.change_id, r.entity, r.row_id, r.op, r.fields, r.author, r.created_at, r.last_error or "")
        for r in rows
    ]


def retry(db: Database, change_id: str) -> None:
    """Put a set-aside change back in the queue (after the cause was fixed, e.g. the referenced record)."""
    with db._write_lock, db.engine.begin() as conn:
        conn.execute(
            update(_outbox)
            .where(_outbox.c.change_id == change_id, _outbox.c.state == "rejected")
            .values(state="pending", last_error=None)
        )


def held_back_row_ids(db: Database) -> set[str]:
    """Rows with changes still pending or set aside: they differ from the server on purpose."""
    with db.session() as session:
        return held_back_rows(session)


def held_back_rows(conn: Any) -> set[str]:
    """`held_back_row_ids` inside the caller's transaction (a connection or a session)."""
    query = select(_outbox.c.row_id).where(_outbox.c.state.in_(("pending", "rejected"))).distinct()
    return set(conn.execute(query).scalars())


def pending_fields(conn: Any) -> dict[tuple[str, str], set[str]]:
    """(entity, row id) → fields with a local edit not yet pushed: a pull must not overwrite those."""
    out: dict[tuple[str, str], set[str]] = {}
    rows = conn.execute(
        select(_outbox.c.entity, _outbox.c.row_id, _outbox.c.fields).where(_outbox.c.state == "pending")
    )
    for entity, row_id, fields in rows:
        out.setdefault((entity, row_id), set()).update(fields)
    return out


def forget_rows(conn: Any, row_ids: Iterable[str]) -> None:
    """Drop finished outbox entries of rows that left the device (they hold the rows' values). Set-aside changes
    stay, with the server's reason, so a person sees what was refused rather than losing it silently."""
    ids = list(row_ids)
    for start in range(0, len(ids), 500):
        conn.execute(
            delete(_outbox).where(
                _outbox.c.row_id.in_(ids[start : start + 500]), _outbox.c.state.in_(("applied", "conflict"))
            )
        )
