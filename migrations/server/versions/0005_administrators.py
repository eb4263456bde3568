"""Server schema v5: which users administer their organisation (`users.is_admin`), and the administration audit
(`admin_audit`: who listed, revoked or issued what, from which device or from the command line).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("org_id", sa.String(36), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit")),
    )
    op.create_index(op.f("ix_admin_audit_org_id"), "admin_audit", ["org_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_admin_audit_org_id"), table_name="admin_audit")
    op.drop_table("admin_audit")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("is_admin")
