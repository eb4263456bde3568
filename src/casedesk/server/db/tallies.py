"""The server's digest, kept up to date with each push instead of recounted every round.

Two small tables hold `casedesk.domain.tally` sums (a row count and the sum of the rows' hashes, per entity):
- `scope_tallies`, per child and entity (scope "" holds rows not under a child: the shared directory);
- `org_tallies`, per organisation and entity, over the children it sees now.

An organisation's digest is its own tallies plus the directory's: a few rows, whatever the caseload. Every write
to `records` or to a child's visibility updates them in the same transaction (`apply`): a changed row moves its
child's tally and the tally of every organisation that sees the child; a child entering an organisation's view
adds the child's whole tally to it, one leaving subtracts it. `rebuild` recounts everything from the records —
run when the tables are first created, and to repair them — and `recount_org` recounts one organisation's view,
for the periodic check that the kept sums still match the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, or_, select, update

from casedesk.domain.tally import Tally, row_number
from casedesk.server.db import meta, org_scope, org_tallies, records, scope_tallies
from casedesk.sync.entities import ENTITIES

BUILT_KEY = "tallies_built"
DIRECTORY = ""  # the scope of rows that belong to no child
_CHUNK = 500
_FIELDS = {entity: tuple(sorted(spec.fields)) for entity, spec in ENTITIES.items()}


def number_of(entity: str, row_id: str, data: dict[str, Any], deleted: bool) -> int:
    return row_number(row_id, data, deleted, _FIELDS[entity])


@dataclass
class Changes:
    """What one transaction did to records and visibility, for `apply`.

    rows: (entity, child id or None, the row's number before or None if new, its number after)
    visible_before / visible_after: per touched child, the organisations that saw it at the start and at the end.
    """

    rows: list[tuple[str, str | None, int | None, int]] = field(default_factory=list)
    visible_before: dict[str, set[str]] = field(default_factory=dict)
    visible_after: dict[str, set[str]] = field(default_factory=dict)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _tally(row: Any) -> Tally:
    values = row._mapping  # `count` would be the row's own method
    return Tally.from_parts(values["count"], values["hash"])


def _load(conn: Connection, table: Any, owner: Any, owners: Iterable[str]) -> dict[tuple[str, str], Tally]:
    out: dict[tuple[str, str], Tally] = {}
    for chunk in _chunks(owners):
        for row in conn.execute(select(table).where(owner.in_(chunk))):
            out[(row[0], row.entity)] = _tally(row)
    return out


def _store(
    conn: Connection, table: Any, owner_name: str, held: dict[tuple[str, str], Tally], new: dict[tuple[str, str], Tally]
) -> None:
    """Write tallies back: update the ones that were there, insert the others."""
    owner = table.c[owner_name]
    updates = [
        {"k_owner": o, "k_entity": e, "b_count": t.count, "b_hash": t.hash}
        for (o, e), t in new.items()
        if (o, e) in held
    ]
    inserts = [
        {owner_name: o, "entity": e, "count": t.count, "hash": t.hash}
        for (o, e), t in new.items()
        if (o, e) not in held
    ]
    if updates:
        conn.execute(
            update(table)
            .where(owner == bindparam("k_owner"), table.c.entity == bindparam("k_entity"))
            .values(count=bindparam("b_count"), hash=bindparam("b_hash")),
            updates,
        )
    if inserts:
        conn.execute(insert(table), inserts)


def apply(conn: Connection, changes: Changes) -> None:
    """Move the scope and organisation tallies by what this transaction changed."""
    delta: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for entity, child_id, number_before, number_after in changes.rows:
        tally = delta[(child_id or DIRECTORY, entity)]
        if number_before is not None:
            tally.remove(number_before)
        tally.add(number_after)
    delta = {key: t for key, t in delta.items() if t.count or t.total}
    moved = {c for c in changes.visible_after if changes.visible_after[c] != changes.visible_before.get(c, set())}
    if not delta and not moved:
        return
    held = _load(conn, scope_tallies, scope_tallies.c.scope, {s for s, _ in delta} | moved)
    after = {key: Tally(t.count, t.total) for key, t in held.items()}
    for key, t in delta.items():
        after.setdefault(key, Tally()).merge(t)
    _store(conn, scope_tallies, "scope", held, {key: after[key] for key in delta})

    org_delta: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for child_id in {s for s, _ in delta if s != DIRECTORY} | moved:
        before_orgs = changes.visible_before.get(child_id, set())
        after_orgs = changes.visible_after.get(child_id, before_orgs)
        for org in before_orgs & after_orgs:
            for (scope, entity), t in delta.items():
                if scope == child_id:
                    org_delta[(org, entity)].merge(t)
        for org in after_orgs - before_orgs:
            for (scope, entity), t in after.items():
                if scope == child_id:
                    org_delta[(org, entity)].merge(t)
        for org in before_orgs - after_orgs:
            for (scope, entity), t in held.items():
                if scope == child_id:
                    org_delta[(org, entity)].merge(t, -1)
    if not org_delta:
        return
    held_orgs = _load(conn, org_tallies, org_tallies.c.org_id, {o for o, _ in org_delta})
    new_orgs = {}
    for key, t in org_delta.items():
        total = Tally(held_orgs[key].count, held_orgs[key].total) if key in held_orgs else Tally()
        total.merge(t)
        new_orgs[key] = total
    _store(conn, org_tallies, "org_id", held_orgs, new_orgs)


def org_digest(conn: Connection, org_id: str) -> dict[str, Tally]:
    """Per entity, the kept tally of everything `org_id` sees: its children's and the directory's."""
    out = {entity: Tally() for entity in ENTITIES}
    for row in conn.execute(select(org_tallies).where(org_tallies.c.org_id == org_id)):
        if row.entity in out:
            out[row.entity].merge(_tally(row))
    for row in conn.execute(select(scope_tallies).where(scope_tallies.c.scope == DIRECTORY)):
        if row.entity in out:
            out[row.entity].merge(_tally(row))
    return out


def recount_org(conn: Connection, org_id: str) -> dict[str, Tally]:
    """The same digest counted from the records themselves (every row the organisation sees)."""
    scope = org_scope.alias("s")
    query = (
        select(records.c.entity, records.c.row_id, records.c.data, records.c.deleted)
        .select_from(records.outerjoin(scope, and_(scope.c.child_id == records.c.child_id, scope.c.org_id == org_id)))
        .where(or_(records.c.child_id.is_(None), scope.c.visible.is_(True)))
    )
    out = {entity: Tally() for entity in ENTITIES}
    for r in conn.execute(query.execution_options(yield_per=2000)):
        if r.entity in out:
            out[r.entity].add(number_of(r.entity, r.row_id, r.data, bool(r.deleted)))
    return out


def rebuild(conn: Connection) -> None:
    """Recount every tally from the records and the visibility table (first build, and repair)."""
    scopes: dict[tuple[str, str], Tally] = defaultdict(Tally)
    query = select(records.c.entity, records.c.row_id, records.c.child_id, records.c.data, records.c.deleted)
    for r in conn.execute(query.execution_options(yield_per=2000)):
        if r.entity in ENTITIES:
            scopes[(r.child_id or DIRECTORY, r.entity)].add(number_of(r.entity, r.row_id, r.data, bool(r.deleted)))
    by_child: dict[str, list[tuple[str, Tally]]] = defaultdict(list)
    for (scope, entity), t in scopes.items():
        by_child[scope].append((entity, t))
    orgs: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for org_id, child_id in conn.execute(
        select(org_scope.c.org_id, org_scope.c.child_id).where(org_scope.c.visible.is_(True))
    ):
        for entity, t in by_child.get(child_id, []):
            orgs[(org_id, entity)].merge(t)
    conn.execute(delete(scope_tallies))
    conn.execute(delete(org_tallies))
    _store(conn, scope_tallies, "scope", {}, dict(scopes))
    _store(conn, org_tallies, "org_id", {}, dict(orgs))
    conn.execute(delete(meta).where(meta.c.key == BUILT_KEY))
    conn.execute(insert(meta).values(key=BUILT_KEY, value="1"))


def ensure_built(conn: Connection) -> None:
    """Build the tallies once, on a database that has records but no tallies yet (after the migration); the app
    calls it at every start."""
    if conn.execute(select(meta.c.value).where(meta.c.key == BUILT_KEY)).first() is None:
        rebuild(conn)
