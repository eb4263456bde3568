"""Schema v12: an index on chronology entries by kind and date, so the entries of one kind (police contact and
arrests for the youth-justice risk indicator; the alert rules' kinds) are found without reading every entry of
every child. At 50,000 children (1.2 million entries) the youth-justice indicator took 1.4 s of CPU scanning.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 08:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain CREATE INDEX: a batch operation would rebuild `events` and drop its triggers (append-only, last contact).
    op.create_index("ix_events_kind_occurred", "events", ["kind", "occurred_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_kind_occurred", table_name="events")
