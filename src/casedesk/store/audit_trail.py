"""The device's audit entries about one child: those about the child itself and about every record under it; and
the whole chain in a period, each entry with its child (the administrators' audit across children).

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
    return [_entry(r) for r in rows[:limit]]


def _entry(r: AuditRow) -> DeviceEntry:
    return DeviceEntry(
        seq=r.seq,
        at=r.at,
        actor=r.actor,
        action=r.action,
        entity=r.entity,
        row_id=r.row_id,
        reason=r.reason,
        fields=tuple(sorted(r.after or {})) if r.action == "update" else (),
    )


def viewed_since(session: Session, child_id: str, actor: str, since: datetime) -> bool:
    """Whether `actor` already has a "view" entry for the child since `since` (views are noted once a while)."""
    query = select(AuditRow.seq).where(
        AuditRow.row_id == child_id, AuditRow.action == "view", AuditRow.actor == actor, AuditRow.at >= since
    )
    return session.execute(query.limit(1)).first() is not None


VIEW_EVERY = timedelta(minutes=30)


def entries_across(
    session: Session,
    since: datetime | None = None,
    before: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int = 10_000,
) -> list[tuple[DeviceEntry, str | None]]:
    """The newest `limit` entries of the whole chain in a period (by one actor, of one action), each with the
    child it is about (None for entries about no child: the directory, the database, settings)."""
    query = select(AuditRow)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    if before is not None:
        query = query.where(AuditRow.at < before)
    if actor:
        query = query.where(AuditRow.actor == actor)
    if action:
        query = query.where(AuditRow.action == action)
    rows = list(session.execute(query.order_by(AuditRow.seq.desc()).limit(limit)).scalars())
    children: dict[str, str] = {}
    by_entity: dict[str, set[str]] = {}
    for r in rows:
        if r.entity == "children":
            children[r.row_id] = r.row_id
        elif r.entity in SYNCED_TABLES and CATALOGUE[r.entity].child_key is not None:
            by_entity.setdefault(r.entity, set()).add(r.row_id)
    for entity, ids in by_entity.items():
        table, key = mapped_table(SYNCED_TABLES[entity]), CATALOGUE[entity].child_key or ""
        chunk = sorted(ids)
        for start in range(0, len(chunk), CHUNK):
            query = select(table.c.id, table.c[key]).where(table.c.id.in_(chunk[start : start + CHUNK]))
            children.update({str(r[0]): str(r[1]) for r in session.execute(query)})
    return [(_entry(r), children.get(r.row_id)) for r in rows]
