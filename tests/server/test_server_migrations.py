"""The server's Alembic chain is linear and creates exactly the tables the code declares (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from casedesk.paths import migrations_dir
from casedesk.server.db import metadata, migrate
from tests.sync.harness import Server


def test_server_revision_chain_is_linear() -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir("server")))
    scripts = ScriptDirectory.from_config(config)
    assert len(scripts.get_heads()) == 1 and len(scripts.get_bases()) == 1


def test_server_models_and_migrations_do_not_drift(any_server: Server) -> None:
    migrate(any_server.store.engine)  # already at head: a no-op
    with any_server.store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == [], f"server models differ from migrations: {diff}"
