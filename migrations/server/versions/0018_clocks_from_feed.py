"""Server schema v18: a record's writes keep no copy of a clock its feed item holds.

`records.writes` (`{"<version>": [clock, author], …}` since v15) stores a write whose clock is that of the feed
item its version names (`feed.hlc`, the same 57 characters) as its author alone (`{"9": "ann"}`), and a record
whose every write is so, by one author, as that author (`"ann"`) (`casedesk.server.db.clocks`). The downgrade
puts the clocks back from the feed.

SQLite does not give the freed pages back to the file system until a `VACUUM`.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 20:10:00
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
ODD = "fields"
RECORDS = sa.table(
    "records",
    sa.column("entity", sa.String),
    sa.column("row_id", sa.String),
    sa.column("data", sa.JSON),
    sa.column("versions", sa.JSON),
    sa.column("writes", sa.JSON),
)
FEED = sa.table("feed", sa.column("seq", sa.Integer), sa.column("hlc", sa.String))


def _versions(stored: Any, data: dict[str, Any]) -> dict[str, Any]:
    """As `casedesk.server.db.compact.unpack_versions` (copied: a migration keeps the behaviour it was written with)."""
    if type(stored) is int:
        return dict.fromkeys(data, stored)
    if isinstance(stored, list) and stored and not isinstance(stored[0], list):
        base, exceptions, *rest = stored
        unversioned = set(rest[0]) if rest else set()
        out = {name: base for name in data if name not in unversioned}
        out.update({name: value for value, names in exceptions for name in names})
        return out
    if isinstance(stored, list):
        return {name: value for value, names in stored for name in names}
    return dict(stored or {})


def _lend(versions: dict[str, Any], writes: dict[str, Any], clocks: dict[int, str]) -> Any:
    """As `casedesk.server.db.clocks.lend`."""
    out: dict[str, Any] = {}
    for key, pair in writes.items():
        if key != ODD and type(pair[1]) is str and pair[0] is not None and clocks.get(int(key)) == pair[0]:
            out[key] = pair[1]
        else:
            out[key] = pair
    if out and ODD not in out:
        authors = set(out.values()) if all(type(v) is str for v in out.values()) else set()
        if len(authors) == 1 and {str(v) for v in versions.values()} == out.keys():
            return authors.pop()
    return out


def _restore(versions: dict[str, Any], stored: Any, clocks: dict[int, str]) -> dict[str, Any]:
    """As `casedesk.server.db.clocks.restore`."""
    if type(stored) is str:
        return {str(v): [clocks[int(v)], stored] for v in versions.values()}
    return {key: [clocks[int(key)], pair] if type(pair) is str else pair for key, pair in stored.items()}


def _seqs(versions: dict[str, Any], stored: Any) -> set[int]:
    if type(stored) is str:
        return {int(v) for v in versions.values()}
    return {int(key) for key in stored if key != ODD}


def _convert(fn: Callable[[dict[str, Any], Any, dict[int, str]], Any]) -> None:
    """Rewrite every record's writes, in batches by primary key, with the clocks of the feed items they name."""
    bind = op.get_bind()
    table = RECORDS
    after: tuple[str, str] | None = None
    while True:
        query = sa.select(table.c.entity, table.c.row_id, table.c.data, table.c.versions, table.c.writes)
        if after is not None:
            query = query.where(sa.tuple_(table.c.entity, table.c.row_id) > sa.tuple_(*after))
        rows = bind.execute(query.order_by(table.c.entity, table.c.row_id).limit(BATCH)).all()
        if not rows:
            return
        versions = [_versions(r.versions, r.data or {}) for r in rows]
        wanted = sorted(set().union(*(_seqs(v, r.writes or {}) for v, r in zip(versions, rows, strict=True))))
        clocks: dict[int, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            clocks.update(
                (int(s), h) for s, h in bind.execute(sa.select(FEED.c.seq, FEED.c.hlc).where(FEED.c.seq.in_(chunk)))
            )
        bind.execute(
            sa.update(table)
            .where(table.c.entity == sa.bindparam("k_entity"), table.c.row_id == sa.bindparam("k_row"))
            .values(writes=sa.bindparam("b_writes")),
            [
                {"k_entity": r.entity, "k_row": r.row_id, "b_writes": fn(v, r.writes or {}, clocks)}
                for v, r in zip(versions, rows, strict=True)
            ],
        )
        after = (rows[-1].entity, rows[-1].row_id)


def upgrade() -> None:
    _convert(_lend)


def downgrade() -> None:
    """Every write with its clock again, as schema v15 to v17 store them."""
    _convert(_restore)
