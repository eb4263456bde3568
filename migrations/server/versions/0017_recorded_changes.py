"""Server schema v17: answers a device has recorded are kept in `recorded_changes`, only what idempotency needs.

Since v8 a recorded answer stayed in `applied_changes` as a marker (`{"status": "applied"}`, the change and device
ids as text, the time, and the primary key's index): about 210 bytes a change, most of the table. It moves to
`recorded_changes`: change id (the key), device id and status as a small number (0 applied, 1 conflict), no time;
on SQLite a table without rowid with canonical ids held as their 16 bytes (`casedesk.server.db.compact.CompactId`).
Whole answers (not yet recorded) stay where they are. The downgrade moves the markers back, dated now (nothing
reads their time).

SQLite does not give the freed pages back to the file system until a `VACUUM`.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 20:00:00
"""

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
STATUSES = ("applied", "conflict")
CANONICAL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ANSWERS = sa.table(
    "applied_changes",
    sa.column("change_id", sa.String),
    sa.column("device_id", sa.String),
    sa.column("result", sa.JSON),
    sa.column("at", sa.DateTime(timezone=True)),
)
MARKERS = sa.table(
    "recorded_changes",
    sa.column("change_id", sa.String),
    sa.column("device_id", sa.String),
    sa.column("status", sa.SmallInteger),
)


def _stored_id(value: str, sqlite: bool) -> Any:
    """As `casedesk.server.db.compact.CompactId` stores an id (copied: a migration keeps its behaviour)."""
    return uuid.UUID(value).bytes if sqlite and CANONICAL.match(value) else value


def _read_id(value: Any) -> str:
    return str(uuid.UUID(bytes=bytes(value))) if isinstance(value, bytes | memoryview) else str(value)


def upgrade() -> None:
    op.create_table(
        "recorded_changes",
        sa.Column("change_id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_recorded_changes")),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    after = ""
    while True:
        rows = bind.execute(
            sa.select(ANSWERS.c.change_id, ANSWERS.c.device_id, ANSWERS.c.result)
            .where(ANSWERS.c.change_id > after)
            .order_by(ANSWERS.c.change_id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1].change_id
        markers = [r for r in rows if set(r.result) == {"status"} and r.result["status"] in STATUSES]
        if markers:
            bind.execute(
                sa.insert(MARKERS),
                [
                    {
                        "change_id": _stored_id(r.change_id, sqlite),
                        "device_id": _stored_id(r.device_id, sqlite),
                        "status": STATUSES.index(r.result["status"]),
                    }
                    for r in markers
                ],
            )
            bind.execute(sa.delete(ANSWERS).where(ANSWERS.c.change_id.in_([r.change_id for r in markers])))


def downgrade() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    rows = bind.execute(sa.select(MARKERS.c.change_id, MARKERS.c.device_id, MARKERS.c.status)).all()
    for start in range(0, len(rows), BATCH):
        bind.execute(
            sa.insert(ANSWERS),
            [
                {
                    "change_id": _read_id(r.change_id),
                    "device_id": _read_id(r.device_id),
                    "result": {"status": STATUSES[r.status]},
                    "at": now,
                }
                for r in rows[start : start + BATCH]
            ],
        )
    op.drop_table("recorded_changes")
