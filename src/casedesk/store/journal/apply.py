"""The device side of pull: apply one page of the server's feed, and the new cursor, in one transaction.

If anything in the page fails, nothing of it is kept and the cursor stays where it was, so the next sync
starts again from the same place (Anki applies each chunk the same way). Pulled values are written directly —
not through the unit of work — so they are not journaled again and never echo back to the server.

A field is overwritten only by a newer server version, and never while a local edit of it waits to be pushed
(the server will weigh that edit against this value). A child leaving the user's view is purged once nothing
is waiting to be pushed for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, select

from casedesk import config
from casedesk.domain.schema import CATALOGUE
from casedesk.domain.schema.casework import CASEWORK_ENTITIES
from casedesk.domain.schema.education import EDUCATION_ORDER
from casedesk.domain.schema.meetings import MEETING_CHILD_ORDER
from casedesk.store import attendance_repo, merges, settings, sharing_repo
from casedesk.store.database import Database
from casedesk.store.engine import bulk_cache
from casedesk.store.journal import bulk_indexes, tallies, unapplied
from casedesk.store.journal.outbox import forget_rows, pending_fields
from casedesk.store.journal.pulled_rows import apply_rows, table_of
from casedesk.store.models import SYNCED_TABLES

# children's own rows, deleted before the child
# (education: EHE visits before their case, CME steps before their enquiry)
CHILD_TABLES = (
    "consents",
    "discrepancy_flags",
    "events",
    "involvements",
    "status_periods",
    "attendance_weeks",
    *CASEWORK_ENTITIES,
    *reversed(EDUCATION_ORDER),
    *reversed(MEETING_CHILD_ORDER),
)


@dataclass
class PageStats:
    rows: int = 0
    conflicts: int = 0
    purged: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    set_aside: list[unapplied.UnappliedRow] = field(default_factory=list)  # rows newly held (`unapplied`)


def child_row_ids(conn: Connection, child_id: str) -> list[str]:
    ids = [child_id]
    for entity in CHILD_TABLES:
        table = table_of(entity)
        ids += list(conn.execute(select(table.c.id).where(table.c.child_id == child_id)).scalars())
    return ids


def purge_child(conn: Connection, child_id: str) -> None:
    """Remove a child and everything recorded under it from this device (it left the user's view)."""
    row_ids = child_row_ids(conn, child_id)
    delta = tallies.new_delta()
    for entity in SYNCED_TABLES:  # every row recorded under the child, whichever table (the catalogue says how)
        key = CATALOGUE[entity].child_key
        if key is not None:
            table = table_of(entity)
            for row in conn.execute(select(table).where(table.c[key] == child_id)).mappings():
                tallies.record_change(delta, entity, tallies.number_of(entity, row), None)
    events = table_of("events")
    # amendments point at the events they amend: delete newest first so no reference dangles mid-way
    conn.execute(delete(events).where(events.c.child_id == child_id, events.c.amends_id.is_not(None)))
    for entity in CHILD_TABLES:
        table = table_of(entity)
        conn.execute(delete(table).where(table.c.child_id == child_id))
    conn.execute(delete(table_of("children")).where(table_of("children").c.id == child_id))
    tallies.adjust(conn, delta)  # the child's other rows (needs checks, referrals…) went with it by cascade
    forget_rows(conn, row_ids)
    unapplied.forget_child(conn, child_id)
    sharing_repo.forget_child(conn, child_id, row_ids)
    for conflict_id, value in settings.members(conn, config.CONFLICTS).items():
        if value.get("child_id") == child_id:
            settings.delete_member(conn, config.CONFLICTS, conflict_id)


def purge_or_defer(
    conn: Connection, child_ids: list[str], pending: dict[tuple[str, str], set[str]], stats: PageStats
) -> None:
    pending_rows = {row_id for _, row_id in pending}
    waiting: list[str] = settings.read(conn, config.DEFERRED_PURGES)
    deferred = set(waiting)
    for child_id in child_ids:
        if pending_rows & set(child_row_ids(conn, child_id)):
            deferred.add(child_id)  # push what is waiting first; the next round purges
            stats.deferred.append(child_id)
        else:
            purge_child(conn, child_id)
            deferred.discard(child_id)
            stats.purged.append(child_id)
    settings.write(conn, config.DEFERRED_PURGES, sorted(deferred))


def store_conflict(conn: Connection, info: Any) -> None:
    record = json.loads(info.model_dump_json())
    held = settings.read_member(conn, config.CONFLICTS, info.conflict_id)
    if held and held.get("state") == "resolved" and record["state"] == "open":
        record["state"], record["resolution"] = "resolved", held.get("resolution")  # resolved here, not yet heard
    settings.write_member(conn, config.CONFLICTS, info.conflict_id, record)


def begin_pull(db: Database) -> None:
    """Before a pull's pages: onto a device with no chronology yet, set aside the index it would write all over
    (`bulk_indexes`)."""
    with db._write_lock, db.engine.begin() as conn:
        bulk_indexes.set_aside(conn)


def end_pull(db: Database) -> None:
    """After a pull's pages, however it ended: build what `begin_pull` set aside."""
    with db._write_lock:
        bulk_indexes.restore(db.engine)


def apply_page(db: Database, items: list[Any], cursor: int) -> PageStats:
    """Apply one pulled page and store `cursor`, all or nothing — except rows this device cannot store, which
    are set aside with their reason (`unapplied`) so they never hold the rest back."""
    stats = PageStats()
    with db._write_lock, bulk_cache(db.engine) as conn, conn.begin():
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        items = _apply_items(conn, items, stats)
        settings.write(conn, config.CURSOR, int(cursor))
        latest = max((i.hlc for i in items if i.hlc), default="")
        if latest:
            db._clock.observe(latest)
            settings.write(conn, config.HLC, db._clock.last)
    return stats


def _apply_items(conn: Connection, items: list[Any], stats: PageStats) -> list[Any]:
    """Apply pulled items in order (rows, conflicts, purges, notices); returns those that could be applied."""
    pending = pending_fields(conn)
    sharing_repo.note_owners(conn, items)  # set-aside rows too: their owner stays known when they are stored
    items, stats.set_aside = unapplied.sort_page(conn, items)
    run: list[Any] = []
    for item in items:
        if item.kind == "row" and item.entity in SYNCED_TABLES:
            run.append(item)
            continue
        stats.rows += apply_rows(conn, run, pending)
        run = []
        if item.kind == "conflict" and item.conflict is not None:
            store_conflict(conn, item.conflict)
            stats.conflicts += 1
        elif item.kind == "purge":
            purge_or_defer(conn, [item.row_id], pending, stats)
        elif item.kind == "withheld":
            sharing_repo.note_withheld(conn, [item])
    stats.rows += apply_rows(conn, run, pending)
    merges.settle(conn, items)  # a merge pulled, or rows recorded for a merged child: under the kept child
    refresh_derived(conn, items)
    return items


def refresh_derived(conn: Any, items: list[Any]) -> None:
    """Keep what is derived from pulled rows current in the same transaction (each child's attendance counts)."""
    children: set[str] = set()
    unnamed: list[str] = []  # a partial update names no child: looked up
    for item in items:
        if item.kind == "row" and item.entity == "attendance_weeks":
            child_id = item.fields.get("child_id")
            if child_id:
                children.add(child_id)
            else:
                unnamed.append(item.row_id)
    if unnamed:
        children |= attendance_repo.child_ids_of_weeks(conn, unnamed)
    if children:
        attendance_repo.refresh_totals(conn, children)


def retry_unapplied(db: Database, *, everything: bool = False) -> PageStats:
    """Try set-aside pulled rows again: after an upgrade (rows an earlier version could not store), or all of them
    when a person asks. Rows that still cannot be stored stay set aside, now naming this version."""
    stats = PageStats()
    with db._write_lock, db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        due = unapplied.due_for_retry(conn, everything=everything)
        if due:
            ready, _ = unapplied.sort_page(conn, due)
            stats.rows = apply_rows(conn, ready, pending_fields(conn))
            refresh_derived(conn, ready)
    return stats


def deferred_ready(db: Database) -> list[str]:
    """Children whose purge waited for a change to be pushed and that have nothing waiting now (after a push)."""
    with db.engine.connect() as conn:
        waiting: list[str] = settings.read(conn, config.DEFERRED_PURGES)
        if not waiting:
            return []
        pending_rows = {row_id for _, row_id in pending_fields(conn)}
        return [c for c in waiting if not pending_rows & set(child_row_ids(conn, c))]


def apply_resent(db: Database, items: list[Any]) -> PageStats:
    """Apply the server's answer to `resend` (each child purged, then its rows as the policy allows now) in one
    transaction, leaving the cursor where it is; `purged` lists only the children that did not come back."""
    stats = PageStats()
    with db._write_lock, db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        _apply_items(conn, items, stats)
    back = {i.row_id for i in items if i.kind == "row" and i.entity == "children"}
    stats.purged = [c for c in stats.purged if c not in back]
    return stats
