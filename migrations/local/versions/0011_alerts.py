"""Schema v11: alerts — the area's rule set (synced, no child), the alerts rules raise about a child and what the
people told do about them (append-only), and `alert_dirty`, the children whose records changed since alerts were
last evaluated for them, kept by triggers on every table the rules read.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 07:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables alert rules (and who they tell) read, with the column naming the child: a write to any of them marks
# the child for evaluation. Held equal to `casedesk.store.alerts_repo.WATCHED` by a test.
WATCHED = {
    "children": "id",
    "status_periods": "child_id",
    "involvements": "child_id",
    "attendance_weeks": "child_id",
    "events": "child_id",
    "referrals": "child_id",
    "peps": "child_id",
    "ehc_plans": "child_id",
    "enrolments": "child_id",
    "exclusions": "child_id",
    "provisions": "child_id",
}


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
        "alert_rule_sets",
        sa.Column("external_id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rule_sets")),
    )
    op.create_table(
        "alerts",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("rule_title", sa.String(length=200), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=80), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("tell", sa.JSON(), nullable=False),
        sa.Column("rule_set", sa.String(length=250), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_alerts_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_child_id"), ["child_id"], unique=False)
    op.create_table(
        "alert_actions",
        sa.Column("alert_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("done_at", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_actions_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_alert_actions_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_actions")),
    )
    with op.batch_alter_table("alert_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_actions_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_actions_child_id"), ["child_id"], unique=False)
    op.execute(
        "CREATE TRIGGER alert_actions_append_only BEFORE UPDATE ON alert_actions "
        "BEGIN SELECT RAISE(ABORT, 'alert actions are append-only'); END"
    )
    op.create_table(
        "alert_dirty",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("child_id", name=op.f("pk_alert_dirty")),
    )
    for table, column in WATCHED.items():
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER {table}_alert_dirty_{event.lower()} AFTER {event} ON {table} BEGIN "
                f"INSERT OR IGNORE INTO alert_dirty(child_id) VALUES (NEW.{column}); END"
            )
    # Whatever is already held is evaluated once, from scratch, at the first evaluation (no rule set was stored yet).


def downgrade() -> None:
    for table in WATCHED:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_alert_dirty_{event}")
    op.drop_table("alert_dirty")
    op.execute("DROP TRIGGER IF EXISTS alert_actions_append_only")
    op.drop_table("alert_actions")
    op.drop_table("alerts")
    op.drop_table("alert_rule_sets")
