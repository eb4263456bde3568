"""Schema v6: attendance — a row per child per school week of session marks (synced), and each child's derived
counts for the caseload (local only).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SESSIONS = [f"{d}_{h}" for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")]


def upgrade() -> None:
    op.create_table(
        "attendance_weeks",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        *(sa.Column(name, sa.String(length=60), nullable=True) for name in SESSIONS),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_attendance_weeks_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_weeks")),
    )
    with op.batch_alter_table("attendance_weeks", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_weeks_child_week", ["child_id", "week_start"], unique=False)
    op.create_table(
        "attendance_totals",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("possible", sa.Integer(), nullable=False),
        sa.Column("absent", sa.Integer(), nullable=False),
        sa.Column("latest", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_attendance_totals_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("child_id", name=op.f("pk_attendance_totals")),
    )


def downgrade() -> None:
    op.drop_table("attendance_totals")
    with op.batch_alter_table("attendance_weeks", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_weeks_child_week")
    op.drop_table("attendance_weeks")
