"""The device's database work for recovering from a restore (of the server, or of this device): the SQL half of
`casedesk.sync.reconcile`, which decides what to re-send and what to take.

Everything here is read from, or written to, the device's own state — never the outbox's history, which may
have been compacted: a row's fields, their `versions`, its `updated_at`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from casedesk import config
from casedesk.config import Setting
from casedesk.store import settings
from casedesk.store.database import Database
from casedesk.store.journal import tallies
from casedesk.store.journal.outbox import pending_fields
from casedesk.store.journal.pulled_rows import apply_rows, from_wire, table_of
from casedesk.store.journal.wire_values import to_json_value
from casedesk.store.models import OutboxRow
from casedesk.store.tables import mapped_table
from casedesk.store.uow import BOOKKEEPING

_outbox = mapped_table(OutboxRow)


@dataclass(frozen=True, slots=True)
class LocalRow:
    row_id: str
    deleted: bool
    versions: dict[str, int]
    values: dict[str, Any]  # JSON-safe, as they travel
    updated_at: datetime


def local_rows(db: Database, entity: str) -> Iterator[LocalRow]:
    table = table_of(entity)
    names = [c.name for c in table.c if c.name not in BOOKKEEPING]
    query = select(table.c.id, table.c.deleted, table.c.versions, table.c.updated_at, *(table.c[n] for n in names))
    with db.engine.connect() as conn:
        for row in conn.execute(query.order_by(table.c.id)):
            yield LocalRow(
                row.id,
                bool(row.deleted),
                {k: int(v) for k, v in dict(row.versions or {}).items()},
                {n: to_json_value(getattr(row, n)) for n in names},
                row.updated_at,
            )


def pending(db: Database) -> dict[tuple[str, str], set[str]]:
    """(entity, row id) → fields with a local edit waiting in the outbox (the ordinary push sends those)."""
    with db.engine.connect() as conn:
        return pending_fields(conn)


def adopt(db: Database, entity: str, updates: list[dict[str, Any]], missing: list[Any]) -> None:
    """In one transaction: write the server's values and versions into rows (`updates`: row_id, values,
    versions, optional deleted) and insert the rows the device lacks (`missing`: pulled items)."""
    table = table_of(entity)
    now = datetime.now(UTC)
    with db._write_lock, db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        with tallies.moving(conn, entity, [change["row_id"] for change in updates]):
            for change in updates:
                values = {k: from_wire(table, k, v) for k, v in change["values"].items() if k in table.c}
                if "deleted" in change:
                    values["deleted"] = change["deleted"]
                conn.execute(
                    update(table)
                    .where(table.c.id == change["row_id"])
                    .values(**values, versions=change["versions"], updated_at=now)
                )
        if missing:
            apply_rows(conn, missing, pending_fields(conn))


def set_versions(db: Database, entity: str, versions: dict[str, dict[str, int]]) -> None:
    """Overwrite the named fields' versions (a re-sent field takes the version the restored server gave it)."""
    table = table_of(entity)
    with db._write_lock, db.engine.begin() as conn:
        updates = []
        for row_id, held in conn.execute(
            select(table.c.id, table.c.versions).where(table.c.id.in_(sorted(versions)))
        ).all():
            updates.append({"rid": row_id, "v": {**dict(held or {}), **versions[row_id]}})
        if updates:
            conn.execute(update(table).where(table.c.id == bindparam("rid")).values(versions=bindparam("v")), updates)


def rebase_pending(db: Database, fork: int, server_versions: dict[tuple[str, str], dict[str, int]]) -> int:
    """Pending edits made from a version the restored server never had are rebased: onto the server's version
    when the server has not changed the field since the fork (the edit applies), else onto the fork (the server
    weighs it against the newer value: a conflict, recorded as usual). Returns how many changes moved."""
    moved = 0
    with db._write_lock, db.engine.begin() as conn:
        rows = conn.execute(
            select(_outbox.c.change_id, _outbox.c.entity, _outbox.c.row_id, _outbox.c.base_versions).where(
                _outbox.c.state == "pending"
            )
        ).all()
        for change_id, entity, row_id, bases in rows:
            held = server_versions.get((entity, row_id), {})
            rebased = {
                name: (int(held.get(name, 0)) if int(held.get(name, 0)) <= fork else fork) if base > fork else base
                for name, base in dict(bases or {}).items()
            }
            if rebased != bases:
                conn.execute(update(_outbox).where(_outbox.c.change_id == change_id).values(base_versions=rebased))
                moved += 1
    return moved


def set_aside_recovered(db: Database, change: dict[str, Any], reason: str) -> None:
    """A re-sent change the server refused is kept and shown, like any refused change: never dropped."""
    with db._write_lock, db.engine.begin() as conn:
        conn.execute(
            insert(_outbox).values(
                **{k: v for k, v in change.items() if k in _outbox.c},
                created_at=datetime.now(UTC),
                state="rejected",
                attempts=1,
                last_error=f"re-sent after the server was restored; refused: {reason}",
            )
        )


def open_conflicts(db: Database) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Open conflicts this device holds, by (entity, row id, field)."""
    with db.engine.connect() as conn:
        rows = settings.members(conn, config.CONFLICTS).values()
        return {(v["entity"], v["row_id"], v["field"]): v for v in rows if v and v.get("state") == "open"}


def forget_conflict(db: Database, conflict_id: str) -> None:
    """The restored server records this conflict afresh (under a new id); the old copy goes."""
    with db._write_lock, db.engine.begin() as conn:
        settings.delete_member(conn, config.CONFLICTS, conflict_id)


def finish(db: Database, cursor: int, values: list[tuple[Setting[Any], Any]]) -> None:
    """Close a reconciliation: pull again from `cursor` (never forward), store `values`, clear the marker."""
    with db._write_lock, db.engine.begin() as conn:
        settings.write(conn, config.CURSOR, min(settings.read(conn, config.CURSOR), int(cursor)))
        for setting, value in values:
            settings.write(conn, setting, value)
        settings.write(conn, config.RECOVERY, None)
