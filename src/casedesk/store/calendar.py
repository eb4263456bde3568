"""The working days this device counts due dates with: Monday to Friday less the bank holidays the server last
gave it (`config.BANK_HOLIDAYS`, asked once a day after a sync round). A device never given them — not enrolled,
or enrolled with a server from before — counts Monday to Friday, as it always did, and says so nowhere worse.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from casedesk import config
from casedesk.domain.working_days import WEEKDAYS, WorkingDays
from casedesk.store import settings
from casedesk.store.database import Database


def _calendar(kept: dict[str, Any]) -> WorkingDays:
    days = kept.get("days") or []
    return WorkingDays.of(date.fromisoformat(day) for day in days) if days else WEEKDAYS


def working_days(db: Database) -> WorkingDays:
    return _calendar(db.get(config.BANK_HOLIDAYS))


def working_days_on(conn: Connection) -> WorkingDays:
    """The same, inside a larger transaction."""
    return _calendar(settings.read(conn, config.BANK_HOLIDAYS))


def asked_on(db: Database) -> date | None:
    kept = db.get(config.BANK_HOLIDAYS).get("asked_on")
    return date.fromisoformat(kept) if kept else None


def keep(db: Database, days: list[date], source: str, today: date) -> None:
    """Keep the server's list (an empty list from the server is not kept over a list held: weekdays only would
    quietly move every due date)."""
    held = db.get(config.BANK_HOLIDAYS)
    if not days and held.get("days"):
        db.put(config.BANK_HOLIDAYS, {**held, "asked_on": today.isoformat()})
        return
    db.put(
        config.BANK_HOLIDAYS,
        {"asked_on": today.isoformat(), "days": [day.isoformat() for day in sorted(days)], "source": source},
    )
