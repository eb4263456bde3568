"""Server schema v8: what is kept per field, stored once per value; inserts' feed items without a copy of the values.

- `records.versions`, `hlcs` and `authors`: each `{field: value}` map is stored grouped by value,
  `[[value, [field, …]], …]` (`casedesk.server.db.compact`): one change writes many fields, so a record mostly
  holds one version, one clock and one author, which were stored once for every field.
- `feed.fields` of a record's insert by a device (the item whose number is the record's `created_seq`) is emptied:
  a pull reads those values, with their versions, from the record itself.
- `applied_changes.result`: the answer without the change id (the row's key) or an empty reason, versions grouped.

No table changes shape. SQLite does not give the freed pages back to the file system until a `VACUUM`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 11:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000

records = sa.table(
    "records",
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("created_seq", sa.Integer),
    sa.column("versions", sa.JSON),
    sa.column("hlcs", sa.JSON),
    sa.column("authors", sa.JSON),
)
feed = sa.table(
    "feed",
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("fields", sa.JSON),
    sa.column("hlc", sa.String),
)
answers = sa.table("applied_changes", sa.column("change_id", sa.String), sa.column("result", sa.JSON))


def _group(values: Any) -> Any:
    """As `casedesk.server.db.compact.group` (copied: a migration keeps the behaviour it was written with)."""
    if not isinstance(values, dict):
        return values
    groups: dict[tuple[type, Any], list[str]] = {}
    try:
        for name, value in values.items():
            groups.setdefault((type(value), value), []).append(name)
    except TypeError:
        return values
    return [[value, names] for (_, value), names in groups.items()]


def _pack(result: Any) -> Any:
    if not isinstance(result, dict) or "status" not in result:
        return result
    packed: dict[str, Any] = {"status": result["status"]}
    if result.get("versions"):
        packed["versions"] = _group(result["versions"])
    if result.get("reason") is not None:
        packed["reason"] = result["reason"]
    return packed


def _records(bind: Any) -> None:
    after: tuple[str, str] | None = None
    while True:
        query = sa.select(records.c.entity, records.c.row_id, records.c.versions, records.c.hlcs, records.c.authors)
        if after is not None:
            query = query.where(sa.tuple_(records.c.entity, records.c.row_id) > sa.tuple_(*after))
        rows = bind.execute(query.order_by(records.c.entity, records.c.row_id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(
            sa.update(records)
            .where(records.c.entity == sa.bindparam("k_entity"), records.c.row_id == sa.bindparam("k_row"))
            .values(versions=sa.bindparam("v"), hlcs=sa.bindparam("h"), authors=sa.bindparam("a")),
            [
                {
                    "k_entity": r.entity,
                    "k_row": r.row_id,
                    "v": _group(r.versions),
                    "h": _group(r.hlcs),
                    "a": _group(r.authors),
                }
                for r in rows
            ],
        )
        after = (rows[-1].entity, rows[-1].row_id)


def _answers(bind: Any) -> None:
    after = ""
    while True:
        rows = bind.execute(
            sa.select(answers.c.change_id, answers.c.result)
            .where(answers.c.change_id > after)
            .order_by(answers.c.change_id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            sa.update(answers).where(answers.c.change_id == sa.bindparam("k")).values(result=sa.bindparam("r")),
            [{"k": r.change_id, "r": _pack(r.result)} for r in rows],
        )
        after = rows[-1].change_id


def upgrade() -> None:
    bind = op.get_bind()
    _records(bind)
    inserted = sa.exists().where(
        records.c.entity == feed.c.entity, records.c.row_id == feed.c.row_id, records.c.created_seq == feed.c.seq
    )
    # devices' inserts only: the few records the server writes itself (organisations, agreements) keep theirs
    devices = ~feed.c.hlc.endswith("-server")
    bind.execute(sa.update(feed).where(feed.c.kind == "row", inserted, devices).values(fields={}))
    _answers(bind)


def _ungroup(stored: Any) -> Any:
    return {name: value for value, names in stored for name in names} if isinstance(stored, list) else stored


def downgrade() -> None:
    """Maps stored per field again, and inserts' feed items refilled from their records' current values (what a
    pull of this version sends for them)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(records.c.entity, records.c.row_id, records.c.versions, records.c.hlcs, records.c.authors)
    ).all()
    if rows:
        bind.execute(
            sa.update(records)
            .where(records.c.entity == sa.bindparam("k_entity"), records.c.row_id == sa.bindparam("k_row"))
            .values(versions=sa.bindparam("v"), hlcs=sa.bindparam("h"), authors=sa.bindparam("a")),
            [
                {
                    "k_entity": r.entity,
                    "k_row": r.row_id,
                    "v": _ungroup(r.versions),
                    "h": _ungroup(r.hlcs),
                    "a": _ungroup(r.authors),
                }
                for r in rows
            ],
        )
    held = sa.table(
        "records",
        sa.column("entity", sa.String),
        sa.column("row_id", sa.String),
        sa.column("created_seq", sa.Integer),
        sa.column("data", sa.JSON),
    )
    refill = bind.execute(
        sa.select(feed.c.seq, held.c.data)
        .select_from(feed.join(held, sa.and_(held.c.entity == feed.c.entity, held.c.row_id == feed.c.row_id)))
        .where(feed.c.kind == "row", held.c.created_seq == feed.c.seq)
    ).all()
    if refill:
        bind.execute(
            sa.update(feed).where(feed.c.seq == sa.bindparam("k")).values(fields=sa.bindparam("f")),
            [{"k": r.seq, "f": r.data} for r in refill],
        )
    stored = bind.execute(sa.select(answers.c.change_id, answers.c.result)).all()
    if stored:
        bind.execute(
            sa.update(answers).where(answers.c.change_id == sa.bindparam("k")).values(result=sa.bindparam("r")),
            [
                {
                    "k": r.change_id,
                    "r": {
                        "change_id": r.change_id,
                        "status": r.result["status"],
                        "versions": _ungroup(r.result.get("versions") or {}),
                        "reason": r.result.get("reason"),
                    },
                }
                for r in stored
            ],
        )
