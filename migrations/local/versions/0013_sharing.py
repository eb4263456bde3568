"""Schema v13: information sharing — the agreements every device holds (read-only), a child's consent records,
restricted chronology entries (third-party information that stays within its organisation), and the notice of
rows the server holds but did not send this device (category and owner only, never content).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
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
        "sharing_agreements",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("party_a", sa.String(length=80), nullable=False),
        sa.Column("party_b", sa.String(length=80), nullable=False),
        sa.Column("a_to_b", sa.JSON(), nullable=False),
        sa.Column("b_to_a", sa.JSON(), nullable=False),
        sa.Column("article_6", sa.String(length=40), nullable=False),
        sa.Column("article_9", sa.String(length=40), nullable=True),
        sa.Column("article_10", sa.String(length=40), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("signed_by", sa.JSON(), nullable=False),
        sa.Column("ended_at", sa.String(length=32), nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreements")),
    )
    op.create_table(
        "consents",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("given_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_consents_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_consents_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_child_id"), ["child_id"], unique=False)
    op.create_table(
        "withheld_rows",
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("owner_org", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("agreements", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("row_id", name=op.f("pk_withheld_rows")),
    )
    with op.batch_alter_table("withheld_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withheld_rows_child_id"), ["child_id"], unique=False)
    # A plain ADD COLUMN: rebuilding `events` would drop its append-only and search-index triggers.
    op.add_column("events", sa.Column("restricted", sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column("events", "restricted")
    with op.batch_alter_table("withheld_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withheld_rows_child_id"))
    op.drop_table("withheld_rows")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_child_id"))
    op.drop_table("consents")
    op.drop_table("sharing_agreements")
