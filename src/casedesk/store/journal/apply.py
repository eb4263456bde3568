"""The device side of pull: apply one page of the server's feed, and the new cursor, in one transaction.

If anything in the page fails, nothing of it is kept and the cursor stays where it was, so the next sync
starts again from the same place (Anki applies each chunk the same way). Pulled values are written directly —
not through the unit of work — so they are not journaled again and never echo back to the server.

A field is overwritten only by a newer server version, and never while a local edit of it waits to be pushed
(the server will weigh that edit against this value). A child leaving the user's view is purged once nothing
is waiting to be pushed for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Connection, Date, Table, delete, select, update

from casedesk import config
from casedesk.domain.schema import CATALOGUE
from casedesk.domain.schema.casework import CASEWORK_ENTITIES
from casedesk.domain.schema.education import EDUCATION_ORDER
from casedesk.domain.schema.meetings import MEETING_CHILD_ORDER
from casedesk.store import attendance_repo, merges, settings, sharing_repo
from casedesk.store.database import Database
from casedesk.store.journal import tallies, unapplied
from casedesk.store.journal.outbox import forget_rows, pending_fields
from casedesk.store.models import APPEND_ONLY_TABLES, SYNCED_TABLES, UTCDateTime
from casedesk.store.tables import mapped_table

# children's own rows, deleted before the child
# (education: EHE visits before their case, CME steps before their enquiry)
CHILD_TABLES = (
    "consents",
    "discrepancy_flags",
    "events",
    "involvements",
    "status_periods",
    "attendance_weeks",
    *CASEWORK_ENTITIES,
    *reversed(EDUCATION_ORDER),
    *reversed(MEETING_CHILD_ORDER),
)


@dataclass
class PageStats:
    rows: int = 0
    conflicts: int = 0
    purged: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    set_aside: list[unapplied.UnappliedRow] = field(default_factory=list)  # rows newly held (`unapplied`)


@cache
def table_of(entity: str) -> Table:
    return mapped_table(SYNCED_TABLES[entity])  # looked up once: a first sync asks for every row it applies


def _to_datetime(value: Any) -> Any:
    return datetime.fromisoformat(value).astimezone(UTC) if isinstance(value, str) else value


def _to_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


@cache
def _converters(table: Any) -> dict[str, Any]:
    """Per column, how a JSON value becomes what the column stores (dates and times arrive as ISO text)."""
    out = {}
    for column in table.c:
        if isinstance(column.type, UTCDateTime):
            out[column.name] = _to_datetime
        elif isinstance(column.type, Date):
            out[column.name] = _to_date
    return out


def from_wire(table: Any, name: str, value: Any) -> Any:
    convert = _converters(table).get(name)
    return value if value is None or convert is None else convert(value)


@dataclass(frozen=True)
class _Shape:
    """What applying a pulled row needs to know of its table, worked out once per table rather than per row."""

    columns: frozenset[str]
    converters: dict[str, Any]
    defaults: dict[str, Any]
    required: tuple[str, ...]


@cache
def _shape(entity: str) -> _Shape:
    table = table_of(entity)
    return _Shape(
        columns=frozenset(table.c.keys()),
        converters=_converters(table),
        defaults={c.name: _column_default(c) for c in table.c},
        required=_required(table),
    )


def _new_values(shape: _Shape, fields: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in fields.items() if k in shape.columns}
    for name, convert in shape.converters.items():
        value = values.get(name)
        if value is not None:
            values[name] = convert(value)
    return values


def apply_rows(conn: Connection, items: list[Any], pending: dict[tuple[str, str], set[str]]) -> int:
    """Insert rows the device lacks and merge newer field versions into rows it has.

    Rows are looked up per entity in one query and new ones written with one executemany per entity: a first
    sync brings tens of thousands of rows, and per-row statements would dominate (foreign keys are deferred
    to the end of the page's transaction, so the order of the bulk inserts does not matter).
    """
    now = datetime.now(UTC)
    state: dict[tuple[str, str], dict[str, Any]] = {}
    ids_by_entity: dict[str, set[str]] = {}
    for item in items:
        ids_by_entity.setdefault(item.entity, set()).add(item.row_id)
    for entity, ids in ids_by_entity.items():
        table = table_of(entity)
        chunk_ids = sorted(ids)
        for start in range(0, len(chunk_ids), 500):
            query = select(table).where(table.c.id.in_(chunk_ids[start : start + 500]))
            for row in conn.execute(query).mappings():
                state[(entity, row["id"])] = {
                    "versions": dict(row["versions"]),
                    "deleted": bool(row["deleted"]),
                    "new": False,
                    "changes": {},
                    "stored": row,
                }
    for item in items:
        table = table_of(item.entity)
        key = (item.entity, item.row_id)
        held = state.get(key)
        if held is None:
            shape = _shape(item.entity)
            if not all(item.fields.get(name) is not None for name in shape.required):
                continue  # a partial row for something this device never had (it arrives whole with its child)
            values = _new_values(shape, item.fields)
            state[key] = {"versions": dict(item.versions), "deleted": item.deleted, "new": True, "changes": values}
            continue
        if item.entity in APPEND_ONLY_TABLES and not held["new"]:
            continue  # append-only: the row never changes once written
        held_back = pending.get(key, set())
        for name, value in item.fields.items():
            version = int(item.versions.get(name, 0))
            if version > int(held["versions"].get(name, 0)) and name not in held_back and name in table.c:
                held["changes"][name] = from_wire(table, name, value)
                held["versions"][name] = version
        if item.deleted and not held["deleted"]:
            held["changes"]["deleted"] = held["deleted"] = True
            held["versions"]["deleted"] = int(item.versions.get("deleted", 0))
    applied = 0
    inserts: dict[str, list[dict[str, Any]]] = {}
    delta = tallies.new_delta()
    for (entity, row_id), held in state.items():
        table = table_of(entity)
        if held["new"]:
            new_row = dict(_shape(entity).defaults)
            new_row.update(
                held["changes"],
                id=row_id,
                deleted=held["deleted"],
                versions=held["versions"],
            )
            inserts.setdefault(entity, []).append(new_row)
            tallies.record_change(delta, entity, None, tallies.number_of(entity, new_row))
        elif held["changes"]:
            stored = held["stored"]
            after = {**stored, **held["changes"]}
            tallies.record_change(delta, entity, tallies.number_of(entity, stored), tallies.number_of(entity, after))
            conn.execute(
                update(table)
                .where(table.c.id == row_id)
                .values(**held["changes"], versions=held["versions"], updated_at=now)
            )
        else:
            continue
        applied += 1
    for entity, rows in inserts.items():
        insert_rows(conn, entity, rows, now)
    tallies.adjust(conn, delta)
    return applied


_STAMPS = ("created_at", "updated_at")  # the same for every row applied at once: bound once, not once a row


def insert_rows(conn: Connection, entity: str, rows: list[dict[str, Any]], now: datetime) -> None:
    """One executemany of whole rows stamped `now`, each value through its column type's own bind processor.

    The same statement and stored values as `conn.execute(insert(table), rows)`, without SQLAlchemy building a
    parameter dictionary per row: that bookkeeping was a large share of a first sync's time on the device.
    """
    statement, plan, stamps = _insert_plan(entity, conn.dialect)
    stamp = tuple(now if convert is None else convert(now) for convert in stamps)
    params = [
        (*[row[name] if convert is None else convert(row[name]) for name, convert in plan], *stamp) for row in rows
    ]
    conn.exec_driver_sql(statement, params)


@lru_cache(maxsize=256)
def _insert_plan(entity: str, dialect: Any) -> tuple[str, tuple[tuple[str, Any], ...], tuple[Any, ...]]:
    """A table's insert statement, naming its row stamps last, and each column's bind processor (None: the value
    goes as it is)."""
    table = table_of(entity)
    plan = tuple((c.name, c.type.bind_processor(dialect)) for c in table.c if c.name not in _STAMPS)
    stamps = tuple(table.c[name].type.bind_processor(dialect) for name in _STAMPS)
    names = ", ".join(f'"{name}"' for name in (*(name for name, _ in plan), *_STAMPS))
    marks = ", ".join("?" * (len(plan) + len(_STAMPS)))
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', plan, stamps


def _column_default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


@cache
def _required(table: Any) -> tuple[str, ...]:
    return tuple(
        c.name
        for c in table.c
        if not c.nullable
        and c.default is None
        and c.server_default is None
        and c.name not in ("id", "created_at", "updated_at", "versions", "deleted")
    )


def child_row_ids(conn: Connection, child_id: str) -> list[str]:
    ids = [child_id]
    for entity in CHILD_TABLES:
        table = table_of(entity)
        ids += list(conn.execute(select(table.c.id).where(table.c.child_id == child_id)).scalars())
    return ids


def purge_child(conn: Connection, child_id: str) -> None:
    """Remove a child and everything recorded under it from this device (it left the user's view)."""
    row_ids = child_row_ids(conn, child_id)
    delta = tallies.new_delta()
    for entity in SYNCED_TABLES:  # every row recorded under the child, whichever table (the catalogue says how)
        key = CATALOGUE[entity].child_key
        if key is not None:
            table = table_of(entity)
            for row in conn.execute(select(table).where(table.c[key] == child_id)).mappings():
                tallies.record_change(delta, entity, tallies.number_of(entity, row), None)
    events = table_of("events")
    # amendments point at the events they amend: delete newest first so no reference dangles mid-way
    conn.execute(delete(events).where(events.c.child_id == child_id, events.c.amends_id.is_not(None)))
    for entity in CHILD_TABLES:
        table = table_of(entity)
        conn.execute(delete(table).where(table.c.child_id == child_id))
    conn.execute(delete(table_of("children")).where(table_of("children").c.id == child_id))
    tallies.adjust(conn, delta)  # the child's other rows (needs checks, referrals…) went with it by cascade
    forget_rows(conn, row_ids)
    unapplied.forget_child(conn, child_id)
    sharing_repo.forget_child(conn, child_id, row_ids)
    for conflict_id, value in settings.members(conn, config.CONFLICTS).items():
        if value.get("child_id") == child_id:
            settings.delete_member(conn, config.CONFLICTS, conflict_id)


def purge_or_defer(
    conn: Connection, child_ids: list[str], pending: dict[tuple[str, str], set[str]], stats: PageStats
) -> None:
    pending_rows = {row_id for _, row_id in pending}
    waiting: list[str] = settings.read(conn, config.DEFERRED_PURGES)
    deferred = set(waiting)
    for child_id in child_ids:
        if pending_rows & set(child_row_ids(conn, child_id)):
            deferred.add(child_id)  # push what is waiting first; the next round purges
            stats.deferred.append(child_id)
        else:
            purge_child(conn, child_id)
            deferred.discard(child_id)
            stats.purged.append(child_id)
    settings.write(conn, config.DEFERRED_PURGES, sorted(deferred))


def store_conflict(conn: Connection, info: Any) -> None:
    record = json.loads(info.model_dump_json())
    held = settings.read_member(conn, config.CONFLICTS, info.conflict_id)
    if held and held.get("state") == "resolved" and record["state"] == "open":
        record["state"], record["resolution"] = "resolved", held.get("resolution")  # resolved here, not yet heard
    settings.write_member(conn, config.CONFLICTS, info.conflict_id, record)


def apply_page(db: Database, items: list[Any], cursor: int) -> PageStats:
    """Apply one pulled page and store `cursor`, all or nothing — except rows this device cannot store, which
    are set aside with their reason (`unapplied`) so they never hold the rest back."""
    stats = PageStats()
    with db._write_lock, db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        items = _apply_items(conn, items, stats)
        settings.write(conn, config.CURSOR, int(cursor))
        latest = max((i.hlc for i in items if i.hlc), default="")
        if latest:
            db._clock.observe(latest)
            settings.write(conn, config.HLC, db._clock.last)
    return stats


def _apply_items(conn: Connection, items: list[Any], stats: PageStats) -> list[Any]:
    """Apply pulled items in order (rows, conflicts, purges, notices); returns those that could be applied."""
    pending = pending_fields(conn)
    sharing_repo.note_owners(conn, items)  # set-aside rows too: their owner stays known when they are stored
    items, stats.set_aside = unapplied.sort_page(conn, items)
    run: list[Any] = []
    for item in items:
        if item.kind == "row" and item.entity in SYNCED_TABLES:
            run.append(item)
            continue
        stats.rows += apply_rows(conn, run, pending)
        run = []
        if item.kind == "conflict" and item.conflict is not None:
            store_conflict(conn, item.conflict)
            stats.conflicts += 1
        elif item.kind == "purge":
            purge_or_defer(conn, [item.row_id], pending, stats)
        elif item.kind == "withheld":
            sharing_repo.note_withheld(conn, [item])
    stats.rows += apply_rows(conn, run, pending)
    merges.settle(conn, items)  # a merge pulled, or rows recorded for a merged child: under the kept child
    refresh_derived(conn, items)
    return items


def refresh_derived(conn: Any, items: list[Any]) -> None:
    """Keep what is derived from pulled rows current in the same transaction (each child's attendance counts)."""
    weeks = [i.row_id for i in items if i.kind == "row" and i.entity == "attendance_weeks"]
    if weeks:
        attendance_repo.refresh_totals(conn, attendance_repo.child_ids_of_weeks(conn, weeks))


def retry_unapplied(db: Database, *, everything: bool = False) -> PageStats:
    """Try set-aside pulled rows again: after an upgrade (rows an earlier version could not store), or all of them
    when a person asks. Rows that still cannot be stored stay set aside, now naming this version."""
    stats = PageStats()
    with db._write_lock, db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        due = unapplied.due_for_retry(conn, everything=everything)
        if due:
            ready, _ = unapplied.sort_page(conn, due)
            stats.rows = apply_rows(conn, ready, pending_fields(conn))
            refresh_derived(conn, ready)
    return stats


def deferred_ready(db: Database) -> list[str]:
    """Children whose purge waited for a change to be pushed and that have nothing waiting now (after a push)."""
    with db.engine.connect() as conn:
        waiting: list[str] = settings.read(conn, config.DEFERRED_PURGES)
        if not waiting:
            return []
        pending_rows = {row_id for _, row_id in pending_fields(conn)}
        return [c for c in waiting if not pending_rows & set(child_row_ids(conn, c))]


def apply_resent(db: Database, items: list[Any]) -> PageStats:
    """Apply the server's answer to `resend` (each child purged, then its rows as the policy allows now) in one
    transaction, leaving the cursor where it is; `purged` lists only the children that did not come back."""
    stats = PageStats()
    with db._write_lock, db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        _apply_items(conn, items, stats)
    back = {i.row_id for i in items if i.kind == "row" and i.entity == "children"}
    stats.purged = [c for c in stats.purged if c not in back]
    return stats
