"""Schema v3: mail requests, the referral emails the server's relay sends after the next sync (append-only).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:07:11.654804
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_requests",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("referral_id", sa.String(length=36), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_mail_requests_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_mail_requests_referral_id_referrals"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_requests")),
    )
    with op.batch_alter_table("mail_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_requests_child_id"), ["child_id"], unique=False)

    op.execute(
        "CREATE TRIGGER mail_requests_append_only BEFORE UPDATE ON mail_requests "
        "BEGIN SELECT RAISE(ABORT, 'mail requests are append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS mail_requests_append_only")
    with op.batch_alter_table("mail_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_requests_child_id"))

    op.drop_table("mail_requests")
