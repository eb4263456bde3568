"""Discrepancy flags as the device holds them (`discrepancy_flags`): read by child, by owning organisation, by id,
and the current value of a flagged field (what the flag says was seen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.store.models import SYNCED_TABLES, DiscrepancyFlagRow
from casedesk.store.tables import mapped_table

FLAGS = mapped_table(DiscrepancyFlagRow)


@dataclass(frozen=True)
class Flag:
    id: str
    child_id: str
    entity: str
    row_id: str
    field: str
    value_seen: str | None
    reason: str
    owner_org: str
    raised_by_org: str | None
    raised_by: str
    raised_at: datetime
    status: str
    resolution_note: str | None
    resolved_by: str | None
    resolved_at: datetime | None

    @property
    def open(self) -> bool:
        return self.status == "open"


def _flags(session: Session, *where: Any) -> list[Flag]:
    query = select(FLAGS).where(FLAGS.c.deleted.is_(False), *where).order_by(FLAGS.c.raised_at, FLAGS.c.id)
    names = Flag.__dataclass_fields__
    return [Flag(**{k: v for k, v in row.items() if k in names}) for row in session.execute(query).mappings()]


def for_child(session: Session, child_id: str) -> list[Flag]:
    return _flags(session, FLAGS.c.child_id == child_id)


def for_owner(session: Session, org_id: str, *, open_only: bool = True) -> list[Flag]:
    return _flags(session, FLAGS.c.owner_org == org_id, *([FLAGS.c.status == "open"] if open_only else []))


def get(session: Session, flag_id: str) -> Flag | None:
    found = _flags(session, FLAGS.c.id == flag_id)
    return found[0] if found else None


def row_of(session: Session, entity: str, row_id: str) -> dict[str, Any] | None:
    """The flagged row as stored here (none: not held, or deleted)."""
    if entity not in SYNCED_TABLES:
        return None
    table = mapped_table(SYNCED_TABLES[entity])
    row = session.execute(select(table).where(table.c.id == row_id, table.c.deleted.is_(False))).mappings().first()
    return dict(row) if row else None
