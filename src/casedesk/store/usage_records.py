"""Usage records (Ask CaseDesk questions, directory search criteria) leave the device once the server has them.

They are kept for the local authority's reports, which only the server makes; no device needs another's, or its
own once uploaded (the catalogue marks them `server_only`: the server never sends them back). After each push the
device deletes the ones the server accepted, outside the journal (nothing to sync: the server keeps its copy);
rows whose change is still pending or was set aside stay until the server has them. Rows another device's
earlier app version pulled are removed the same way.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from casedesk.domain.schema import CATALOGUE
from casedesk.store.database import Database
from casedesk.store.journal import tallies
from casedesk.store.journal.apply import table_of
from casedesk.store.journal.outbox import forget_rows, held_back_rows

SERVER_ONLY: tuple[str, ...] = tuple(name for name, spec in CATALOGUE.items() if spec.server_only)


def forget_uploaded(db: Database) -> int:
    """Delete the server-only rows the server holds (every one not held back); returns how many."""
    gone = 0
    with db._write_lock, db.engine.begin() as conn:
        held = held_back_rows(conn)
        for entity in SERVER_ONLY:
            table = table_of(entity)
            doomed = sorted(set(conn.execute(select(table.c.id)).scalars()) - held)
            for start in range(0, len(doomed), 500):
                conn.execute(delete(table).where(table.c.id.in_(doomed[start : start + 500])))
            forget_rows(conn, doomed)
            gone += len(doomed)
        if gone:
            tallies.refresh(conn, SERVER_ONLY)
    return gone
