"""Schema v15: merges of two records of one child, and discrepancy flags (issue 19).

A merge re-points the merged child's rows at the kept child, append-only ones included: their triggers now refuse
any update except that one, and only where a merge record names the two children.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# append-only tables holding a child's rows, with the message their trigger has always given
APPEND_ONLY = {
    "events": "events are append-only: record an amendment instead",
    "mail_requests": "mail requests are append-only",
    "plan_notes": "plan notes are append-only: add another note instead",
    "alert_actions": "alert actions are append-only",
}


def _synced() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
    ]


def _columns(table: str) -> list[str]:
    return [row[1] for row in op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})")]


def upgrade() -> None:
    op.create_table(
        "child_merges",
        sa.Column("kept_id", sa.String(length=36), nullable=False),
        sa.Column("merged_id", sa.String(length=36), nullable=False),
        sa.Column("merged_by", sa.String(length=200), nullable=False),
        sa.Column("merged_at", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("merged_identity", sa.JSON(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["kept_id"], ["children.id"], name=op.f("fk_child_merges_kept_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_merges")),
    )
    with op.batch_alter_table("child_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_merges_kept_id"), ["kept_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_child_merges_merged_id"), ["merged_id"], unique=False)
    op.execute(
        "CREATE TRIGGER child_merges_append_only BEFORE UPDATE ON child_merges "
        "BEGIN SELECT RAISE(ABORT, 'merges are append-only'); END"
    )
    op.create_table(
        "discrepancy_flags",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("value_seen", sa.String(length=300), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner_org", sa.String(length=36), nullable=False),
        sa.Column("raised_by_org", sa.String(length=36), nullable=True),
        sa.Column("raised_by", sa.String(length=200), nullable=False),
        sa.Column("raised_at", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_discrepancy_flags_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_org"],
            ["organisations.id"],
            name=op.f("fk_discrepancy_flags_owner_org_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_org"],
            ["organisations.id"],
            name=op.f("fk_discrepancy_flags_raised_by_org_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discrepancy_flags")),
    )
    with op.batch_alter_table("discrepancy_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discrepancy_flags_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discrepancy_flags_owner_org"), ["owner_org"], unique=False)
    # Append-only rows may now change their child, and only as a merge says: every other update is refused.
    for table, message in APPEND_ONLY.items():
        others = ", ".join(c for c in _columns(table) if c != "child_id")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OF {others} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_merged_only BEFORE UPDATE OF child_id ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM child_merges m "
            "WHERE m.merged_id = OLD.child_id AND m.kept_id = NEW.child_id) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade() -> None:
    for table, message in APPEND_ONLY.items():
        op.execute(f"DROP TRIGGER IF EXISTS {table}_merged_only")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    with op.batch_alter_table("discrepancy_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discrepancy_flags_owner_org"))
        batch_op.drop_index(batch_op.f("ix_discrepancy_flags_child_id"))
    op.drop_table("discrepancy_flags")
    op.execute("DROP TRIGGER IF EXISTS child_merges_append_only")
    with op.batch_alter_table("child_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_merges_merged_id"))
        batch_op.drop_index(batch_op.f("ix_child_merges_kept_id"))
    op.drop_table("child_merges")
