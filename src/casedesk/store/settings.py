"""The one typed read and write of the device's settings, whose keys, types and defaults `casedesk.config` declares.

`Database.get` / `.put` use these for a setting on its own. Work that must commit a setting together with other
rows (a pulled page with its cursor, a unit of work with its clock, a resolved conflict) calls them on its own
connection, so the setting is part of the same transaction.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Connection, delete, insert, select, update

from casedesk import config
from casedesk.config import Setting, SettingFamily
from casedesk.store.models import SettingRow
from casedesk.store.tables import mapped_table

T = TypeVar("T")
_table = mapped_table(SettingRow)
_DECLARED = {s.key: s for s in config.SETTINGS}
_FAMILIES = {f.prefix: f for f in config.FAMILIES}


def _declared(setting: Setting[T]) -> Setting[T]:
    """Only a setting `casedesk.config` declares is read or written: a key made up elsewhere is refused."""
    if _DECLARED.get(setting.key) is not setting:
        raise KeyError(f"setting {setting.key!r} is not declared in casedesk.config")
    return setting


def _family(family: SettingFamily) -> SettingFamily:
    if _FAMILIES.get(family.prefix) is not family:
        raise KeyError(f"settings family {family.prefix!r} is not declared in casedesk.config")
    return family


def _read(conn: Connection, key: str) -> Any:
    return conn.execute(select(_table.c.value).where(_table.c.key == key)).scalar()


def _write(conn: Connection, key: str, value: Any) -> None:
    if conn.execute(select(_table.c.key).where(_table.c.key == key)).first() is None:
        conn.execute(insert(_table).values(key=key, value=value))
    else:
        conn.execute(update(_table).where(_table.c.key == key).values(value=value))


def read(conn: Connection, setting: Setting[T]) -> T:
    """The setting's value as its declared type (its default when nothing is stored)."""
    return setting.decode(_read(conn, _declared(setting).key))


def is_stored(conn: Connection, setting: Setting[T]) -> bool:
    return _read(conn, _declared(setting).key) is not None


def write(conn: Connection, setting: Setting[T], value: T | None) -> None:
    """Store `value` (checked against the declared type); None stores nothing, so the default applies again."""
    _write(conn, _declared(setting).key, setting.encode(value))


def read_member(conn: Connection, family: SettingFamily, member: str) -> Any:
    return _read(conn, _family(family).key(member))


def write_member(conn: Connection, family: SettingFamily, member: str, value: Any) -> None:
    _write(conn, _family(family).key(member), value)


def delete_member(conn: Connection, family: SettingFamily, member: str) -> None:
    conn.execute(delete(_table).where(_table.c.key == _family(family).key(member)))


def members(conn: Connection, family: SettingFamily) -> dict[str, Any]:
    """Every member of a family, by its id."""
    rows = conn.execute(
        select(_table.c.key, _table.c.value).where(_table.c.key.startswith(_family(family).prefix, autoescape=True))
    )
    return {family.member(key): value for key, value in rows}
