"""The device's digest, kept up to date with each write instead of recounted every sync round.

One setting holds, per synced entity, a `casedesk.domain.tally` sum: the row count and the sum of the rows' numbers
(over the same canonical JSON the server hashes). Every write to a synced table moves it in the same transaction:
the unit of work for local edits, `apply_rows` for pulled rows, `purge_child` for children leaving the view, and
`moving` around the rarer bulk rewrites (a resync, a recovery after a server restore). A sync round then compares a
few numbers with the server's, whatever the caseload, after subtracting the rows it holds back.

`recount` counts the same digest from the rows themselves: the periodic check that the kept sums match the data,
and their repair. A database created before the sums existed has none until its first recount; until then writes
leave them alone. Entities come from the catalogue, so a new record type is covered without a change here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Table, select
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from casedesk import config
from casedesk.domain.schema import CATALOGUE
from casedesk.domain.tally import Tally, canonical_number
from casedesk.store import settings
from casedesk.store.journal.wire_values import to_json_value
from casedesk.store.models import SYNCED_TABLES, UTCDateTime
from casedesk.store.tables import mapped_table

Delta = dict[str, Tally]


def _fields(entity: str) -> tuple[str, ...]:
    return tuple(sorted(CATALOGUE[entity].names))


FIELDS: dict[str, tuple[str, ...]] = {entity: _fields(entity) for entity in SYNCED_TABLES}


@cache
def _table(entity: str) -> Table:
    return mapped_table(SYNCED_TABLES[entity])


@dataclass(frozen=True)
class _Shape:
    """How each synced field of a table turns JSON-safe, worked out once per table: times to UTC ISO text, dates
    to ISO text, flags to booleans, JSON documents through `to_json_value`; text and numbers as they are. So a row
    about to be written (a Python value, a local time, 1 for true) gives the number its stored copy gives."""

    plan: tuple[tuple[str, Any], ...]  # each synced field in name order, with its conversion (None: as it is)
    defaults: dict[str, Any]


def _time(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo is not None else value).isoformat()
    return value


def _date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _flag(value: Any) -> Any:
    return None if value is None else bool(value)


@cache
def _shape(entity: str) -> _Shape:
    table = _table(entity)
    plan: list[tuple[str, Any]] = []
    for name in FIELDS[entity]:
        column = table.c.get(name)
        convert: Any = None
        if column is not None:
            if isinstance(column.type, UTCDateTime | DateTime):
                convert = _time
            elif isinstance(column.type, Date):
                convert = _date
            elif isinstance(column.type, Boolean):
                convert = _flag
            elif isinstance(column.type, JSON):
                convert = to_json_value
        plan.append((name, convert))
    defaults = {
        c.name: c.default.arg
        for c in table.c
        if c.name in FIELDS[entity] and isinstance(c.default, ScalarElementColumnDefault)
    }
    return _Shape(plan=tuple(plan), defaults=defaults)


def canonical_steps(entity: str) -> dict[str, Any]:
    """Each digested field of `entity` and how a stored value of it turns canonical (None: as it is), for a
    caller that numbers rows from values it already holds one by one (`number_of` gives the same numbers)."""
    return dict(_shape(entity).plan)


def new_delta() -> Delta:
    return defaultdict(Tally)


def number_of(entity: str, row: Mapping[Any, Any], *, new: bool = False) -> int:
    """A row's contribution, from its column values as stored — or, with `new`, as about to be inserted (column
    defaults filled in as the insert will) — turned JSON-safe the way the digest always has (`wire_values`).
    The canonical values are gathered in one pass (a first sync numbers every row it receives)."""
    shape = _shape(entity)
    if new:
        row = {**shape.defaults, **row}
    get = row.get
    canonical = {name: get(name) if convert is None else convert(get(name)) for name, convert in shape.plan}
    canonical["deleted"] = bool(get("deleted"))
    return canonical_number(str(row["id"]), canonical)


def record_change(delta: Delta, entity: str, before: int | None, after: int | None) -> None:
    tally = delta[entity]
    if before is not None:
        tally.remove(before)
    if after is not None:
        tally.add(after)


def kept(conn: Any) -> dict[str, Tally] | None:
    """The kept tallies, or None on a database that has never been counted."""
    if not settings.is_stored(conn, config.SYNC_TALLIES):
        return None
    value = settings.read(conn, config.SYNC_TALLIES)
    return {entity: Tally.from_parts(*value.get(entity, [0, ""])) for entity in SYNCED_TABLES}


def store(conn: Any, tallies: Mapping[str, Tally]) -> None:
    value = {entity: tallies[entity].to_json() for entity in SYNCED_TABLES if entity in tallies}
    settings.write(conn, config.SYNC_TALLIES, value)


def adjust(conn: Any, delta: Mapping[str, Tally]) -> None:
    """Move the kept tallies by `delta`, inside the caller's transaction (nothing to do before the first count)."""
    if all(t.empty for t in delta.values()):
        return
    held = kept(conn)
    if held is None:
        return
    for entity, t in delta.items():
        held[entity].merge(t)
    store(conn, held)


def rows_of(conn: Any, entity: str, ids: Iterable[str]) -> list[Mapping[str, Any]]:
    """Stored rows of `entity` among `ids` (those it holds)."""
    table = _table(entity)
    wanted = sorted(set(ids))
    out: list[Mapping[str, Any]] = []
    for start in range(0, len(wanted), 500):
        out += conn.execute(select(table).where(table.c.id.in_(wanted[start : start + 500]))).mappings().all()
    return out


def numbers_of(conn: Any, entity: str, ids: Iterable[str]) -> dict[str, int]:
    return {str(row["id"]): number_of(entity, row) for row in rows_of(conn, entity, ids)}


@contextmanager
def moving(conn: Any, entity: str, ids: Iterable[str]) -> Iterator[None]:
    """Around a bulk rewrite of these rows of `entity` (updates or inserts, no deletes): move the kept sums by each
    row's number after minus before."""
    wanted = sorted(set(ids))
    before = numbers_of(conn, entity, wanted)
    yield
    after = numbers_of(conn, entity, wanted)
    delta = new_delta()
    for row_id in wanted:
        if before.get(row_id) != after.get(row_id):
            record_change(delta, entity, before.get(row_id), after.get(row_id))
    adjust(conn, delta)


def recount_entity(conn: Any, entity: str) -> Tally:
    table = _table(entity)
    tally = Tally()
    for row in conn.execute(select(table).execution_options(yield_per=2000)).mappings():
        tally.add(number_of(entity, row))
    return tally


def recount_all(conn: Any) -> dict[str, Tally]:
    """Every entity's tally counted from its rows."""
    return {entity: recount_entity(conn, entity) for entity in SYNCED_TABLES}


def refresh(conn: Any, entities: Iterable[str] | None = None) -> None:
    """Recount entities (all by default) into the kept tallies, after rows were removed wholesale (a delete may
    also cascade to, or clear references in, other tables)."""
    held = kept(conn)
    if held is not None:
        for entity in SYNCED_TABLES if entities is None else entities:
            held[entity] = recount_entity(conn, entity)
        store(conn, held)


def without(conn: Any, tallies: Mapping[str, Tally], exclude: Iterable[str]) -> dict[str, Tally]:
    """The tallies less the rows among `exclude` that this device holds (rows held back from the comparison)."""
    out = {entity: t.copy() for entity, t in tallies.items()}
    ids = sorted(set(exclude))
    if ids:
        for entity in out:
            for row in rows_of(conn, entity, ids):
                out[entity].remove(number_of(entity, row))
    return out
