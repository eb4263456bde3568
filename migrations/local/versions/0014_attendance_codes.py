"""Schema v14: `attendance_codes`, each week's ten session codes alone, derived from `attendance_weeks` by triggers
(whoever writes: a use case, an import, a pulled page) so that alert evaluation reads every child's recent weeks
without decrypting the wide week rows. Filled from the weeks already held.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The session columns in week order (casedesk.domain.attendance.week.SESSIONS, fixed here as the schema is).
SESSIONS = [f"{day}_{half}" for day in ("mon", "tue", "wed", "thu", "fri") for half in ("am", "pm")]


def codes_of(row: str) -> str:
    """SQL for a week row's codes, comma-separated: the text before each session's first `|` ('' if unmarked)."""
    return " || ',' || ".join(f"coalesce(substr({row}.{s}, 1, instr({row}.{s}, '|') - 1), '')" for s in SESSIONS)


def upgrade() -> None:
    op.create_table(
        "attendance_codes",
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("week_id", sa.String(length=36), nullable=False),
        sa.Column("codes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_attendance_codes_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("child_id", "week_start", name=op.f("pk_attendance_codes")),
        sqlite_with_rowid=False,
    )
    keep = (
        "INSERT OR REPLACE INTO attendance_codes(child_id, week_start, week_id, codes) "
        f"SELECT NEW.child_id, NEW.week_start, NEW.id, {codes_of('NEW')} WHERE NEW.deleted = 0;"
    )
    drop = "DELETE FROM attendance_codes WHERE child_id = OLD.child_id AND week_start = OLD.week_start;"
    op.execute(f"CREATE TRIGGER attendance_weeks_codes_insert AFTER INSERT ON attendance_weeks BEGIN {keep} END")
    op.execute(f"CREATE TRIGGER attendance_weeks_codes_update AFTER UPDATE ON attendance_weeks BEGIN {drop} {keep} END")
    op.execute(f"CREATE TRIGGER attendance_weeks_codes_delete AFTER DELETE ON attendance_weeks BEGIN {drop} END")
    op.execute(
        "INSERT OR REPLACE INTO attendance_codes(child_id, week_start, week_id, codes) "
        f"SELECT w.child_id, w.week_start, w.id, {codes_of('w')} FROM attendance_weeks w WHERE w.deleted = 0"
    )


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS attendance_weeks_codes_{event}")
    op.drop_table("attendance_codes")
