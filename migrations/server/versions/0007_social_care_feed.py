"""Server schema v7: the council's social-care feed: imported returns, their children with where matching left
each, the DfE queries of the latest import of each source, and the log of every matching decision.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_imports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("la_code", sa.String(3), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("ruleset", sa.String(20), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("queries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_imports")),
    )
    op.create_table(
        "feed_children",
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("la_child_id", sa.String(100), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("child_id", sa.String(36), nullable=True),
        sa.Column("method", sa.String(20), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("org_id", "source", "la_child_id", name=op.f("pk_feed_children")),
    )
    op.create_index(op.f("ix_feed_children_child_id"), "feed_children", ["child_id"])
    op.create_table(
        "feed_failures",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("import_id", sa.String(36), nullable=False),
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("la_child_id", sa.String(100), nullable=True),
        sa.Column("table_name", sa.String(40), nullable=True),
        sa.Column("field", sa.String(40), nullable=True),
        sa.Column("value", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_failures")),
    )
    op.create_index(op.f("ix_feed_failures_import_id"), "feed_failures", ["import_id"])
    op.create_table(
        "feed_match_log",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("la_child_id", sa.String(100), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("child_id", sa.String(36), nullable=True),
        sa.Column("method", sa.String(20), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_match_log")),
    )
    op.create_index("ix_feed_match_log_child", "feed_match_log", ["org_id", "source", "la_child_id"])


def downgrade() -> None:
    op.drop_table("feed_match_log")
    op.drop_table("feed_failures")
    op.drop_table("feed_children")
    op.drop_table("feed_imports")
