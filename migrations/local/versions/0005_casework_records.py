"""Schema v5: casework beside the chronology — EHC plans (SEND), PEPs (looked-after children), youth justice
outcomes — and, on status periods, an SEN secondary need and the allocated worker.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _synced(name: str, *columns: sa.Column, refs: Sequence[tuple[str, str, str]]) -> None:
    """A synced table: its own columns, the bookkeeping every synced record has, and its references."""
    op.create_table(
        name,
        *columns,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        *(
            sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{name}_{column}_{target}"), ondelete=on)
            for column, target, on in refs
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_child_id"), ["child_id"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("status_periods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secondary_detail", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("worker_id", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_status_periods_worker_id_workers"), "workers", ["worker_id"], ["id"], ondelete="SET NULL"
        )
    child = ("child_id", "children", "CASCADE")
    _synced(
        "ehc_plans",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("caseworker_id", sa.String(length=36), nullable=True),
        sa.Column("assessment_decided_on", sa.Date(), nullable=True),
        sa.Column("assessment_decision", sa.String(length=10), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("last_review_on", sa.Date(), nullable=True),
        sa.Column("ceased_on", sa.Date(), nullable=True),
        sa.Column("primary_need", sa.String(length=4), nullable=True),
        sa.Column("secondary_need", sa.String(length=4), nullable=True),
        refs=(child, ("organisation_id", "organisations", "SET NULL"), ("caseworker_id", "workers", "SET NULL")),
    )
    _synced(
        "peps",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("school_id", sa.String(length=36), nullable=True),
        sa.Column("designated_teacher", sa.String(length=200), nullable=True),
        sa.Column("officer_id", sa.String(length=36), nullable=True),
        sa.Column("targets", sa.Text(), nullable=True),
        sa.Column("progress", sa.Text(), nullable=True),
        refs=(child, ("school_id", "organisations", "SET NULL"), ("officer_id", "workers", "SET NULL")),
    )
    _synced(
        "youth_justice_outcomes",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("outcome_on", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("case_manager_id", sa.String(length=36), nullable=True),
        sa.Column("offence", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        refs=(child, ("organisation_id", "organisations", "SET NULL"), ("case_manager_id", "workers", "SET NULL")),
    )


def downgrade() -> None:
    for name in ("youth_justice_outcomes", "peps", "ehc_plans"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_child_id"))
        op.drop_table(name)
    with op.batch_alter_table("status_periods", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_status_periods_worker_id_workers"), type_="foreignkey")
        batch_op.drop_column("worker_id")
        batch_op.drop_column("secondary_detail")
