"""Writing a pulled page's rows: rows the device lacks inserted in bulk, newer field versions merged into rows
it holds, and the kept digest moved by each row's number, all in the caller's transaction.

A first sync brings hundreds of thousands of rows, nearly all new, so the path for a new row is kept short: which
rows the device already holds is asked once per table and page (ids only, through the driver's cursor); a new
row's values are converted from JSON once and bound straight into one `executemany` per table, through each
column's own bind processor, without SQLAlchemy building a parameter dictionary per row; its digest number comes
from the same values. Rows the device holds take the general path: fetched whole, merged field by field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Table, select, update

from casedesk.domain.tally import MODULUS, canonical_number
from casedesk.store.field_versions import versions_json
from casedesk.store.journal import tallies
from casedesk.store.models import APPEND_ONLY_TABLES, SYNCED_TABLES, UTCDateTime
from casedesk.store.tables import mapped_table

_STAMPS = ("created_at", "updated_at")  # the same for every row applied at once: bound once, not once a row
_OWN = ("id", "deleted", "versions")  # bound from the item itself, not from its fields
_CHUNK = 500  # ids per lookup (SQLite's bound-parameter limit is far above; plans stay cached)
_ABSENT = object()


def _same(value: Any) -> Any:
    return value


@cache
def table_of(entity: str) -> Table:
    return mapped_table(SYNCED_TABLES[entity])  # looked up once: a first sync asks for every row it applies


def _to_datetime(value: Any) -> Any:
    return datetime.fromisoformat(value).astimezone(UTC) if isinstance(value, str) else value


def _to_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


# The wire's usual spellings of a UTC time to the second and of a date, which the column stores and the digest
# hashes with no conversion but the time's microseconds: such a value is only checked (`fromisoformat`), not
# converted and formatted twice. Any other spelling (an offset, fractions of a second) takes the general path.
_UTC_SECOND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\+00:00")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _time_as_sent(value: Any) -> tuple[str, str] | None:
    """(stored text, digest's canonical text) of a time sent in UTC to the second, else None."""
    if type(value) is not str or _UTC_SECOND.fullmatch(value) is None:
        return None
    datetime.fromisoformat(value)  # a real time (refused as the general path would refuse it)
    return f"{value[:19]}.000000+00:00", value


def _date_as_sent(value: Any) -> tuple[str, str] | None:
    """(stored text, digest's canonical text) of a date sent as YYYY-MM-DD, else None."""
    if type(value) is not str or _DAY.fullmatch(value) is None:
        return None
    date.fromisoformat(value)
    return value, value


def _flag_as_sent(bind: Any) -> Any:
    """For a flag column: (stored value, canonical value) of true or false sent as such, else None."""
    stored = {True: bind(True), False: bind(False)}

    def as_sent(value: Any) -> tuple[Any, bool] | None:
        return (stored[value], value) if type(value) is bool else None

    return as_sent


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
class _Plan:
    """What inserting a table's pulled rows needs, worked out once per table and dialect rather than per row."""

    statement: str  # INSERT naming id, deleted, versions, the plain columns, the other data columns, the stamps
    names: frozenset[str]  # every column of the table
    # data columns whose JSON value is what is bound and digested as it is (text, numbers): (name, default)
    plain: tuple[tuple[str, Any], ...]
    # the other data columns: (name, scalar default, from JSON, bind processor, to the digest's canonical value,
    # whether the column is digested, a shortcut from the text sent to the stored and canonical values or None);
    # None: the value goes as it is
    steps: tuple[tuple[str, Any, Any, Any, Any, bool, Any], ...]
    undigested: dict[str, None]  # digested fields the table has no column for: None in every row's number
    deleted: Any  # `deleted` as stored and canonical (`_flag_as_sent`)
    stamps: tuple[Any, ...]  # bind processors of the row stamps
    required: tuple[str, ...]  # fields a new row cannot be stored without


@lru_cache(maxsize=256)
def _plan(entity: str, dialect: Any) -> _Plan:
    table = table_of(entity)
    converters = _converters(table)
    canonical = tallies.canonical_steps(entity)
    plain, steps = [], []
    for c in table.c:
        if c.name in _STAMPS or c.name in _OWN:
            continue
        convert = converters.get(c.name)
        step = (
            c.name,
            _column_default(c),
            convert,
            c.type.bind_processor(dialect),
            canonical.get(c.name),
            c.name in canonical,
            _as_sent(c, convert, dialect),
        )
        if step[2:] == (None, None, None, True, None):
            plain.append((c.name, step[1]))
        else:
            steps.append(step)
    order = (*_OWN, *(name for name, _ in plain), *(step[0] for step in steps), *_STAMPS)
    names = ", ".join(f'"{name}"' for name in order)
    return _Plan(
        statement=f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(order))})',
        names=frozenset(table.c.keys()),
        plain=tuple(plain),
        steps=tuple(steps),
        undigested=dict.fromkeys(name for name in canonical if name not in table.c),
        deleted=_flag_as_sent(table.c.deleted.type.bind_processor(dialect) or _same),
        stamps=tuple(table.c[name].type.bind_processor(dialect) for name in _STAMPS),
        required=_required(table),
    )


def _as_sent(column: Any, convert: Any, dialect: Any) -> Any:
    """The column's shortcut from a value as sent to its stored and canonical values (None: none)."""
    if convert is _to_datetime:
        return _time_as_sent
    if convert is _to_date:
        return _date_as_sent
    if isinstance(column.type, Boolean) and convert is None:
        bind = column.type.bind_processor(dialect)
        return _flag_as_sent(bind or _same)
    return None


def _column_default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def _required(table: Any) -> tuple[str, ...]:
    return tuple(
        c.name
        for c in table.c
        if not c.nullable
        and c.default is None
        and c.server_default is None
        and c.name not in ("id", "created_at", "updated_at", "versions", "deleted")
    )


class _New:
    """A row the device lacks, as its page's items build it: values as the columns store them, field versions."""

    __slots__ = ("deleted", "shared", "values", "versions")

    def __init__(self, values: dict[str, Any], versions: dict[str, int], deleted: bool) -> None:
        self.values, self.versions, self.deleted = values, versions, deleted
        self.shared = True  # still the item's own maps: copied before a later item of the page changes them

    def own(self) -> None:
        if self.shared:
            self.values, self.versions, self.shared = dict(self.values), dict(self.versions), False


def apply_rows(conn: Connection, items: list[Any], pending: dict[tuple[str, str], set[str]]) -> int:
    """Insert rows the device lacks and merge newer field versions into rows it has; returns the rows written.

    Foreign keys are deferred to the end of the page's transaction, so the order of the bulk inserts does not
    matter. A field is overwritten only by a newer version, and never while a local edit of it waits (`pending`).
    """
    by_entity: dict[str, list[Any]] = {}
    for item in items:
        by_entity.setdefault(item.entity, []).append(item)
    now = datetime.now(UTC)
    delta = tallies.new_delta()
    applied = 0
    for entity, group in by_entity.items():
        applied += _apply_entity(conn, entity, group, pending, now, delta)
    tallies.adjust(conn, delta)
    return applied


def _apply_entity(
    conn: Connection,
    entity: str,
    items: list[Any],
    pending: dict[tuple[str, str], set[str]],
    now: datetime,
    delta: tallies.Delta,
) -> int:
    plan = _plan(entity, conn.dialect)
    table = table_of(entity)
    stored = _stored(conn, table, {item.row_id for item in items})
    fresh: dict[str, _New] = {}
    merged: dict[str, dict[str, Any]] = {}  # row id → {"versions", "deleted", "changes"} for rows held
    columns = plan.names
    for item in items:
        row_id = item.row_id
        new = fresh.get(row_id)
        if new is None and row_id not in stored:
            fields = item.fields
            if None in map(fields.get, plan.required):
                continue  # a partial row for something this device never had (it arrives whole with its child)
            # as sent: converted once at insert, which reads the table's columns only
            fresh[row_id] = _New(fields, item.versions, bool(item.deleted))
            continue
        if new is None and entity in APPEND_ONLY_TABLES:
            continue  # append-only: the row never changes once written
        held: dict[str, Any] | None = None
        if new is not None:
            new.own()
            versions, changes, deleted = new.versions, new.values, new.deleted
        else:
            held = merged.get(row_id)
            if held is None:
                row = stored[row_id]
                held = merged[row_id] = {
                    "versions": dict(row["versions"]),
                    "deleted": bool(row["deleted"]),
                    "changes": {},
                }
            versions, changes, deleted = held["versions"], held["changes"], held["deleted"]
        held_back = pending.get((entity, row_id), ())
        for name, value in item.fields.items():
            version = int(item.versions.get(name, 0))
            if version > int(versions.get(name, 0)) and name not in held_back and name in columns:
                changes[name] = value if new is not None else from_wire(table, name, value)
                versions[name] = version
        if item.deleted and not deleted:
            versions["deleted"] = int(item.versions.get("deleted", 0))
            if new is not None:
                new.deleted = True
            elif held is not None:
                changes["deleted"] = held["deleted"] = True
    for row_id, held in merged.items():
        if held["changes"]:
            row = stored[row_id]
            after = {**row, **held["changes"]}
            tallies.record_change(delta, entity, tallies.number_of(entity, row), tallies.number_of(entity, after))
            conn.execute(
                update(table)
                .where(table.c.id == row_id)
                .values(**held["changes"], versions=held["versions"], updated_at=now)
            )
    if fresh:
        _insert(conn, entity, plan, fresh, now, delta)
    return len(fresh) + sum(1 for held in merged.values() if held["changes"])


def _stored(conn: Connection, table: Table, ids: set[str]) -> dict[str, Any]:
    """The rows among `ids` the device holds, whole: ids asked first through the driver's cursor (in a first sync
    none are held, and a full select through SQLAlchemy would be most of the lookup's cost)."""
    wanted = sorted(ids)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    found: list[str] = []
    try:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            sql = f'SELECT id FROM "{table.name}" WHERE id IN ({",".join("?" * len(chunk))})'
            found += [row[0] for row in cursor.execute(sql, chunk)]
    finally:
        cursor.close()
    out: dict[str, Any] = {}
    for start in range(0, len(found), _CHUNK):
        query = select(table).where(table.c.id.in_(found[start : start + _CHUNK]))
        out.update((row["id"], row) for row in conn.execute(query).mappings())
    return out


def _insert(conn: Connection, entity: str, plan: _Plan, fresh: dict[str, _New], now: datetime, delta: Any) -> None:
    """One executemany of the new rows stamped `now`, and each row's digest number, in one pass over each row's
    values: text and numbers go to the statement and the digest as they are; any other value goes from JSON to
    what the column holds once, then through the column type's own bind processor (the statement and stored
    values `conn.execute(insert(table), rows)` gives) and to the digest's canonical value (the number
    `tallies.number_of` gives the stored row)."""
    stamp = tuple(now if convert is None else convert(now) for convert in plan.stamps)
    plain_names = [name for name, _ in plan.plain]
    plain, steps, undigested, deleted_as = plan.plain, plan.steps, plan.undigested, plan.deleted
    total = 0  # the rows' numbers summed here and moved into the kept digest once (the sum is the same)
    params = []
    for row_id, new in fresh.items():
        get = new.values.get
        values = [get(name, default) for name, default in plain]
        canonical = dict(zip(plain_names, values, strict=True))
        canonical.update(undigested)
        row: list[Any] = [row_id, deleted_as(new.deleted)[0], versions_json(entity, new.versions), *values]
        for name, default, convert, bind, digest, digested, as_sent in steps:
            value = get(name, _ABSENT)
            if value is _ABSENT:
                value = default  # as the column default gives it, unconverted
            elif as_sent is not None and (both := as_sent(value)) is not None:
                row.append(both[0])
                if digested:
                    canonical[name] = both[1]
                continue
            elif convert is not None and value is not None:
                value = convert(value)
            row.append(value if bind is None else bind(value))
            if digested:
                canonical[name] = value if digest is None else digest(value)
        canonical["deleted"] = new.deleted
        total += canonical_number(row_id, canonical)
        row += stamp
        params.append(row)
    delta[entity].add(total % MODULUS, len(params))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(plan.statement, params)
    finally:
        cursor.close()
