"""Schema v9: a child's education — enrolments, suspensions and exclusions, managed moves, alternative provision
and part-time timetables, elective home education cases and visits, children-missing-education enquiries and their
steps — and the schools register's columns on organisations (phase, type, postcode, status from a GIAS extract);
child_activity, each child's last contact kept by a trigger on events for the caseload.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 04:10:10.397654
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Chronology entries that are a contact with the child or family (services/caseload.py CONTACT_KINDS, held equal
# by a test): the trigger keeps each child's latest in child_activity for the caseload's "last contact" column.
CONTACT_KINDS = "'home_visit', 'meeting', 'phone_call', 'home_education'"


def upgrade() -> None:

    op.create_table(
        "cme_enquiries",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_cme_enquiries_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cme_enquiries")),
    )
    with op.batch_alter_table("cme_enquiries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cme_enquiries_child_id"), ["child_id"], unique=False)

    op.create_table(
        "ehe_cases",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("officer_id", sa.String(length=36), nullable=True),
        sa.Column("previous_school_id", sa.String(length=36), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("first_contact_due", sa.Date(), nullable=False),
        sa.Column("first_contact_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_ehe_cases_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["workers.id"], name=op.f("fk_ehe_cases_officer_id_workers"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_ehe_cases_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["previous_school_id"],
            ["organisations.id"],
            name=op.f("fk_ehe_cases_previous_school_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehe_cases")),
    )
    with op.batch_alter_table("ehe_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ehe_cases_child_id"), ["child_id"], unique=False)

    op.create_table(
        "enrolments",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("school_id", sa.String(length=36), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("leaving_reason", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_enrolments_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["organisations.id"], name=op.f("fk_enrolments_school_id_organisations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolments_child_id"), ["child_id"], unique=False)

    op.create_table(
        "exclusions",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("school_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=True),
        sa.Column("reason_1", sa.String(length=2), nullable=False),
        sa.Column("reason_2", sa.String(length=2), nullable=True),
        sa.Column("reason_3", sa.String(length=2), nullable=True),
        sa.Column("reintegration_meeting", sa.Date(), nullable=True),
        sa.Column("governors_review", sa.Date(), nullable=True),
        sa.Column("governors_decision", sa.String(length=20), nullable=True),
        sa.Column("independent_review", sa.Date(), nullable=True),
        sa.Column("independent_review_outcome", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_exclusions_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["organisations.id"], name=op.f("fk_exclusions_school_id_organisations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusions")),
    )
    with op.batch_alter_table("exclusions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exclusions_child_id"), ["child_id"], unique=False)

    op.create_table(
        "managed_moves",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("home_school_id", sa.String(length=36), nullable=False),
        sa.Column("host_school_id", sa.String(length=36), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("trial_end_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_managed_moves_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["home_school_id"],
            ["organisations.id"],
            name=op.f("fk_managed_moves_home_school_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_school_id"],
            ["organisations.id"],
            name=op.f("fk_managed_moves_host_school_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_managed_moves")),
    )
    with op.batch_alter_table("managed_moves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_managed_moves_child_id"), ["child_id"], unique=False)

    op.create_table(
        "provisions",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=True),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("planned_end_date", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_provisions_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisations.id"],
            name=op.f("fk_provisions_provider_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisions")),
    )
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provisions_child_id"), ["child_id"], unique=False)

    op.create_table(
        "cme_steps",
        sa.Column("enquiry_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_cme_steps_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["enquiry_id"], ["cme_enquiries.id"], name=op.f("fk_cme_steps_enquiry_id_cme_enquiries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cme_steps")),
    )
    with op.batch_alter_table("cme_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cme_steps_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cme_steps_enquiry_id"), ["enquiry_id"], unique=False)

    op.create_table(
        "ehe_visits",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("versions", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["ehe_cases.id"], name=op.f("fk_ehe_visits_case_id_ehe_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_ehe_visits_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehe_visits")),
    )
    with op.batch_alter_table("ehe_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ehe_visits_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ehe_visits_child_id"), ["child_id"], unique=False)

    op.create_table(
        "child_activity",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("last_contact", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_child_activity_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("child_id", name=op.f("pk_child_activity")),
    )
    op.execute(
        "CREATE TRIGGER events_last_contact AFTER INSERT ON events "
        f"WHEN NEW.deleted = 0 AND NEW.kind IN ({CONTACT_KINDS}) BEGIN "
        "INSERT INTO child_activity(child_id, last_contact) VALUES (NEW.child_id, NEW.occurred_at) "
        "ON CONFLICT(child_id) DO UPDATE SET last_contact = max(coalesce(last_contact, ''), excluded.last_contact); "
        "END"
    )
    op.execute(
        "INSERT INTO child_activity(child_id, last_contact) SELECT child_id, max(occurred_at) FROM events "
        f"WHERE deleted = 0 AND kind IN ({CONTACT_KINDS}) GROUP BY child_id"
    )

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phase", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("establishment_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("postcode", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("establishment_status", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS events_last_contact")
    op.drop_table("child_activity")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("establishment_status")
        batch_op.drop_column("postcode")
        batch_op.drop_column("establishment_type")
        batch_op.drop_column("phase")

    with op.batch_alter_table("ehe_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ehe_visits_child_id"))
        batch_op.drop_index(batch_op.f("ix_ehe_visits_case_id"))

    op.drop_table("ehe_visits")
    with op.batch_alter_table("cme_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cme_steps_enquiry_id"))
        batch_op.drop_index(batch_op.f("ix_cme_steps_child_id"))

    op.drop_table("cme_steps")
    with op.batch_alter_table("provisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provisions_child_id"))

    op.drop_table("provisions")
    with op.batch_alter_table("managed_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_managed_moves_child_id"))

    op.drop_table("managed_moves")
    with op.batch_alter_table("exclusions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exclusions_child_id"))

    op.drop_table("exclusions")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolments_child_id"))

    op.drop_table("enrolments")
    with op.batch_alter_table("ehe_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ehe_cases_child_id"))

    op.drop_table("ehe_cases")
    with op.batch_alter_table("cme_enquiries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cme_enquiries_child_id"))

    op.drop_table("cme_enquiries")
