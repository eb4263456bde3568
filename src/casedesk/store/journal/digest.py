"""The check that closes every sync: row counts and a hash per entity, compared with the server's.

Both sides keep the digest up to date as rows change (`tallies`: per entity a count and an order-independent sum
of the rows' hashes), so a round reads a few numbers; rows the device is still holding back (pending or set-aside
changes) are subtracted on both sides. Once a day, and before any repair, both sides recount it from the rows
instead, which also checks the kept sums; a kept sum that drifted is replaced by the recount. The per-row lines
(`casedesk.sync.entities.row_digest`, read here by `digest_rows`) find the rows of a mismatch. A mismatch is
repaired by a targeted resync of that entity: the server's current rows are written over the device's, and rows
the server does not know are removed — unless that would remove most of the entity, which smells like a fault
rather than a repair (Joplin's fail-safe), and is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from casedesk.domain.tally import Tally
from casedesk.store.database import Database
from casedesk.store.journal import tallies, unapplied
from casedesk.store.journal.outbox import forget_rows, held_back_rows, pending_fields
from casedesk.store.journal.pulled_rows import apply_rows, from_wire, table_of
from casedesk.store.journal.wire_values import to_json_value
from casedesk.store.uow import BOOKKEEPING

log = logging.getLogger(__name__)
FAILSAFE_SHARE = 0.5


class ResyncRefused(Exception):
    """A resync would delete too much; nothing was deleted."""


DigestRow = tuple[str, bool, dict[str, Any]]


def digest_rows(db: Database, entity: str, among: list[str] | None = None) -> Iterator[DigestRow]:
    """Rows of a synced table (all, or those in `among`) as (id, deleted, JSON-safe values), for the digest the
    sync layer computes."""
    table = table_of(entity)
    names = [c.name for c in table.c if c.name not in BOOKKEEPING]
    query = select(table.c.id, table.c.deleted, *(table.c[n] for n in names))
    with db.engine.connect() as conn:
        if among is None:
            batches = [conn.execute(query)]
        else:
            ids = sorted(set(among))
            batches = [conn.execute(query.where(table.c.id.in_(ids[i : i + 500]))) for i in range(0, len(ids), 500)]
        for rows in batches:
            for row in rows:
                yield row.id, bool(row.deleted), {n: to_json_value(getattr(row, n)) for n in names}


def local_tallies(db: Database, exclude: set[str], *, recount: bool = False) -> dict[str, Tally]:
    """Per entity, the tally of every row less the held-back ones: the kept sums, or with `recount` (and on a
    database never counted before) a count from the rows themselves, which then replaces the kept sums."""
    with db._write_lock, db.engine.begin() as conn:
        held = tallies.kept(conn)
        if recount or held is None:
            suspect = list(held or tallies.FIELDS)
        else:  # counting is cheap (an index walk): a row lost or added outside the journal shows at once
            suspect = [e for e in held if held[e].count != _count(conn, e)]
        if suspect:
            counted = {entity: tallies.recount_entity(conn, entity) for entity in suspect}
            drifted = sorted(e for e in counted if held is not None and counted[e] != held[e])
            if drifted:
                log.warning("the kept sync digest had drifted from the rows in %s; replaced by a recount", drifted)
            held = {**(held or {}), **counted}
            tallies.store(conn, held)
        assert held is not None
        return tallies.without(conn, held, exclude)


def _count(conn: Any, entity: str) -> int:
    return int(conn.execute(select(func.count()).select_from(table_of(entity))).scalar_one())


def overwrite_rows(db: Database, entity: str, items: list[Any]) -> int:
    """Write the server's current state of these rows over the device's (fields with pending edits kept)."""
    table = table_of(entity)
    changed = 0
    now = datetime.now(UTC)
    with db._write_lock, db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        pending = pending_fields(conn)
        items, _ = unapplied.sort_page(conn, items)  # rows this device cannot store are set aside here too
        existing = set(conn.execute(select(table.c.id).where(table.c.id.in_([i.row_id for i in items]))).scalars())
        changed += apply_rows(conn, [i for i in items if i.row_id not in existing], pending)
        if entity in ("events",):
            return changed
        with tallies.moving(conn, entity, existing):
            for item in items:
                if item.row_id not in existing:
                    continue
                held_back = pending.get((entity, item.row_id), set())
                values = {
                    k: from_wire(table, k, v) for k, v in item.fields.items() if k in table.c and k not in held_back
                }
                conn.execute(
                    update(table)
                    .where(table.c.id == item.row_id)
                    .values(**values, deleted=item.deleted, versions=item.versions, updated_at=now)
                )
                changed += 1
    return changed


def remove_unknown(db: Database, entity: str, server_ids: set[str], exclude: set[str]) -> int:
    """Delete rows of `entity` the server does not hold for this device (never held-back ones). Rows held back
    are read again inside this transaction: a chronology entry written while the resync ran is not on the server
    yet, and must not be taken for a row the server dropped."""
    table = table_of(entity)
    with db._write_lock, db.engine.begin() as conn:
        local = set(conn.execute(select(table.c.id)).scalars())
        doomed = sorted(local - server_ids - exclude - held_back_rows(conn))
        if doomed and len(doomed) > 10 and len(doomed) > FAILSAFE_SHARE * len(local):
            raise ResyncRefused(
                f"resync of {entity} would delete {len(doomed)} of {len(local)} rows; refused as a fail-safe"
            )
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for start in range(0, len(doomed), 500):
            conn.execute(delete(table).where(table.c.id.in_(doomed[start : start + 500])))
        forget_rows(conn, doomed)
        if doomed:
            tallies.refresh(conn)  # a delete may cascade to, or clear references in, other tables
    return len(doomed)
