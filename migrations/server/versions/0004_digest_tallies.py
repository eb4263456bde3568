"""Server schema v4: digest tallies per child and per organisation, kept with each change (see
`casedesk.server.db.tallies`); a database that already holds records has them counted once, at the first start
after this migration.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for name, owner in (("scope_tallies", "scope"), ("org_tallies", "org_id")):
        op.create_table(
            name,
            sa.Column(owner, sa.String(36), nullable=False),
            sa.Column("entity", sa.String(40), nullable=False),
            sa.Column("count", sa.BigInteger(), nullable=False),
            sa.Column("hash", sa.String(64), nullable=False),
            sa.PrimaryKeyConstraint(owner, "entity", name=op.f(f"pk_{name}")),
        )
    if op.get_bind().execute(sa.text("SELECT 1 FROM records LIMIT 1")).first() is None:
        op.execute("INSERT INTO meta (key, value) VALUES ('tallies_built', '1')")  # nothing to count: exact from here


def downgrade() -> None:
    op.drop_table("org_tallies")
    op.drop_table("scope_tallies")
    op.execute("DELETE FROM meta WHERE key = 'tallies_built'")
