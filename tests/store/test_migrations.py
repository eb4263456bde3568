"""Migrations: one linear chain, no drift from the models, and batch operations that never cascade deletes."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from casedesk.paths import migrations_dir
from casedesk.store.database import Database
from casedesk.store.migrate import alembic_config, include_name, upgrade_if_needed
from casedesk.store.models import Base


def test_revision_chain_is_linear() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1, "more than one head: merge or re-chain the new migration"
    assert len(scripts.get_bases()) == 1
    revisions = list(scripts.walk_revisions())
    assert all(len(r._all_down_revisions) <= 1 for r in revisions)


def test_models_and_migrations_do_not_drift(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name}), Base.metadata
        )
    assert diff == [], f"models differ from migrations: {diff}"


def test_opening_an_up_to_date_database_runs_no_migration(db: Database) -> None:
    assert upgrade_if_needed(db.engine) is False


BATCH_MIGRATION = '''
"""test: rebuild the children table in batch mode"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("children", recreate="always") as batch:
        batch.add_column(sa.Column("test_only", sa.String(10), nullable=True))


def downgrade() -> None:
    pass
'''


def test_batch_rebuild_of_a_parent_table_keeps_rows_in_child_tables(db: Database, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with db.unit_of_work("alice") as uow:
        child_id = uow.insert(
            "children", {"given_name": "Perpetua", "family_name": "Oduya", "date_of_birth": date(2011, 2, 3)}
        )
        uow.insert("status_periods", {"child_id": child_id, "kind": "child_in_need", "start_date": date(2024, 1, 1)})
        uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "alice",
                "summary": "Seen at home",
            },
        )
    # A copy of the real migrations plus one that rebuilds `children` (drop + rename under the hood).
    scripts = tmp_path / "migrations"
    shutil.copytree(migrations_dir("local"), scripts)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    (scripts / "versions" / "9999_test_batch.py").write_text(BATCH_MIGRATION.format(head=head))
    assert upgrade_if_needed(db.engine, scripts) is True
    with db.session() as session:
        assert session.execute(text("select count(*) from status_periods")).scalar() == 1
        assert session.execute(text("select count(*) from events")).scalar() == 1
        assert session.execute(text("select test_only from children")).scalar() is None
        assert session.execute(text("pragma foreign_keys")).scalar() == 1
        assert session.execute(text("pragma foreign_key_check")).all() == []
