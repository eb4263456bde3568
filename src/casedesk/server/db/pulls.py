"""What a device pulls: the change feed after its cursor, filtered to what its organisation may see.

A child entering the organisation's view arrives as an `enter` item, expanded here into the child's full current
state; rows written before that point are skipped for the organisation (the snapshot already holds them). A
child leaving arrives as a `purge`. Expanding from current state is safe because the device applies a field only
when its version is newer than the one it holds, so later feed items for the same row change nothing twice.

What of a row leaves the server is decided by the sharing policy in force at the time of the pull
(`policies.view_values`: the row's owner, the receiving organisation, the user's role): a withheld row never
leaves, a withheld field is left out, and a conflict over a withheld field is not sent. The row's category and
owner are read from its current record, so a partial update is judged like the whole row. A change of policy
rescopes the children it touches (a `leave` then an `enter` for the organisation), so a device drops what it may
no longer hold and receives what it now may, as the policy says at that moment.

Rows of a server-only entity (usage records: what people asked and searched for) are uploaded by devices and kept
for the local authority's reports: no pull, snapshot or digest includes them, so no device receives another's.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic_core
from sqlalchemy import Connection, String, and_, false, func, or_, select, true, type_coerce

from casedesk.domain import roles, sharing
from casedesk.domain.schema import CATALOGUE
from casedesk.server.db import conflicts, feed, json_loads, org_scope, policies, records, tallies
from casedesk.server.db.bulk import one_of
from casedesk.server.db.compact import unpack_versions
from casedesk.sync.entities import ENTITIES, ENTITY_ORDER, SERVER_ONLY, entity_digest, row_digest
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


@dataclass
class Receiver:
    """Who is pulling: the organisation, the view its user's role receives (None: no case records) and the
    user, with the policy in force for this request."""

    org_id: str
    view: str | None = roles.FULL
    user: str | None = None
    policy: sharing.Policy = field(default_factory=sharing.Policy)
    notices: bool = True

    @classmethod
    def of(cls, conn: Connection, org_id: str, view: str | None = roles.FULL, user: str | None = None) -> Receiver:
        return cls(org_id, view, user, policies.load(conn), policies.notices(conn))

    def withheld(
        self, entity: str, row_id: str, child_id: str | None, owner: str | None, data: dict[str, Any], deleted: bool
    ) -> PullItem | None:
        """The notice that a row of this child is withheld, where policy allows: its category, owner and why —
        under an opaque id, never its own id or content. Restricted entries are never announced."""
        if not self.notices or child_id is None or self.view is None or data.get(sharing.RESTRICTED_FIELD):
            return None
        category = CATALOGUE[entity].category_of(data)
        reason, agreements = self.policy.why_withheld(self.org_id, child_id, owner, category)
        opaque = hashlib.sha256(f"{self.org_id}:{entity}:{row_id}".encode()).hexdigest()[:32]
        fields = {"child_id": child_id, "category": category.value, "owner_org": owner, "reason": reason}
        return PullItem(
            kind="withheld",
            entity=entity,
            row_id=opaque,
            fields={**fields, "agreements": list(agreements)},
            deleted=deleted,
        )

    def values(self, entity: str, child_id: str | None, owner: str | None, data: dict[str, Any]) -> Any:
        if child_id is not None and self.view is None:
            return None
        return policies.view_values(self.policy, self.org_id, self.view or "", entity, child_id, owner, data, self.user)


def _receiver(conn: Connection, who: Receiver | str) -> Receiver:
    return who if isinstance(who, Receiver) else Receiver.of(conn, who)


def _row_item(who: Receiver, row: Any) -> PullItem | None:
    fields = who.values(row.entity, row.child_id, row.created_by_org, row.data)
    if fields is None:
        if row.deleted:
            return None
        return who.withheld(row.entity, row.row_id, row.child_id, row.created_by_org, row.data, False)
    return PullItem(
        kind="row",
        entity=row.entity,
        row_id=row.row_id,
        fields=fields,
        versions={k: v for k, v in unpack_versions(row.versions, row.data).items() if k in fields or k == "deleted"},
        deleted=bool(row.deleted),
        owner=row.created_by_org if row.child_id else None,
    )


def _conflict_shown(conn: Connection, who: Receiver, row: Any, held: dict[tuple[str, str], Any] | None = None) -> bool:
    """Whether the receiver may see a conflict: only over a field of a row it receives."""
    record = (held or {}).get((row.entity, row.row_id))
    if record is None:
        record = conn.execute(
            select(records.c.child_id, records.c.created_by_org, records.c.data).where(
                records.c.entity == row.entity, records.c.row_id == row.row_id
            )
        ).first()
    if record is None:
        return who.view is not None or row.child_id is None
    shown = who.values(row.entity, record.child_id, record.created_by_org, record.data)
    return shown is not None and row.field in shown


def child_snapshot(conn: Connection, who: Receiver | str, child_id: str) -> list[PullItem]:
    """Every row of one child, parents first, and its conflicts: what a device needs when the child arrives."""
    who = _receiver(conn, who)
    rows = list(conn.execute(select(records).where(records.c.child_id == child_id)))
    rows.sort(key=lambda r: (ENTITY_ORDER.index(r.entity), r.created_seq))
    items = [item for item in (_row_item(who, r) for r in rows) if item is not None]
    held = {(r.entity, r.row_id): r for r in rows}
    items += [
        _conflict_item(c)
        for c in conn.execute(select(conflicts).where(conflicts.c.child_id == child_id))
        if _conflict_shown(conn, who, c, held)
    ]
    return items


def _visible_now(conn: Connection, org_id: str, child_id: str) -> bool:
    return bool(
        conn.execute(
            select(org_scope.c.visible).where(org_scope.c.org_id == org_id, org_scope.c.child_id == child_id)
        ).scalar()
    )


def _pullable(org_id: str, cursor: int, device_id: str, records_too: bool = True, view: str | None = "") -> Any:
    """Feed items after `cursor` that a pull by this organisation's device would return (with each row's current
    owner and data, which decide what of it is shared). A view of None receives no child's records."""
    scope = org_scope.alias("s")
    current = records.alias("r")
    # the item's own fields as text: an insert's are not read (the record's current values go instead)
    columns: list[Any] = [
        *(c for c in feed.c if c.name != "fields"),
        type_coerce(feed.c.fields, String).label("fields"),
    ]
    joined: Any = feed.outerjoin(scope, and_(scope.c.child_id == feed.c.child_id, scope.c.org_id == org_id))
    if records_too:
        columns += [
            current.c.created_by_org.label("owner"),
            type_coerce(current.c.data, String).label("current"),  # decoded here, without three layers a row
            current.c.created_seq.label("created_seq"),
            type_coerce(current.c.versions, String).label("current_versions"),  # as stored: against the data
        ]
        joined = joined.outerjoin(
            current, and_(current.c.entity == feed.c.entity, current.c.row_id == feed.c.row_id, feed.c.kind == "row")
        )
    children = and_(scope.c.visible.is_(True), feed.c.seq >= scope.c.since_seq) if view is not None else false()
    return (
        select(*columns)
        .select_from(joined)
        .where(
            feed.c.seq > cursor,
            or_(
                and_(
                    feed.c.kind.in_(("enter", "leave")),
                    feed.c.audience_org == org_id,
                    true() if view is not None else false(),
                ),
                and_(
                    feed.c.kind.in_(("row", "conflict")),
                    feed.c.entity.not_in(SERVER_ONLY),
                    or_(feed.c.kind != "row", ~feed.c.hlc.endswith(f"-{device_id}", autoescape=True)),
                    or_(feed.c.child_id.is_(None), children),
                ),
            ),
        )
    )


def moved_since(conn: Connection, who: Receiver | str, cursor: int, device_id: str) -> bool:
    """Whether anything this device would pull arrived after `cursor` (so its digest is of an older moment)."""
    view = who.view if isinstance(who, Receiver) else roles.FULL
    org_id = who.org_id if isinstance(who, Receiver) else who
    query = _pullable(org_id, cursor, device_id, records_too=False, view=view).limit(1)
    return conn.execute(query).first() is not None


def pull(
    conn: Connection,
    who: Receiver | str,
    cursor: int,
    limit: int,
    device_id: str = "",
    delivered: Counter[str] | None = None,
) -> PullResponse:
    """A page of the feed after `cursor`. A device's own writes are not echoed back to it: it holds them
    already, with the versions its push answers gave them (a 35,000-change push would otherwise come back).
    `delivered` counts the records of each child the page holds (for the access log; notices are not records)."""
    items, next_cursor, has_more = _page(conn, who, cursor, limit, device_id, delivered)
    rows = [item if isinstance(item, PullItem) else PullItem.model_construct(**item) for item in items]
    return PullResponse.model_construct(items=rows, cursor=next_cursor, has_more=has_more)


def pull_json(
    conn: Connection,
    who: Receiver | str,
    cursor: int,
    limit: int,
    device_id: str = "",
    delivered: Counter[str] | None = None,
) -> bytes:
    """`pull`'s page as the JSON the endpoint sends (a `PullResponse`), written in one pass: row items go from
    plain dictionaries straight to JSON by the same serializer, without a protocol model built, checked and
    dumped again for each (that was most of the server's time in a first sync)."""
    items, next_cursor, has_more = _page(conn, who, cursor, limit, device_id, delivered)
    return pydantic_core.to_json({"items": items, "cursor": next_cursor, "has_more": has_more})


def _page(
    conn: Connection,
    who: Receiver | str,
    cursor: int,
    limit: int,
    device_id: str,
    delivered: Counter[str] | None,
) -> tuple[list[PullItem | dict[str, Any]], int, bool]:
    """The page's items (a row as a dictionary of `PullItem`'s fields, anything else as a `PullItem`), the next
    cursor and whether more follows."""
    delivered = Counter() if delivered is None else delivered
    who = _receiver(conn, who)
    org_id = who.org_id
    high_water = int(conn.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one())
    query = _pullable(org_id, cursor, device_id, view=who.view)
    rows = conn.execute(query.where(feed.c.seq <= high_water).order_by(feed.c.seq).limit(limit)).all()
    found_conflicts, conflicted = _page_conflicts(conn, rows)
    items: list[PullItem | dict[str, Any]] = []
    for row in rows:
        if row.kind == "row":
            record = _json(row.current)
            current = record or _json(row.fields)
            shown = who.values(row.entity, row.child_id, row.owner, current)
            if shown is None:
                notice = who.withheld(row.entity, row.row_id, row.child_id, row.owner, current, bool(row.deleted))
                if notice is not None:
                    items.append(notice)
                continue
            if row.seq == row.created_seq and record is not None:
                # the row's insert: its feed item keeps no copy of the values, so the record's current values go,
                # each with its own version (a device takes a field only when its version is newer, so the later
                # items that wrote them change nothing twice)
                fields = shown  # the current values this receiver may see (a copy: `view_values` makes one)
                versions = _versions_of(_json(row.current_versions), record, fields, row.seq)
            else:
                fields = {k: v for k, v in _json(row.fields).items() if k in shown}
                versions = dict.fromkeys(fields, row.seq)
            if not fields and not row.deleted:
                continue
            if row.deleted:
                versions["deleted"] = row.seq
            # built from the server's own records, already checked on the way in: not validated again per row
            items.append(
                {
                    "kind": "row",
                    "entity": row.entity,
                    "row_id": row.row_id,
                    "fields": fields,
                    "versions": versions,
                    "deleted": bool(row.deleted),
                    "hlc": row.hlc,
                    "conflict": None,
                    "owner": row.owner if row.child_id else None,
                }
            )
            if row.child_id:
                delivered[row.child_id] += 1
            continue
        before = len(items)
        if row.kind == "conflict":
            found = found_conflicts.get(_json(row.fields)["conflict_id"])
            if found is not None and _conflict_shown(conn, who, found, conflicted):
                items.append(_conflict_item(found))
        elif row.kind == "enter":
            if _visible_now(conn, org_id, row.child_id):
                items += child_snapshot(conn, who, row.child_id)
        else:
            items.append(PullItem(kind="purge", entity="children", row_id=row.child_id))
            continue
        if row.child_id:
            count_records(delivered, row.child_id, items[before:])  # type: ignore[arg-type]
    has_more = len(rows) == limit
    next_cursor = int(rows[-1].seq) if has_more else max(high_water, cursor)
    return items, next_cursor, has_more


def _page_conflicts(conn: Connection, rows: Sequence[Any]) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
    """The conflicts a page's conflict items name, and the records they are about, each in one query per 500:
    read one at a time they were two round trips an item, most of a small round's statements on PostgreSQL."""
    ids = sorted({_json(row.fields)["conflict_id"] for row in rows if row.kind == "conflict"})
    found: dict[str, Any] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update((c.id, c) for c in conn.execute(select(conflicts).where(one_of(conn, conflicts.c.id, chunk))))
    by_entity: dict[str, set[str]] = {}
    for c in found.values():
        by_entity.setdefault(c.entity, set()).add(c.row_id)
    held: dict[tuple[str, str], Any] = {}
    r = records.c
    query = select(r.entity, r.row_id, r.child_id, r.created_by_org, r.data)
    for entity, row_ids in sorted(by_entity.items()):
        wanted = sorted(row_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            held.update(
                ((row.entity, row.row_id), row)
                for row in conn.execute(query.where(r.entity == entity, r.row_id.in_(chunk)))
            )
    return found, held


def _json(value: Any) -> Any:
    """A JSON column read as text (SQLite), decoded by the columns' own reader; a driver that decodes JSON itself
    (PostgreSQL's) gives it decoded already."""
    return json_loads(value) if isinstance(value, str | bytes) else value


def _versions_of(held: Any, data: dict[str, Any], fields: dict[str, Any], seq: int) -> dict[str, int]:
    """Each sent field's version: the record's (stored against its `data`, see `compact.pack_versions`), or `seq`
    for a field it has none for. Most records were written by one change: one version for every field."""
    if type(held) is int and fields.keys() <= data.keys():
        return dict.fromkeys(fields, held)
    versions = unpack_versions(held, data)
    return {k: versions.get(k, seq) for k in fields}


def count_records(delivered: Counter[str], child_id: str, items: list[PullItem]) -> None:
    """Add to `delivered` the records of one child among `items` (rows and conflicts; notices are not records)."""
    found = sum(1 for item in items if item.kind in ("row", "conflict"))
    if found:
        delivered[child_id] += found


RESEND_PAGE = 20  # children sent again per page after a change of role


def start_over(
    conn: Connection, who: Receiver, after: str, cursor: int, delivered: Counter[str] | None = None
) -> tuple[PullResponse, str | None]:
    """A page of the children a device sees, each purged then sent again as its (new) role allows, after child id
    `after`; the feed cursor stays where the device has it. Returns the page and where the next one starts
    (None: every child was sent again)."""
    children = list(
        conn.execute(
            select(org_scope.c.child_id)
            .where(org_scope.c.org_id == who.org_id, org_scope.c.visible.is_(True), org_scope.c.child_id > after)
            .order_by(org_scope.c.child_id)
            .limit(RESEND_PAGE)
        ).scalars()
    )
    items: list[PullItem] = []
    for child_id in children:
        items.append(PullItem(kind="purge", entity="children", row_id=child_id))
        if who.view is not None:
            sent = child_snapshot(conn, who, child_id)
            items += sent
            if delivered is not None:
                count_records(delivered, child_id, sent)
    following = children[-1] if len(children) == RESEND_PAGE else None
    return PullResponse(items=items, cursor=cursor, has_more=True), following


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


_COLUMNS = (records.c.entity, records.c.row_id, records.c.child_id, records.c.created_by_org, records.c.data)


def digest(conn: Connection, who: Receiver | str, exclude: set[str], only: list[str] | None = None) -> DigestResponse:
    """Per entity: the count of every row this organisation receives and a hash over all of them (as it receives
    them) — or, when `only` is given, over just those rows — leaving out rows the device still holds back."""
    who = _receiver(conn, who)
    counts = dict.fromkeys(ENTITIES, 0)
    columns = (*_COLUMNS, records.c.deleted)
    lines: dict[str, list[str]] = {entity: [] for entity in ENTITIES}
    wanted = None if only is None else set(only)
    for r in conn.execute(_seen_by(who.org_id, *columns)):
        if r.entity not in lines or r.entity in SERVER_ONLY or r.row_id in exclude:
            continue
        shown = who.values(r.entity, r.child_id, r.created_by_org, r.data)
        if shown is None:
            continue
        counts[r.entity] += 1
        if wanted is None or r.row_id in wanted:
            lines[r.entity].append(row_digest(r.row_id, shown, r.deleted, ENTITIES[r.entity]))
    return DigestResponse(
        entities={
            entity: EntityDigest(count=counts[entity], hash=entity_digest(lines[entity])[1]) for entity in ENTITIES
        }
    )


def _seen_rows(conn: Connection, org_id: str, ids: set[str]) -> Iterator[Any]:
    """The rows among `ids` this organisation sees, looked up entity by entity so the primary key is used."""
    columns = (*_COLUMNS, records.c.deleted)
    for entity in ENTITIES:
        for chunk in _chunks(sorted(ids)):
            yield from conn.execute(
                _seen_by(org_id, *columns).where(records.c.entity == entity, records.c.row_id.in_(chunk))
            )


def digest_sums(
    conn: Connection, who: Receiver | str, exclude: set[str], *, recount: bool = False
) -> tuple[DigestResponse, bool]:
    """Per entity: the count and hash (`casedesk.domain.tally`) of every row this organisation receives — kept
    up to date by each push, or with `recount` counted from the records — less the rows the device still holds
    back. Also says whether a recount found the kept tallies drifted (the caller rebuilds them)."""
    who = _receiver(conn, who)
    org_id = who.org_id
    if who.view is None:  # no case records: the directory alone
        base = tallies.org_digest(conn, "", "")
        drifted = False
    else:
        kept = tallies.org_digest(conn, org_id, who.view)
        base = tallies.recount_org(conn, org_id, who.view, who.policy) if recount else kept
        drifted = recount and base != kept
        if drifted:
            log.warning("the kept digest of organisation %s had drifted from the records", org_id)
    if who.view is not None:
        _add_grants(conn, who, base)
    for r in _seen_rows(conn, org_id, exclude):
        row = tallies.Row(r.entity, r.row_id, r.child_id, r.created_by_org, r.data, bool(r.deleted))
        if who.view is None and r.child_id is not None:
            continue
        number = tallies.view_number(who.policy, org_id, who.view or "", row, user=who.user, grants=True)
        if number is not None:
            base[r.entity].remove(number)
    for entity in SERVER_ONLY:  # kept in the directory's tally for the recount, but no device holds them
        base[entity] = tallies.Tally()
    entities = {entity: EntityDigest(count=base[entity].count, hash=base[entity].hash) for entity in ENTITIES}
    return DigestResponse(entities=entities), drifted


def _add_grants(conn: Connection, who: Receiver, base: dict[str, Any]) -> None:
    """Add to a digest what the receiver's grants in force bring of the children it sees (the kept tallies count
    no grant: grants end by the clock)."""
    children = {g.child_id for g in who.policy.grants_for(who.org_id, who.user)}
    if not children:
        return
    seen = set(
        conn.execute(
            select(org_scope.c.child_id).where(
                org_scope.c.org_id == who.org_id, org_scope.c.visible.is_(True), org_scope.c.child_id.in_(children)
            )
        ).scalars()
    )
    view = who.view or ""
    for rows in tallies.stored_rows(conn, seen).values():
        with_grants = tallies.child_tallies(who.policy, who.org_id, view, rows, user=who.user, grants=True)
        without = tallies.child_tallies(who.policy, who.org_id, view, rows)
        for entity, t in with_grants.items():
            base[entity].merge(t)
        for entity, t in without.items():
            base[entity].merge(t, -1)


def snapshot(
    conn: Connection,
    who: Receiver | str,
    entity: str,
    after: str | None,
    limit: int,
    delivered: Counter[str] | None = None,
) -> SnapshotResponse:
    """Current state of one entity, paged by row id: the targeted resync after a digest mismatch. `delivered`
    counts the rows of each child it holds (for the access log)."""
    who = _receiver(conn, who)
    if entity in SERVER_ONLY:
        return SnapshotResponse(items=[], next_after=None)
    rows = _visible_rows(conn, who.org_id, entity, after, limit).all()
    items = []
    for row in rows:
        item = _row_item(who, row)
        if item is not None and item.kind == "row":
            items.append(item)
            if row.child_id and delivered is not None:
                delivered[row.child_id] += 1
    return SnapshotResponse(items=items, next_after=rows[-1].row_id if len(rows) == limit else None)
