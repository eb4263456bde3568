"""Schema v16: the organisation that wrote each pulled row of a child, when another did (issue 18).

Packs and exports pass a child's record on to another organisation under the agreements between the row's owner
and that receiver; the server sends each pulled row's owner, and the device keeps it here (its own rows: none).
Rows pulled before this version have no owner here: they count as this organisation's own until the child is sent
again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "row_owners",
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("owner_org", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_row_owners")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("row_owners")
