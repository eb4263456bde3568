"""What a device pulls: the change feed after its cursor, filtered to what its organisation may see.

A child entering the organisation's view arrives as an `enter` item, expanded here into the child's full current
state; rows written before that point are skipped for the organisation (the snapshot already holds them). A
child leaving arrives as a `purge`. Expanding from current state is safe because the device applies a field only
when its version is newer than the one it holds, so later feed items for the same row change nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from casedesk.domain import sharing
from casedesk.server.db import conflicts, feed, org_scope, records, tallies
from casedesk.sync.entities import ENTITIES, ENTITY_ORDER, entity_digest, row_digest
from casedesk.sync.wire import ConflictInfo, DigestResponse, EntityDigest, PullItem, PullResponse, SnapshotResponse

log = logging.getLogger(__name__)


def _conflict_item(row: Any) -> PullItem:
    info = ConflictInfo(
        conflict_id=row.id,
        entity=row.entity,
        row_id=row.row_id,
        child_id=row.child_id,
        field=row.field,
        critical=bool(row.critical),
        kept=row.kept,
        candidates=row.candidates,
        state=row.state,
        resolution=row.resolution,
        resolved_by=row.resolved_by,
    )
    return PullItem(kind="conflict", entity=row.entity, row_id=row.row_id, conflict=info)


def _redacted(org_id: str, entity: str, child_id: str | None, fields: dict[str, Any]) -> dict[str, Any] | None:
    """The fields this organisation may receive (`domain.sharing` decides), or None when the row is withheld."""
    shown = sharing.redact(sharing.Shared(entity, fields), sharing.allowed_for(org_id, child_id))
    return None if shown is None else dict(shown.values)


def _row_item(org_id: str, row: Any) -> PullItem | None:
    fields = _redacted(org_id, row.entity, row.child_id, row.data)
    if fields is None:
        return None
    return PullItem(
        kind="row",
        entity=row.entity,
        row_id=row.row_id,
        fields=fields,
        versions={k: v for k, v in row.versions.items() if k in fields or k == "deleted"},
        deleted=bool(row.deleted),
    )


def child_snapshot(conn: Connection, org_id: str, child_id: str) -> list[PullItem]:
    """Every row of one child, parents first, and its conflicts: what a device needs when the child arrives."""
    rows = list(conn.execute(select(records).where(records.c.child_id == child_id)))
    rows.sort(key=lambda r: (ENTITY_ORDER.index(r.entity), r.created_seq))
    items = [item for item in (_row_item(org_id, r) for r in rows) if item is not None]
    items += [_conflict_item(c) for c in conn.execute(select(conflicts).where(conflicts.c.child_id == child_id))]
    return items


def _visible_now(conn: Connection, org_id: str, child_id: str) -> bool:
    return bool(
        conn.execute(
            select(org_scope.c.visible).where(org_scope.c.org_id == org_id, org_scope.c.child_id == child_id)
        ).scalar()
    )


def _pullable(org_id: str, cursor: int, device_id: str) -> Any:
    """Feed items after `cursor` that a pull by this organisation's device would return."""
    scope = org_scope.alias("s")
    return (
        select(feed)
        .select_from(feed.outerjoin(scope, and_(scope.c.child_id == feed.c.child_id, scope.c.org_id == org_id)))
        .where(
            feed.c.seq > cursor,
            or_(
                and_(feed.c.kind.in_(("enter", "leave")), feed.c.audience_org == org_id),
                and_(
                    feed.c.kind.in_(("row", "conflict")),
                    or_(feed.c.kind != "row", ~feed.c.hlc.endswith(f"-{device_id}", autoescape=True)),
                    or_(feed.c.child_id.is_(None), and_(scope.c.visible.is_(True), feed.c.seq >= scope.c.since_seq)),
                ),
            ),
        )
    )


def moved_since(conn: Connection, org_id: str, cursor: int, device_id: str) -> bool:
    """Whether anything this device would pull arrived after `cursor` (so its digest is of an older moment)."""
    return conn.execute(_pullable(org_id, cursor, device_id).limit(1)).first() is not None


def pull(conn: Connection, org_id: str, cursor: int, limit: int, device_id: str = "") -> PullResponse:
    """A page of the feed after `cursor`. A device's own writes are not echoed back to it: it holds them
    already, with the versions its push answers gave them (a 35,000-change push would otherwise come back)."""
    high_water = int(conn.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one())
    query = _pullable(org_id, cursor, device_id).where(feed.c.seq <= high_water).order_by(feed.c.seq).limit(limit)
    rows = conn.execute(query).all()
    items: list[PullItem] = []
    for row in rows:
        if row.kind == "row":
            fields = _redacted(org_id, row.entity, row.child_id, row.fields)
            if fields is None:
                continue
            versions = dict.fromkeys(fields, row.seq)
            if row.deleted:
                versions["deleted"] = row.seq
            items.append(
                PullItem(
                    kind="row",
                    entity=row.entity,
                    row_id=row.row_id,
                    fields=fields,
                    versions=versions,
                    deleted=bool(row.deleted),
                    hlc=row.hlc,
                )
            )
        elif row.kind == "conflict":
            found = conn.execute(select(conflicts).where(conflicts.c.id == row.fields["conflict_id"])).first()
            if found is not None:
                items.append(_conflict_item(found))
        elif row.kind == "enter":
            if _visible_now(conn, org_id, row.child_id):
                items += child_snapshot(conn, org_id, row.child_id)
        else:
            items.append(PullItem(kind="purge", entity="children", row_id=row.child_id))
    has_more = len(rows) == limit
    next_cursor = int(rows[-1].seq) if has_more else max(high_water, cursor)
    return PullResponse(items=items, cursor=next_cursor, has_more=has_more)


def _visible_rows(conn: Connection, org_id: str, entity: str, after: str | None, limit: int) -> Any:
    scope = org_scope.alias("s")
    query = select(records).where(records.c.entity == entity)
    if ENTITIES[entity].child_key is not None:
        query = query.join(
            scope, and_(scope.c.child_id == records.c.child_id, scope.c.org_id == org_id, scope.c.visible.is_(True))
        )
    if after is not None:
        query = query.where(records.c.row_id > after)
    return conn.execute(query.order_by(records.c.row_id).limit(limit))


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + 500] for i in range(0, len(ids), 500)]


def _seen_by(org_id: str, *columns: Any) -> Any:
    """All records an organisation sees, every entity at once: directory rows, and rows of visible children."""
    scope = org_scope.alias("s")
    return (
        select(*columns)
        .select_from(records.outerjoin(scope, and_(scope.c.child_id == records.c.child_id, scope.c.org_id == org_id)))
        .where(or_(records.c.child_id.is_(None), scope.c.visible.is_(True)))
    )


def digest(conn: Connection, org_id: str, exclude: set[str], only: list[str] | None = None) -> DigestResponse:
    """Per entity: the count of every row this organisation sees and a hash over all of them — or, when `only`
    is given, over just those rows — leaving out rows the device still holds back."""
    counts = dict.fromkeys(ENTITIES, 0)
    grouped = _seen_by(org_id, records.c.entity, func.count()).group_by(records.c.entity)
    for entity, n in conn.execute(grouped):
        counts[entity] = counts.get(entity, 0) + int(n)
    for chunk in _chunks(sorted(exclude)):
        for entity, n in conn.execute(grouped.where(records.c.row_id.in_(chunk))):
            counts[entity] -= int(n)
    columns = (records.c.entity, records.c.row_id, records.c.data, records.c.deleted)
    if only is None:
        rows = [r for r in conn.execute(_seen_by(org_id, *columns)) if r.row_id not in exclude]
    else:
        rows = [
            r
            for chunk in _chunks(sorted(set(only) - exclude))
            for r in conn.execute(_seen_by(org_id, *columns).where(records.c.row_id.in_(chunk)))
        ]
    lines: dict[str, list[str]] = {entity: [] for entity in ENTITIES}
    for r in rows:
        if r.entity in lines:
            lines[r.entity].append(row_digest(r.row_id, r.data, r.deleted, ENTITIES[r.entity]))
    return DigestResponse(
        entities={
            entity: EntityDigest(count=counts[entity], hash=entity_digest(lines[entity])[1]) for entity in ENTITIES
        }
    )


def _seen_rows(conn: Connection, org_id: str, ids: set[str]) -> Iterator[Any]:
    """The rows among `ids` this organisation sees, looked up entity by entity so the primary key is used."""
    columns = (records.c.entity, records.c.row_id, records.c.data, records.c.deleted)
    for entity in ENTITIES:
        for chunk in _chunks(sorted(ids)):
            yield from conn.execute(
                _seen_by(org_id, *columns).where(records.c.entity == entity, records.c.row_id.in_(chunk))
            )


def digest_sums(
    conn: Connection, org_id: str, exclude: set[str], *, recount: bool = False
) -> tuple[DigestResponse, bool]:
    """Per entity: the count and hash (`casedesk.domain.tally`) of every row this organisation sees — kept up to
    date by each push, or with `recount` counted from the records — less the rows the device still holds back.
    Also says whether a recount found the kept tallies drifted (the caller rebuilds them)."""
    kept = tallies.org_digest(conn, org_id)
    base = tallies.recount_org(conn, org_id) if recount else kept
    drifted = recount and base != kept
    if drifted:
        log.warning("the kept digest of organisation %s had drifted from the records", org_id)
    for r in _seen_rows(conn, org_id, exclude):
        base[r.entity].remove(tallies.number_of(r.entity, r.row_id, r.data, bool(r.deleted)))
    entities = {entity: EntityDigest(count=base[entity].count, hash=base[entity].hash) for entity in ENTITIES}
    return DigestResponse(entities=entities), drifted


def snapshot(conn: Connection, org_id: str, entity: str, after: str | None, limit: int) -> SnapshotResponse:
    """Current state of one entity, paged by row id: the targeted resync after a digest mismatch."""
    rows = _visible_rows(conn, org_id, entity, after, limit).all()
    items = [item for item in (_row_item(org_id, r) for r in rows) if item is not None]
    return SnapshotResponse(items=items, next_after=rows[-1].row_id if len(rows) == limit else None)
