"""Schema v17: chronology entries are indexed by what they amend or record only when they amend or record
something.

Most entries do neither, and each still had an entry of nothing in both indexes: at 5,000 deep children a first sync
wrote 600,000 such entries (about 1.6% of the receiving device's file, and two index writes an entry). A lookup by a
value (`amends_id = ?`, the cascade from an amended entry) is answered by the partial index as before.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("amends_id", "related_id")


def upgrade() -> None:
    # Plain index statements: a batch operation would rebuild `events` and drop its triggers.
    for column in _COLUMNS:
        op.drop_index(f"ix_events_{column}", table_name="events")
        op.create_index(
            f"ix_events_{column}", "events", [column], unique=False, sqlite_where=sa.text(f"{column} IS NOT NULL")
        )


def downgrade() -> None:
    for column in _COLUMNS:
        op.drop_index(f"ix_events_{column}", table_name="events")
        op.create_index(f"ix_events_{column}", "events", [column], unique=False)
