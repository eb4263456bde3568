"""Server schema v15: a record keeps each write's clock and author once, not once per field.

`records.hlcs` and `records.authors` (per field, grouped by value since v8) become one column, `records.writes`:
`{"<version>": [clock, author], …}` — a change's clock and author are the same for every field it wrote, and each
field's version names that change, so the field names are stored once (in `versions`) instead of three times. A
field whose clock or author is not its version's is kept under "fields" with its own (`casedesk.server.db.compact`).

SQLite does not give the freed pages back to the file system until a `VACUUM`.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 13:20:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
ODD = "fields"


def _records(*names: str) -> Any:
    return sa.table(
        "records",
        sa.column("entity", sa.String),
        sa.column("row_id", sa.String),
        sa.column("versions", sa.JSON),
        *(sa.column(name, sa.JSON) for name in names),
    )


def _ungroup(stored: Any) -> dict[str, Any]:
    """As `casedesk.server.db.compact.ungroup` (copied: a migration keeps the behaviour it was written with)."""
    if isinstance(stored, list):
        return {name: value for value, names in stored for name in names}
    return dict(stored or {})


def _group(values: dict[str, Any]) -> Any:
    groups: dict[tuple[type, Any], list[str]] = {}
    try:
        for name, value in values.items():
            groups.setdefault((type(value), value), []).append(name)
    except TypeError:
        return values
    return [[value, names] for (_, value), names in groups.items()]


def _pack(versions: dict[str, Any], hlcs: dict[str, Any], authors: dict[str, Any]) -> dict[str, Any]:
    """As `casedesk.server.db.compact.pack_writes`."""
    writes: dict[str, Any] = {}
    for name, hlc in hlcs.items():
        version = versions.get(name)
        if version is not None and str(version) not in writes:
            writes[str(version)] = [hlc, authors.get(name)]
    odd: dict[str, Any] = {}
    for name in versions.keys() | hlcs.keys() | authors.keys():
        held = [hlcs.get(name), authors.get(name)]
        version = versions.get(name)
        expected = writes.get(str(version)) if version is not None else None
        if (expected or [None, None]) != held:
            odd[name] = held
    if odd:
        writes[ODD] = odd
    return writes


def _unpack(versions: dict[str, Any], writes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """As `casedesk.server.db.compact.unpack_writes`."""
    odd: dict[str, Any] = writes.get(ODD) or {}
    hlcs: dict[str, Any] = {}
    authors: dict[str, Any] = {}
    for name, version in versions.items():
        pair = odd.get(name) or writes.get(str(version))
        if pair is not None:
            if pair[0] is not None:
                hlcs[name] = pair[0]
            if pair[1] is not None:
                authors[name] = pair[1]
    for name, (hlc, author) in odd.items():
        if name not in versions:
            if hlc is not None:
                hlcs[name] = hlc
            if author is not None:
                authors[name] = author
    return hlcs, authors


def _convert(bind: Any, read: tuple[str, ...], write: tuple[str, ...], fn: Any) -> None:
    """Rewrite every record's `write` columns from its `read` ones, in batches by primary key."""
    table = _records(*read, *write)
    after: tuple[str, str] | None = None
    while True:
        query = sa.select(table.c.entity, table.c.row_id, table.c.versions, *(table.c[n] for n in read))
        if after is not None:
            query = query.where(sa.tuple_(table.c.entity, table.c.row_id) > sa.tuple_(*after))
        rows = bind.execute(query.order_by(table.c.entity, table.c.row_id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(
            sa.update(table)
            .where(table.c.entity == sa.bindparam("k_entity"), table.c.row_id == sa.bindparam("k_row"))
            .values({n: sa.bindparam(f"b_{n}") for n in write}),
            [
                {"k_entity": r.entity, "k_row": r.row_id, **{f"b_{n}": v for n, v in zip(write, fn(r), strict=True)}}
                for r in rows
            ],
        )
        after = (rows[-1].entity, rows[-1].row_id)


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("writes", sa.JSON(), nullable=True))
    _convert(
        op.get_bind(),
        ("hlcs", "authors"),
        ("writes",),
        lambda r: (_pack(_ungroup(r.versions), _ungroup(r.hlcs), _ungroup(r.authors)),),
    )
    with op.batch_alter_table("records") as batch:
        batch.drop_column("hlcs")
        batch.drop_column("authors")
        batch.alter_column("writes", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    """Per-field clocks and authors again, grouped by value as schema v8 stores them."""
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("hlcs", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("authors", sa.JSON(), nullable=True))
    _convert(
        op.get_bind(),
        ("writes",),
        ("hlcs", "authors"),
        lambda r: tuple(_group(m) for m in _unpack(_ungroup(r.versions), r.writes or {})),
    )
    with op.batch_alter_table("records") as batch:
        batch.drop_column("writes")
        batch.alter_column("hlcs", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("authors", existing_type=sa.JSON(), nullable=False)
