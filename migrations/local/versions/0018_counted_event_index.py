"""Schema v18: the chronology's index by what an entry amends holds every entry again, so counting the chronology
stays cheap.

Each sync round counts every synced table (`store.journal.digest.local_tallies`), so that a row lost or added
outside the journal is noticed by the next round. SQLite counts a table by walking its smallest index. With
both the amends and related indexes partial (v17), that was the index of entry ids: at 5,000 deep children
about 20 MB to read and decrypt every round, 51 ms of a round's device time, growing with the caseload. An
entry of nothing in this index is a few bytes, so the count walks about a tenth of that. The related index
stays partial.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 21:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain index statements: a batch operation would rebuild `events` and drop its triggers.
    op.drop_index("ix_events_amends_id", table_name="events")
    op.create_index("ix_events_amends_id", "events", ["amends_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_amends_id", table_name="events")
    op.create_index(
        "ix_events_amends_id", "events", ["amends_id"], unique=False, sqlite_where=sa.text("amends_id IS NOT NULL")
    )
