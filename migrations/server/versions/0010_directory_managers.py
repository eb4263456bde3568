"""Server schema v10: which users may edit and publish the area's directory, needs taxonomy and guidance
(`users.manages_directory`, besides administrators; see `casedesk.server.auth.may_manage_directory`).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("manages_directory", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("manages_directory")
