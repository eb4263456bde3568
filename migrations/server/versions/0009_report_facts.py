"""Server schema v9: the dashboards' derived table (`report_facts`), filled from the records at the first report.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_facts",
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("row_id", sa.String(36), nullable=False),
        sa.Column("child_id", sa.String(36), nullable=True),
        sa.Column("org_id", sa.String(36), nullable=True),
        sa.Column("school_id", sa.String(36), nullable=True),
        sa.Column("on_day", sa.String(10), nullable=True),
        sa.Column("until_day", sa.String(10), nullable=True),
        sa.Column("kind", sa.String(40), nullable=True),
        sa.Column("detail", sa.String(100), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("flag", sa.Boolean(), nullable=True),
        sa.Column("n1", sa.Integer(), nullable=True),
        sa.Column("n2", sa.Integer(), nullable=True),
        sa.Column("other_id", sa.String(36), nullable=True),
        sa.Column("tags", sa.String(400), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "row_id", name=op.f("pk_report_facts")),
    )
    op.create_index("ix_report_facts_entity_day", "report_facts", ["entity", "on_day"])
    op.create_index("ix_report_facts_child", "report_facts", ["child_id"])


def downgrade() -> None:
    op.drop_index("ix_report_facts_child", table_name="report_facts")
    op.drop_index("ix_report_facts_entity_day", table_name="report_facts")
    op.drop_table("report_facts")
