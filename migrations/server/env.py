"""Alembic environment for the server database (SQLite or PostgreSQL).

The connection is always handed in by `casedesk.server.db.migrate`, so there is no alembic.ini and no URL here.
"""

from alembic import context

from casedesk.server.db import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Server migrations run only through casedesk.server.db.migrate (no offline mode).")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
