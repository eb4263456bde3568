"""Guidance: Ask CaseDesk's entries (synced to every device) and the questions kept to improve them (append-only).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
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
        "guidance_entries",
        sa.Column("external_id", sa.String(length=80), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guidance_entries")),
    )
    with op.batch_alter_table("guidance_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guidance_entries_external_id"), ["external_id"], unique=False)
    op.create_table(
        "guidance_questions",
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("entry_id", sa.String(length=80), nullable=True),
        sa.Column("asked_on", sa.Date(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guidance_questions")),
    )
    op.execute(
        "CREATE TRIGGER guidance_questions_append_only BEFORE UPDATE ON guidance_questions "
        "BEGIN SELECT RAISE(ABORT, 'kept guidance questions are append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS guidance_questions_append_only")
    op.drop_table("guidance_questions")
    with op.batch_alter_table("guidance_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guidance_entries_external_id"))
    op.drop_table("guidance_entries")
