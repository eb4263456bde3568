"""Alembic environment for the device database.

The connection is always handed in by `casedesk.store.migrate` (already keyed); there is no URL and no
alembic.ini at run time, so the frozen app migrates the same way as a checkout.

Foreign keys are switched off around the migration and committed before being switched back on: SQLite's
batch mode rebuilds a table by drop-and-rename, and with foreign keys on, dropping `children` would silently
cascade-delete every status, involvement and event.
"""

from alembic import context

from casedesk.store.migrate import include_name
from casedesk.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("CaseDesk migrations run only through casedesk.store.migrate (no offline mode).")

# PRAGMA foreign_keys is ignored inside a transaction: end the one the revision check began, then switch
# them off on the raw connection (it runs in autocommit mode, so no new transaction starts).
connection.commit()
raw = connection.connection.dbapi_connection
raw.execute("PRAGMA foreign_keys = OFF")
try:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
        violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise RuntimeError(f"migration left {len(violations)} broken references; nothing was changed")
    connection.commit()
except BaseException:
    connection.rollback()
    raise
finally:
    raw.execute("PRAGMA foreign_keys = ON")
