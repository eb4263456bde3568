"""Server schema v6: information-sharing agreements, users' roles (and the devices to send everything again after
a role changes what they receive), a digest per organisation *view* (what a role
receives), and every record's owning organisation (`created_by_org`, until now kept only for children), filled in
for existing records from the device that first wrote them. The digest tallies are counted again at the next start.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _device(hlc: str) -> str:
    return hlc.split("-", 2)[2] if hlc.count("-") >= 2 else ""


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("role", sa.String(30), nullable=True))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("resync_from", sa.String(36), nullable=True))
    op.drop_table("org_tallies")
    op.create_table(
        "org_tallies",
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("view", sa.String(20), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "view", "entity", name=op.f("pk_org_tallies")),
    )
    bind = op.get_bind()
    org_of_device = dict(
        bind.execute(sa.text("SELECT d.device_id, u.org_id FROM devices d JOIN users u ON u.id = d.user_id")).all()
    )
    records = sa.table(
        "records",
        sa.column("entity", sa.String),
        sa.column("row_id", sa.String),
        sa.column("created_by_org", sa.String),
        sa.column("hlcs", sa.JSON),
    )
    owners = []
    for entity, row_id, hlcs in bind.execute(
        sa.select(records.c.entity, records.c.row_id, records.c.hlcs).where(records.c.created_by_org.is_(None))
    ):
        first = min((str(h) for h in (hlcs or {}).values() if h), default="")
        org = org_of_device.get(_device(first))
        if org:
            owners.append({"k_entity": entity, "k_row": row_id, "b_org": org})
    if owners:
        bind.execute(
            sa.update(records)
            .where(records.c.entity == sa.bindparam("k_entity"), records.c.row_id == sa.bindparam("k_row"))
            .values(created_by_org=sa.bindparam("b_org")),
            owners,
        )
    op.execute("DELETE FROM meta WHERE key = 'tallies_built'")  # counted again, per view, at the next start


def downgrade() -> None:
    op.drop_table("org_tallies")
    op.create_table(
        "org_tallies",
        sa.Column("org_id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "entity", name=op.f("pk_org_tallies")),
    )
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("resync_from")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("role")
    op.drop_table("agreements")
    op.execute("DELETE FROM meta WHERE key = 'tallies_built'")
