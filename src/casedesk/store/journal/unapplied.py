"""Pulled rows this device cannot store, set aside with the reason instead of blocking every later sync.

A page of the server's feed is applied all or nothing, with its cursor. One row a device cannot store (an integer
beyond its columns, a date it cannot read: a value an older server let through, or one a newer version writes)
would otherwise roll the page back every round, and the device would never move again. Such a row is held here
(in the device's settings, inside the encrypted database) with its reason, rows that hang off it wait with it,
and the rest of the page applies. A later feed item for a held row is merged into it, and held rows are tried
again when the app is upgraded (they name the version that could not store them) or when a person asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, select

from casedesk import __version__, config
from casedesk.domain.schema import CATALOGUE, FieldType, ValueRefused, storable
from casedesk.store import settings
from casedesk.store.database import Database
from casedesk.store.models import SYNCED_TABLES
from casedesk.store.tables import mapped_table

_TEXTUAL = frozenset({FieldType.TEXT, FieldType.UUID})


@dataclass(frozen=True, slots=True)
class UnappliedRow:
    """A pulled row held back, shaped like a pulled item so it can be applied as one once it can be stored."""

    entity: str
    row_id: str
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    deleted: bool = False
    hlc: str = ""
    at: str = ""
    app_version: str = __version__
    new: bool = True  # the device does not hold the row at all (rows pointing at it must wait too)
    field: str = ""  # the field whose value could not be stored ("" when the row waits for another)
    kind: str = "row"

    def as_setting(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "kind"}


def problem(item: Any) -> tuple[str, str] | None:
    """The field and the reason this device cannot store a pulled row's values (None: it can)."""
    checks = _checks(item.entity)
    if checks is None:
        return None
    textual, by_name = checks
    for name, value in item.fields.items():
        if value is None or (type(value) is str and name in textual):
            continue  # the common case, decided without a call
        spec = by_name.get(name)  # a field from a newer version is ignored on apply, not refused
        if spec is None:
            continue
        try:
            storable(spec, value)
        except ValueRefused as exc:
            return name, f"cannot be stored on this device: {exc}"
    return None


@cache
def _checks(entity: str) -> tuple[frozenset[str], dict[str, Any]] | None:
    """An entity's text fields (a string there needs no check) and its fields by name; None if not known here."""
    record = CATALOGUE.get(entity)
    if record is None:
        return None
    return frozenset(name for name, spec in record.by_name.items() if spec.type in _TEXTUAL), dict(record.by_name)


def held(conn: Connection) -> dict[tuple[str, str], UnappliedRow]:
    found = [UnappliedRow(**value) for value in settings.members(conn, config.UNAPPLIED).values()]
    return {(r.entity, r.row_id): r for r in sorted(found, key=lambda r: r.at)}


def hold(conn: Connection, row: UnappliedRow) -> None:
    value = replace(row, at=row.at or datetime.now(UTC).isoformat(timespec="seconds"), app_version=__version__)
    settings.write_member(conn, config.UNAPPLIED, f"{row.entity}:{row.row_id}", value.as_setting())


def release(conn: Connection, entity: str, row_id: str) -> None:
    settings.delete_member(conn, config.UNAPPLIED, f"{entity}:{row_id}")


def _merged(row: UnappliedRow, item: Any) -> UnappliedRow:
    """A held row brought up to date by a later feed item for it (a field's newer version wins)."""
    fields, versions = dict(row.fields), dict(row.versions)
    for name, value in item.fields.items():
        version = int(item.versions.get(name, 0))
        if version >= int(versions.get(name, 0)):
            fields[name], versions[name] = value, version
    deleted = row.deleted or bool(item.deleted)
    if item.deleted:
        versions["deleted"] = int(item.versions.get("deleted", 0))
    return replace(row, fields=fields, versions=versions, deleted=deleted, hlc=max(row.hlc, item.hlc or ""))


def _exists(conn: Connection, entity: str, row_id: str) -> bool:
    table = mapped_table(SYNCED_TABLES[entity])
    return conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is not None


def sort_page(conn: Connection, items: list[Any]) -> tuple[list[Any], list[UnappliedRow]]:
    """The page's items this device can apply (held rows that now can be stored among them), and the rows newly
    set aside. Rows pointing at a held row the device lacks wait with it, so foreign keys hold; once
    that row can be stored, the rows waiting for it are released with it."""
    holding = held(conn)
    missing = {row.row_id for row in holding.values() if row.new}
    ready: list[Any] = []
    newly: list[UnappliedRow] = []
    released: set[str] = set()

    def consider(item: Any) -> None:
        key = (item.entity, item.row_id)
        candidate: Any = _merged(holding[key], item) if key in holding and holding[key] is not item else item
        field_name, reason = problem(candidate) or ("", None)
        if reason is None and missing:
            refs = CATALOGUE[item.entity].references.items()
            waits_for = [target for name, target in refs if candidate.fields.get(name) in missing]
            if waits_for:
                reason = f"waits for {waits_for[0]}, which this device set aside"
        if reason is None:
            if key in holding:
                release(conn, *key)
                del holding[key]
                missing.discard(item.row_id)
                released.add(item.row_id)
            ready.append(candidate)
            return
        if key not in holding:
            candidate = UnappliedRow(
                item.entity,
                item.row_id,
                reason,
                dict(item.fields),
                dict(item.versions),
                bool(item.deleted),
                item.hlc or "",
                new=not _exists(conn, item.entity, item.row_id),
            )
            newly.append(replace(candidate, reason=reason, field=field_name))
        holding[key] = replace(candidate, reason=reason, field=field_name)
        hold(conn, holding[key])
        if candidate.new:
            missing.add(item.row_id)

    for item in items:
        if item.kind != "row" or item.entity not in CATALOGUE:
            ready.append(item)
        elif not holding and problem(item) is None:
            ready.append(item)  # nothing held to merge or wait for, nothing to refuse: a first sync's every row
        else:
            consider(item)
    while released:  # rows that waited for a row now stored go with it
        freed, released = released, set()
        for row in [r for r in holding.values() if set(map(str, r.fields.values())) & freed]:
            consider(row)
    return ready, newly


def due_for_retry(conn: Connection, *, everything: bool = False) -> list[UnappliedRow]:
    """Held rows to try again: those an earlier version of the app could not store (or all, when asked)."""
    return [row for row in held(conn).values() if everything or row.app_version != __version__]


def forget_child(conn: Connection, child_id: str) -> None:
    """A child left this device's view: its held rows go with it."""
    for (entity, row_id), row in held(conn).items():
        if row_id == child_id or row.fields.get(CATALOGUE[entity].child_key or "") == child_id:
            release(conn, entity, row_id)


def list_unapplied(db: Database) -> list[UnappliedRow]:
    """Every pulled row set aside, oldest first, for the Sync page."""
    with db.engine.connect() as conn:
        return list(held(conn).values())


def held_row_ids(db: Database) -> set[str]:
    """Rows set aside on pull: they differ from the server on purpose, so the digest leaves them out."""
    with db.engine.connect() as conn:
        return {row_id for _, row_id in held(conn)}
