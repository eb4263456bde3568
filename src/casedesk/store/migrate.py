"""Bring a device database to the newest schema when it is opened: check the revision, then upgrade.

The Alembic configuration is built in code from `casedesk.paths.migrations_dir()`, so it works the same in a
checkout and in the frozen app.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from casedesk.paths import migrations_dir

SEARCH_INDEX = "child_search"  # the FTS5 table (and its shadow tables) that migration 0004 manages by hand


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Keep the hand-made full-text index out of autogenerate's comparison with the models."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_INDEX))


def alembic_config(connection: Connection | None = None, script_location: Path | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location or migrations_dir("local")))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision(script_location: Path | None = None) -> str | None:
    return ScriptDirectory.from_config(alembic_config(script_location=script_location)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_if_needed(engine: Engine, script_location: Path | None = None) -> bool:
    """Upgrade to head when behind; return whether anything ran."""
    with engine.connect() as connection:
        if current_revision(connection) == head_revision(script_location):
            return False
        command.upgrade(alembic_config(connection, script_location), "head")
        return True
