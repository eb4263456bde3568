"""Server schema v16: a record's versions are stored against its data, not with every field's name again.

`records.versions` (grouped by value since v8: `[[9, ["category", "significance", …every field…]]]`) becomes the
version alone when every field of the data holds it (`9`: most records, written by one change), else the version
most fields hold and the exceptions grouped (`[9, [[120, ["body"]]]]`), with a third element listing the data's
fields that hold no version, if any (`casedesk.server.db.compact.pack_versions`). Versions that are not all whole
numbers stay grouped. The downgrade stores every record grouped again.

SQLite does not give the freed pages back to the file system until a `VACUUM`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 19:50:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
RECORDS = sa.table(
    "records",
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("data", sa.JSON),
    sa.column("versions", sa.JSON),
)


def _group(values: dict[str, Any]) -> Any:
    """As `casedesk.server.db.compact.group` (copied: a migration keeps the behaviour it was written with)."""
    groups: dict[tuple[type, Any], list[str]] = {}
    try:
        for name, value in values.items():
            groups.setdefault((type(value), value), []).append(name)
    except TypeError:
        return values
    return [[value, names] for (_, value), names in groups.items()]


def _ungroup(stored: Any) -> dict[str, Any]:
    if isinstance(stored, list):
        return {name: value for value, names in stored for name in names}
    return dict(stored or {})


def _pack(versions: dict[str, Any], data: dict[str, Any]) -> Any:
    """As `casedesk.server.db.compact.pack_versions`."""
    values = list(versions.values())
    if not values or any(type(v) is not int for v in values):
        return _group(versions)
    counts: dict[int, int] = {}
    for name in data:
        if name in versions:
            counts[versions[name]] = counts.get(versions[name], 0) + 1
    if not counts:
        return _group(versions)
    base = max(counts, key=counts.__getitem__)
    exceptions = {name: v for name, v in versions.items() if v != base or name not in data}
    unversioned = [name for name in data if name not in versions]
    if not exceptions and not unversioned:
        return base
    return [base, _group(exceptions), *([unversioned] if unversioned else [])]


def _unpack(stored: Any, data: dict[str, Any]) -> dict[str, Any]:
    """As `casedesk.server.db.compact.unpack_versions`."""
    if type(stored) is int:
        return dict.fromkeys(data, stored)
    if isinstance(stored, list) and stored and not isinstance(stored[0], list):
        base, exceptions, *rest = stored
        unversioned = set(rest[0]) if rest else set()
        out = {name: base for name in data if name not in unversioned}
        out.update(_ungroup(exceptions))
        return out
    return _ungroup(stored)


def _convert(fn: Any) -> None:
    """Rewrite every record's versions, in batches by primary key."""
    bind = op.get_bind()
    table = RECORDS
    after: tuple[str, str] | None = None
    while True:
        query = sa.select(table.c.entity, table.c.row_id, table.c.data, table.c.versions)
        if after is not None:
            query = query.where(sa.tuple_(table.c.entity, table.c.row_id) > sa.tuple_(*after))
        rows = bind.execute(query.order_by(table.c.entity, table.c.row_id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(
            sa.update(table)
            .where(table.c.entity == sa.bindparam("k_entity"), table.c.row_id == sa.bindparam("k_row"))
            .values(versions=sa.bindparam("b_versions")),
            [{"k_entity": r.entity, "k_row": r.row_id, "b_versions": fn(r.versions, r.data or {})} for r in rows],
        )
        after = (rows[-1].entity, rows[-1].row_id)


def upgrade() -> None:
    _convert(lambda stored, data: _pack(_ungroup(stored), data))


def downgrade() -> None:
    """Every record's versions grouped by value again, as schema v8 to v15 store them."""
    _convert(lambda stored, data: _group(_unpack(stored, data)))
