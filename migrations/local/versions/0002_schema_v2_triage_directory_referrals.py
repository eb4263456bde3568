"""Schema v2: triage results, the service directory and referrals; chronology entries can name what they record.

Completed triage results are frozen by a trigger, like the chronology: a result is evidence of what was
known and decided at the time, so it is never rewritten (a new check is a new result).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:59:52.897350
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "services",
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("organisation_name", sa.String(length=300), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_services_external_id"), ["external_id"], unique=False)

    op.create_table(
        "triage_results",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("questionnaire_id", sa.String(length=80), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("completed_at", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_triage_results_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_results")),
    )
    with op.batch_alter_table("triage_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_results_child_id"), ["child_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=True),
        sa.Column("service_name", sa.String(length=300), nullable=False),
        sa.Column("triage_result_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("shared_sections", sa.JSON(), nullable=False),
        sa.Column("sharing", sa.JSON(), nullable=False),
        sa.Column("referrer", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed_at", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.String(length=32), nullable=True),
        sa.Column("acknowledged_at", sa.String(length=32), nullable=True),
        sa.Column("ack_within_days", sa.Integer(), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("inappropriate", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_referrals_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_referrals_service_id_services"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["triage_result_id"],
            ["triage_results.id"],
            name=op.f("fk_referrals_triage_result_id_triage_results"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_service_id"), ["service_id"], unique=False)

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("related_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_related_id"), ["related_id"], unique=False)

    op.execute(
        "CREATE TRIGGER triage_results_complete_frozen BEFORE UPDATE OF state, answers, outcome, level, "
        "questionnaire_id, questionnaire_version ON triage_results WHEN OLD.state = 'complete' "
        "BEGIN SELECT RAISE(ABORT, 'a completed triage result cannot be changed'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS triage_results_complete_frozen")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_related_id"))
        batch_op.drop_column("related_id")

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_service_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_child_id"))

    op.drop_table("referrals")
    with op.batch_alter_table("triage_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_results_child_id"))

    op.drop_table("triage_results")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_external_id"))

    op.drop_table("services")
    # Dropping a column rebuilds `events`, which loses its trigger: put the append-only rule back.
    op.execute("DROP TRIGGER IF EXISTS events_append_only")
    op.execute(
        "CREATE TRIGGER events_append_only BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only: record an amendment instead'); END"
    )
