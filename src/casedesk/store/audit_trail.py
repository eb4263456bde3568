"""The device's audit entries about one child: those about the child itself and about every record under it.

The audit chain is keyed by row id, not by child, so the child's rows are listed first (every synced table with a
child key, deleted rows included: their audit stays) and the chain is read for those ids, a chunk at a time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.audit_trail import DeviceEntry
from casedesk.domain.schema import CATALOGUE
from casedesk.store.models import SYNCED_TABLES, AuditRow
from casedesk.store.tables import mapped_table

CHUNK = 500


def child_record_ids(session: Session, child_id: str) -> list[str]:
    ids = [child_id]
    for entity, model in SYNCED_TABLES.items():
        key = CATALOGUE[entity].child_key
        if key is not None and entity != "children":
            table = mapped_table(model)
            ids += session.execute(select(table.c.id).where(table.c[key] == child_id)).scalars()
    return ids


def entries_for_child(session: Session, child_id: str, limit: int = 2_000) -> list[DeviceEntry]:
    """The newest `limit` entries about the child and its records."""
    ids = child_record_ids(session, child_id)
    rows: list[AuditRow] = []
    for start in range(0, len(ids), CHUNK):
        query = select(AuditRow).where(AuditRow.row_id.in_(ids[start : start + CHUNK]))
        rows += session.execute(query.order_by(AuditRow.seq.desc()).limit(limit)).scalars()
    rows.sort(key=lambda r: r.seq, reverse=True)
    return [
        DeviceEntry(
            seq=r.seq,
            at=r.at,
            actor=r.actor,
            action=r.action,
            entity=r.entity,
            row_id=r.row_id,
            reason=r.reason,
            fields=tuple(sorted(r.after or {})) if r.action == "update" else (),
        )
        for r in rows[:limit]
    ]


def viewed_since(session: Session, child_id: str, actor: str, since: datetime) -> bool:
    """Whether `actor` already has a "view" entry for the child since `since` (views are noted once a while)."""
    query = select(AuditRow.seq).where(
        AuditRow.row_id == child_id, AuditRow.action == "view", AuditRow.actor == actor, AuditRow.at >= since
    )
    return session.execute(query.limit(1)).first() is not None


VIEW_EVERY = timedelta(minutes=30)
