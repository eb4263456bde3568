"""Digest mismatches a targeted resync did not clear: found down to their rows, reported once, not re-run.

A resync overwrites an entity with the server's rows; if the digests still differ, some rows cannot be made equal
on this device (a value the server stored in a spelling the device cannot hold). Running the resync again every
round would change nothing and cost a whole-entity download each time. Instead the differing rows are found (the
resync has just seen every server row), recorded with their entity for the app to show, logged once, and left out
of later digests until the record is a day old, when they are checked again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from casedesk import config
from casedesk.store.database import Database

RECHECK_AFTER = timedelta(hours=24)


def known_rows(db: Database) -> set[str]:
    """Rows of a recorded, still-fresh mismatch: the digest leaves them out until they are checked again."""
    held = db.get(config.DIGEST_MISMATCH)
    if not held or datetime.fromisoformat(held["at"]) < datetime.now(UTC) - RECHECK_AFTER:
        return set()
    return {row_id for rows in held["rows"].values() for row_id in rows}


def known(db: Database) -> dict[str, list[str]]:
    """The recorded mismatch, entity → row ids (empty when there is none)."""
    held = db.get(config.DIGEST_MISMATCH)
    return dict(held["rows"]) if held else {}


def differing(server: dict[str, str], local: dict[str, str], exclude: set[str]) -> list[str]:
    """Row ids whose digest lines differ, or that only one side holds."""
    ids = (set(server) | set(local)) - exclude
    return sorted(row_id for row_id in ids if server.get(row_id) != local.get(row_id))


def remember(db: Database, rows: dict[str, list[str]]) -> bool:
    """Record a mismatch; True when it is news (not the one already recorded), so the caller reports it once."""
    held: dict[str, Any] = db.get(config.DIGEST_MISMATCH)
    news = not held or held["rows"] != rows
    at = datetime.now(UTC).isoformat() if news else held["at"]
    db.put(config.DIGEST_MISMATCH, {"rows": rows, "at": at})
    return news


def clear(db: Database) -> None:
    if db.has(config.DIGEST_MISMATCH):
        db.put(config.DIGEST_MISMATCH, None)
