"""The area's needs taxonomy (synced), the directory search criteria people use (append-only, no personal data),
and the reason a referral went ahead though the service does not fit the child.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _synced() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "need_terms",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("indicated_by", sa.JSON(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("merged_into", sa.String(length=64), nullable=True),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_terms")),
    )
    with op.batch_alter_table("need_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_terms_code"), ["code"], unique=False)
    op.create_table(
        "directory_searches",
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("searched_on", sa.Date(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_searches")),
    )
    op.execute(
        "CREATE TRIGGER directory_searches_append_only BEFORE UPDATE ON directory_searches "
        "BEGIN SELECT RAISE(ABORT, 'directory searches are append-only'); END"
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fit_override", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("fit_override")
    op.execute("DROP TRIGGER IF EXISTS directory_searches_append_only")
    op.drop_table("directory_searches")
    with op.batch_alter_table("need_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_terms_code"))
    op.drop_table("need_terms")
