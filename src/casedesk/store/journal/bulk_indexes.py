"""An index a first sync writes all over, built once at its end instead of entry by entry.

The chronology's index by kind and date (`ix_events_kind_occurred`) receives a first sync's entries in the order
they were recorded, not by date: at 5,000 deep children 300,000 entries land all over it, and each page's commit
writes (and encrypts) most of its pages again. Built from the table once the pages are in, it costs one sorted
pass (about a second at 300,000 entries) and its pages come out full, so the file is smaller too.

So a pull onto a device that holds no chronology entry sets the index aside, and the pull puts back whatever is
set aside when it ends, however it ends (`SyncEngine.pull`); opening the database does too, for a pull the process
did not survive. In between, a query by kind reads the table instead: slower, never different. Nothing else
changes: each page is still applied, with its cursor, in its own transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Index, select

from casedesk.store.models import EventRow
from casedesk.store.tables import mapped_table

_EVENTS = mapped_table(EventRow)
DEFERRED: tuple[Index, ...] = tuple(i for i in _EVENTS.indexes if i.name == "ix_events_kind_occurred")


def _present(conn: Connection, index: Index) -> bool:
    found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (index.name,))
    return found.first() is not None


def set_aside(conn: Connection) -> None:
    """Drop the deferred indexes if this device holds no chronology entry yet (a first sync is about to start)."""
    if conn.execute(select(_EVENTS.c.id).limit(1)).first() is not None:
        return
    for index in DEFERRED:
        if _present(conn, index):
            index.drop(conn)


def restore(engine: Engine) -> None:
    """Build every deferred index that is missing (each a single statement over the table)."""
    with engine.begin() as conn:
        for index in DEFERRED:
            if not _present(conn, index):
                index.create(conn)
