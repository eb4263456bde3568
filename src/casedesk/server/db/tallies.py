"""The server's digest, kept up to date with each push instead of recounted every round.

Two small tables hold `casedesk.domain.tally` sums (a row count and the sum of the rows' hashes, per entity):
- `scope_tallies`, per child and entity (scope "" holds rows not under a child: the shared directory);
- `org_tallies`, per organisation, view (`casedesk.domain.roles`: what a role receives) and entity, over the
  children it sees now — each row counted as that view receives it (`policies.view_values`: withheld rows left
  out, withheld fields empty), so the digest matches what its devices hold.

An organisation's digest is its own tallies plus the directory's: a few rows, whatever the caseload. Every write
to `records` or to a child's visibility updates them in the same transaction (`apply`): a changed row moves its
child's tally and, as each view receives it, the tally of every organisation that sees the child; a child entering
an organisation's view adds the child's rows (read once) to it, one leaving subtracts them. A change of policy (an
agreement, the default) recounts what it touches (`casedesk.server.db.agreements`). `rebuild` recounts everything
from the records — run when the tables are first created, and to repair them — and `recount_org` recounts one
organisation's view, for the periodic check that the kept sums still match the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select

from casedesk.domain import sharing
from casedesk.domain.tally import Tally, row_number
from casedesk.server.db import (
    meta,
    org_scope,
    org_tallies,
    policies,
    records,
    scope_tallies,
)
from casedesk.server.db.bulk import insert_rows, one_of, update_rows
from casedesk.sync.entities import ENTITIES

BUILT_KEY = "tallies_built"
DIRECTORY = ""  # the scope of rows that belong to no child
_CHUNK = 500
_FIELDS = {entity: tuple(sorted(spec.fields)) for entity, spec in ENTITIES.items()}


def number_of(entity: str, row_id: str, data: dict[str, Any], deleted: bool) -> int:
    return row_number(row_id, data, deleted, _FIELDS[entity])


State = tuple[dict[str, Any], bool]  # a stored row's data and deleted flag


@dataclass(frozen=True)
class Row:
    """One stored row, as the tallies need it."""

    entity: str
    row_id: str
    child_id: str | None
    owner: str | None
    data: dict[str, Any]
    deleted: bool


def view_number(
    policy: sharing.Policy,
    org_id: str,
    view: str,
    row: Row,
    full: int | None = None,
    *,
    user: str | None = None,
    grants: bool = False,
) -> int | None:
    """The row's number as this view of the organisation receives it, or None when it is withheld. The kept
    tallies leave time-limited grants out (they end by the clock, with no write to move a tally); a digest adds
    what a receiver's grants bring (`pulls.digest_sums`)."""
    allowed = policy.allowed_for(org_id, row.child_id, source_org=row.owner, view=view, user=user, grants=grants)
    withheld = sharing.fields_withheld(row.entity, row.data, allowed)
    if withheld is None:
        return None
    if not withheld:
        return full if full is not None else number_of(row.entity, row.row_id, row.data, row.deleted)
    shown = {k: v for k, v in row.data.items() if k not in withheld}
    return number_of(row.entity, row.row_id, shown, row.deleted)


def child_tallies(
    policy: sharing.Policy,
    org_id: str,
    view: str,
    rows: Iterable[Row],
    *,
    user: str | None = None,
    grants: bool = False,
    known: dict[tuple[str, str], int] | None = None,
) -> dict[str, Tally]:
    """Per entity, the tally of one child's rows as this view of the organisation receives them. `known` holds
    rows' full numbers already worked out (a push has numbered every row it wrote), so they are not hashed again."""
    out: dict[str, Tally] = defaultdict(Tally)
    known = known or {}
    for row in rows:
        if row.entity in ENTITIES:
            full = known.get((row.entity, row.row_id))
            number = view_number(policy, org_id, view, row, full, user=user, grants=grants)
            if number is not None:
                out[row.entity].add(number)
    return out


@dataclass
class Changes:
    """What one transaction did to records and visibility, for `apply`.

    rows: (entity, row id, child id or None, owning organisation, the row before or None if new, the row after)
    visible_before / visible_after: per touched child, the organisations that saw it at the start and at the end.
    """

    rows: list[tuple[str, str, str | None, str | None, State | None, State]] = field(default_factory=list)
    visible_before: dict[str, set[str]] = field(default_factory=dict)
    visible_after: dict[str, set[str]] = field(default_factory=dict)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _tally(row: Any) -> Tally:
    values = row._mapping  # `count` would be the row's own method
    return Tally.from_parts(values["count"], values["hash"])


def _load_scopes(conn: Connection, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], Tally]:
    """The kept tallies of these (scope, entity) pairs, read for the entities they name alone: an edit of one
    field of many rows touches one entity of each child, and reading every entity of each child read several
    times the rows needed. One query per chunk of scopes (a round trip each on PostgreSQL); the pair's primary
    key serves both lists, where SQLite scans the table for a list of pairs."""
    entities = sorted({entity for _, entity in keys})
    out: dict[tuple[str, str], Tally] = {}
    columns = (scope_tallies.c.scope, scope_tallies.c.entity, scope_tallies.c.count, scope_tallies.c.hash)
    for chunk in _chunks(scope for scope, _ in keys):
        query = select(*columns).where(one_of(conn, scope_tallies.c.scope, chunk), scope_tallies.c.entity.in_(entities))
        for scope, entity, count, hash_hex in conn.execute(query):
            if (scope, entity) in keys:
                out[(scope, entity)] = Tally.from_parts(count, hash_hex)
    return out


def _store(
    conn: Connection, table: Any, owner_name: str, held: dict[tuple[str, str], Tally], new: dict[tuple[str, str], Tally]
) -> None:
    """Write tallies back: update the ones that were there, insert the others."""
    updates = [
        {owner_name: o, "entity": e, "count": t.count, "hash": t.hash} for (o, e), t in new.items() if (o, e) in held
    ]
    inserts = [
        {owner_name: o, "entity": e, "count": t.count, "hash": t.hash}
        for (o, e), t in new.items()
        if (o, e) not in held
    ]
    update_rows(conn, table, (owner_name, "entity"), updates)
    insert_rows(conn, table, inserts)


def stored_rows(conn: Connection, child_ids: Iterable[str]) -> dict[str, list[Row]]:
    """Every stored row of these children, by child."""
    out: dict[str, list[Row]] = defaultdict(list)
    columns = (records.c.entity, records.c.row_id, records.c.child_id, records.c.created_by_org, records.c.data)
    for chunk in _chunks(child_ids):
        for r in conn.execute(select(*columns, records.c.deleted).where(one_of(conn, records.c.child_id, chunk))):
            out[r.child_id].append(Row(r.entity, r.row_id, r.child_id, r.created_by_org, r.data, bool(r.deleted)))
    return out


def apply(conn: Connection, changes: Changes, policy: sharing.Policy | None = None) -> None:
    """Move the scope and organisation tallies by what this transaction changed. Runs before the transaction
    writes its records, so the database still holds each row as it was."""
    delta: dict[tuple[str, str], Tally] = defaultdict(Tally)
    full: dict[tuple[str, str], tuple[int | None, int]] = {}
    for entity, row_id, child_id, _owner, was, now in changes.rows:
        number_before = None if was is None else number_of(entity, row_id, was[0], was[1])
        number_after = number_of(entity, row_id, now[0], now[1])
        full[(entity, row_id)] = (number_before, number_after)
        tally = delta[(child_id or DIRECTORY, entity)]
        if number_before is not None:
            tally.remove(number_before)
        tally.add(number_after)
    delta = {key: t for key, t in delta.items() if t.count or t.total}
    moved = {c for c in changes.visible_after if changes.visible_after[c] != changes.visible_before.get(c, set())}
    if not delta and not moved:
        return
    held = _load_scopes(conn, delta)
    after = {key: Tally(t.count, t.total) for key, t in held.items()}
    for key, t in delta.items():
        after.setdefault(key, Tally()).merge(t)
    _store(conn, scope_tallies, "scope", held, {key: after[key] for key in delta})

    policy = policy or policies.load(conn)
    by_child: dict[str, list[tuple[str, str, str | None, State | None, State]]] = defaultdict(list)
    for entity, row_id, child_id, owner, before, after_state in changes.rows:
        if child_id and full[(entity, row_id)][0] != full[(entity, row_id)][1]:
            by_child[child_id].append((entity, row_id, owner, before, after_state))
    org_delta: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    for child_id, rows in by_child.items():
        before_orgs = changes.visible_before.get(child_id, set())
        after_orgs = changes.visible_after.get(child_id, before_orgs)
        for org in sorted(before_orgs & after_orgs):
            for view in policies.views(policy, org):
                for entity, row_id, owner, before, after_state in rows:
                    number_before, number_after = full[(entity, row_id)]
                    tally = org_delta[(org, view, entity)]
                    if before is not None:
                        old = view_number(
                            policy, org, view, Row(entity, row_id, child_id, owner, *before), number_before
                        )
                        if old is not None:
                            tally.remove(old)
                    new = view_number(
                        policy, org, view, Row(entity, row_id, child_id, owner, *after_state), number_after
                    )
                    if new is not None:
                        tally.add(new)
    if moved:
        stored = stored_rows(conn, moved)
        changed = {(e, r): (c, o, b, a) for e, r, c, o, b, a in changes.rows}
        numbers_after = {key: after for key, (_before, after) in full.items()}
        numbers_before = {key: before for key, (before, _after) in full.items() if before is not None}
        for child_id in sorted(moved):
            before_orgs = changes.visible_before.get(child_id, set())
            after_orgs = changes.visible_after.get(child_id, before_orgs)
            rows_before = stored.get(child_id, [])
            rows_after = [r for r in rows_before if (r.entity, r.row_id) not in changed]
            rows_after += [Row(e, r, c, o, *a) for (e, r), (c, o, _b, a) in changed.items() if c == child_id]
            for org in sorted(after_orgs - before_orgs):
                for view in policies.views(policy, org):
                    for entity, t in child_tallies(policy, org, view, rows_after, known=numbers_after).items():
                        org_delta[(org, view, entity)].merge(t)
            for org in sorted(before_orgs - after_orgs):
                for view in policies.views(policy, org):
                    for entity, t in child_tallies(policy, org, view, rows_before, known=numbers_before).items():
                        org_delta[(org, view, entity)].merge(t, -1)
    move_orgs(conn, org_delta)


def move_orgs(conn: Connection, org_delta: dict[tuple[str, str, str], Tally]) -> None:
    """Add these (organisation, view, entity) amounts to the kept organisation tallies."""
    org_delta = {key: t for key, t in org_delta.items() if not t.empty}
    if not org_delta:
        return
    held: dict[tuple[str, str, str], Tally] = {}
    for chunk in _chunks({o for o, _, _ in org_delta}):
        for row in conn.execute(select(org_tallies).where(one_of(conn, org_tallies.c.org_id, chunk))):
            held[(row.org_id, row.view, row.entity)] = _tally(row)
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for key, t in org_delta.items():
        total = held[key].copy() if key in held else Tally()
        total.merge(t)
        org, view, entity = key
        moved = {"org_id": org, "view": view, "entity": entity, "count": total.count, "hash": total.hash}
        (updates if key in held else inserts).append(moved)
    update_rows(conn, org_tallies, ("org_id", "view", "entity"), updates)
    insert_rows(conn, org_tallies, inserts)


def org_digest(conn: Connection, org_id: str, view: str = "") -> dict[str, Tally]:
    """Per entity, the kept tally of everything this view of `org_id` receives: its children's and the
    directory's."""
    out = {entity: Tally() for entity in ENTITIES}
    query = select(org_tallies).where(org_tallies.c.org_id == org_id, org_tallies.c.view == view)
    for row in conn.execute(query):
        if row.entity in out:
            out[row.entity].merge(_tally(row))
    for row in conn.execute(select(scope_tallies).where(scope_tallies.c.scope == DIRECTORY)):
        if row.entity in out:
            out[row.entity].merge(_tally(row))
    return out


def recount_org(
    conn: Connection, org_id: str, view: str = "", policy: sharing.Policy | None = None
) -> dict[str, Tally]:
    """The same digest counted from the records themselves (every row the organisation sees, as it sees it)."""
    policy = policy or policies.load(conn)
    scope = org_scope.alias("s")
    query = (
        select(
            records.c.entity,
            records.c.row_id,
            records.c.child_id,
            records.c.created_by_org,
            records.c.data,
            records.c.deleted,
        )
        .select_from(records.outerjoin(scope, and_(scope.c.child_id == records.c.child_id, scope.c.org_id == org_id)))
        .where(or_(records.c.child_id.is_(None), scope.c.visible.is_(True)))
    )
    out = {entity: Tally() for entity in ENTITIES}
    for r in conn.execute(query.execution_options(yield_per=2000)):
        if r.entity in out:
            row = Row(r.entity, r.row_id, r.child_id, r.created_by_org, r.data, bool(r.deleted))
            number = view_number(policy, org_id, view, row)
            if number is not None:
                out[r.entity].add(number)
    return out


def rebuild(conn: Connection, policy: sharing.Policy | None = None) -> None:
    """Recount every tally from the records and the visibility table (first build, repair, a change of policy)."""
    policy = policy or policies.load(conn)
    seen_by: dict[str, list[str]] = defaultdict(list)
    for org_id, child_id in conn.execute(
        select(org_scope.c.org_id, org_scope.c.child_id).where(org_scope.c.visible.is_(True))
    ):
        seen_by[child_id].append(org_id)
    scopes: dict[tuple[str, str], Tally] = defaultdict(Tally)
    orgs: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    query = select(
        records.c.entity,
        records.c.row_id,
        records.c.child_id,
        records.c.created_by_org,
        records.c.data,
        records.c.deleted,
    )
    for r in conn.execute(query.execution_options(yield_per=2000)):
        if r.entity not in ENTITIES:
            continue
        full = number_of(r.entity, r.row_id, r.data, bool(r.deleted))
        scopes[(r.child_id or DIRECTORY, r.entity)].add(full)
        if not r.child_id:
            continue
        row = Row(r.entity, r.row_id, r.child_id, r.created_by_org, r.data, bool(r.deleted))
        for org_id in seen_by.get(r.child_id, ()):
            for view in policies.views(policy, org_id):
                number = view_number(policy, org_id, view, row, full)
                if number is not None:
                    orgs[(org_id, view, r.entity)].add(number)
    conn.execute(delete(scope_tallies))
    conn.execute(delete(org_tallies))
    _store(conn, scope_tallies, "scope", {}, dict(scopes))
    if orgs:
        conn.execute(
            insert(org_tallies),
            [{"org_id": o, "view": v, "entity": e, "count": t.count, "hash": t.hash} for (o, v, e), t in orgs.items()],
        )
    conn.execute(delete(meta).where(meta.c.key == BUILT_KEY))
    conn.execute(insert(meta).values(key=BUILT_KEY, value="1"))


def ensure_built(conn: Connection) -> None:
    """Build the tallies once, on a database that has records but no tallies yet (after the migration); the app
    calls it at every start."""
    if conn.execute(select(meta.c.value).where(meta.c.key == BUILT_KEY)).first() is None:
        rebuild(conn)
