"""The unit of work: the one door every local write goes through.

In the same transaction as the write itself it appends
- a **change** to the outbox (DESIGN.md §4: change id, entity, row id, fields and values, the base version of
  each field, a hybrid logical clock, device, author), which sync later pushes; and
- an **audit entry** (who, when, what, before → after), chained by hash.

Inserts are buffered and written with `executemany` per table at flush time, in foreign-key order, which keeps
bulk work (imports, demo data) close to the speed of raw SQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from casedesk.domain.hlc import HybridLogicalClock
from casedesk.domain.ids import new_id
from casedesk.domain.records import Changes
from casedesk.errors import NotFound, ValidationError
from casedesk.store.audit import chain_tip, entry_hash, hashed_fields
from casedesk.store.journal import tallies
from casedesk.store.journal.wire_values import to_json_dict
from casedesk.store.models import APPEND_ONLY_TABLES, SYNCED_TABLES, AuditRow, Base, OutboxRow
from casedesk.store.tables import mapped_table

BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "deleted", "versions"})
_TABLE_ORDER = {table.name: index for index, table in enumerate(Base.metadata.sorted_tables)}


def _table(name: str) -> Table:
    if name not in SYNCED_TABLES:
        raise ValueError(f"unknown table {name!r}")
    return mapped_table(SYNCED_TABLES[name])


def _check_columns(table: Table, values: dict[str, Any]) -> None:
    unknown = set(values) - set(table.c.keys())
    if unknown:
        raise ValueError(f"{table.name} has no field(s) {', '.join(sorted(unknown))}")


class UnitOfWork:
    """Collects writes; `commit()` writes rows, journal and audit in one transaction."""

    def __init__(
        self,
        session: Session,
        *,
        author: str,
        device_id: str,
        clock: HybridLogicalClock,
        journal: bool = True,
        now: datetime | None = None,
    ) -> None:
        self.session = session
        self.author = author
        self.device_id = device_id
        self.clock = clock
        self.journal = journal
        self.now = now or datetime.now(UTC)
        self._inserts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._outbox: list[dict[str, Any]] = []
        self._audit: list[dict[str, Any]] = []
        self._audit_seq, self._audit_hash = chain_tip(session)
        self._entities: set[str] = set()
        self._row_ids: set[str] = set()
        # each touched row's digest number before this unit and after it (`tallies`), for the kept digest
        self._tally_before: dict[tuple[str, str], int | None] = {}
        self._tally_after: dict[tuple[str, str], int | None] = {}

    # -- writes ------------------------------------------------------------------------------------------------
    def insert(self, table_name: str, values: dict[str, Any]) -> str:
        """Add a new record; returns its id (minted here unless given)."""
        table = _table(table_name)
        _check_columns(table, values)
        row = dict(values)
        row.setdefault("id", new_id())
        row.update(created_at=self.now, updated_at=self.now, deleted=False, versions={})
        self._inserts[table_name].append(row)
        key = (table_name, str(row["id"]))
        self._tally_before.setdefault(key, None)
        self._tally_after[key] = tallies.number_of(table_name, row, new=True)
        fields = {k: v for k, v in row.items() if k not in BOOKKEEPING}
        op = "append" if table_name in APPEND_ONLY_TABLES else "insert"
        self._record(op, table_name, row["id"], fields, {}, before=None, after=fields)
        return str(row["id"])

    def update(self, table_name: str, row_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change some fields of a record; only fields whose value really changes are journaled.

        Returns the fields that changed. Append-only records cannot be updated: amend them instead.
        """
        if table_name in APPEND_ONLY_TABLES:
            raise ValidationError(f"{table_name} are append-only: record an amendment instead of editing.")
        table = _table(table_name)
        _check_columns(table, changes)
        if BOOKKEEPING & set(changes):
            raise ValueError("bookkeeping fields are not edited directly")
        current = self._current(table, row_id)
        changed = {k: v for k, v in changes.items() if current[k] != v}
        if not changed:
            return {}
        base = {k: int(current["versions"].get(k, 0)) for k in changed}
        self._tally_before.setdefault((table_name, row_id), tallies.number_of(table_name, current))
        self._tally_after[(table_name, row_id)] = tallies.number_of(table_name, {**current, **changed})
        self.session.execute(update(table).where(table.c.id == row_id).values(**changed, updated_at=self.now))
        before = {k: current[k] for k in changed}
        self._record("update", table_name, row_id, changed, base, before=before, after=changed)
        return changed

    def delete(self, table_name: str, row_id: str, reason: str | None = None) -> None:
        """Delete by tombstone, so the deletion syncs and the audit keeps what was there."""
        table = _table(table_name)
        current = self._current(table, row_id)
        if current["deleted"]:
            return
        self._tally_before.setdefault((table_name, row_id), tallies.number_of(table_name, current))
        self._tally_after[(table_name, row_id)] = tallies.number_of(table_name, {**current, "deleted": True})
        self.session.execute(update(table).where(table.c.id == row_id).values(deleted=True, updated_at=self.now))
        before = {k: v for k, v in current.items() if k not in BOOKKEEPING}
        self._record("delete", table_name, row_id, {"deleted": True}, {}, before=before, after=None, reason=reason)

    def note(self, action: str, entity: str, row_id: str, reason: str | None = None, **details: Any) -> None:
        """An audit-only entry: a decision or a disclosure (an export, "this is a different child")."""
        self._append_audit(action, entity, row_id, None, to_json_dict(details) or None, reason)

    # -- reading inside the transaction ----------------------------------------------------------------------
    def _current(self, table: Table, row_id: str) -> dict[str, Any]:
        self.flush()
        row = self.session.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if row is None:
            raise NotFound(f"No {table.name[:-1].replace('_', ' ')} with id {row_id}.")
        return dict(row)

    # -- bookkeeping -------------------------------------------------------------------------------------------
    def _record(
        self,
        op: str,
        table_name: str,
        row_id: str,
        fields: dict[str, Any],
        base_versions: dict[str, int],
        *,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None = None,
    ) -> None:
        self._entities.add(table_name)
        self._row_ids.add(row_id)
        json_fields = to_json_dict(fields)  # converted once: the outbox and the audit entry share it
        if self.journal:
            self._outbox.append(
                {
                    "change_id": new_id(),
                    "entity": table_name,
                    "row_id": row_id,
                    "op": op,
                    "fields": json_fields,
                    "base_versions": base_versions,
                    "hlc": self.clock.now(),
                    "device_id": self.device_id,
                    "author": self.author,
                    "created_at": self.now,
                    "state": "pending",
                    "attempts": 0,
                }
            )
        action = {"insert": "create", "append": "create"}.get(op, op)
        self._append_audit(
            action,
            table_name,
            row_id,
            None if before is None else to_json_dict(before),
            None if after is None else (json_fields if after is fields else to_json_dict(after)),
            reason,
        )

    def _append_audit(
        self,
        action: str,
        entity: str,
        row_id: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None,
    ) -> None:
        self._audit_seq += 1
        fields = hashed_fields(self._audit_seq, self.now, self.author, action, entity, row_id, before, after, reason)
        digest = entry_hash(self._audit_hash, fields)
        self._audit.append({**fields, "at": self.now, "prev_hash": self._audit_hash, "hash": digest})
        self._audit_hash = digest

    def flush(self) -> None:
        """Write buffered inserts, parents before children."""
        for table_name in sorted(self._inserts, key=_TABLE_ORDER.__getitem__):
            rows = self._inserts[table_name]
            if rows:
                self.session.execute(insert(_table(table_name)), _uniform(_table(table_name), rows))
        self._inserts.clear()

    def _move_tallies(self) -> None:
        """Move the kept digest by what this transaction did: each touched row's number after minus before."""
        before, after = self._tally_before, self._tally_after
        self._tally_before, self._tally_after = {}, {}
        delta = tallies.new_delta()
        for (table_name, row_id), number in after.items():
            tallies.record_change(delta, table_name, before.get((table_name, row_id)), number)
        tallies.adjust(self.session, delta)

    def commit(self) -> Changes:
        self.flush()
        self._move_tallies()
        if self._outbox:
            self.session.execute(insert(mapped_table(OutboxRow)), self._outbox)
        if self._audit:
            self.session.execute(insert(mapped_table(AuditRow)), self._audit)
        self.session.commit()
        self._outbox.clear()
        self._audit.clear()
        return self.changes

    @property
    def audit_tip(self) -> tuple[int, str]:
        """The chain's last sequence number and hash including this unit's entries (for the anchor)."""
        return self._audit_seq, self._audit_hash

    @property
    def changes(self) -> Changes:
        return Changes(frozenset(self._entities), frozenset(self._row_ids))


def _uniform(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give every row every column (its default, else NULL) so one executemany can write them, in order.

    Rows of one table may name different optional fields; SQLAlchemy's executemany needs the same keys in
    each, and grouping rows by their keys would reorder them (an amendment could land before its original).
    """
    names = [c.name for c in table.columns]
    if all(len(row) == len(names) for row in rows):
        return rows
    defaults = {
        c.name: c.default.arg if isinstance(c.default, ScalarElementColumnDefault) else None for c in table.columns
    }
    return [{**defaults, **row} for row in rows]
