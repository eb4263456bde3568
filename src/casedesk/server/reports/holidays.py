"""The bank holidays the server counts working days with (`casedesk.domain.working_days`).

`govuk-bank-holidays`, the sector's library, bundles GOV.UK's list as it stood at its release, so it runs out
within a year or two. The server keeps the newest list it was given (`casedesk-server report … --bank-holidays
FILE`, GOV.UK's https://www.gov.uk/bank-holidays.json as downloaded) in `meta`, and that list is the one used: the
bundled one fills in only the years before the kept list starts. Without a kept list the bundled one is used, and
the acknowledgement table says how far it reaches.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from casedesk.domain.working_days import WorkingDays, parse_govuk
from casedesk.server.db import ServerDB, meta
from casedesk.server.reports.model import ReportError

KEY = "bank_holidays"


@cache
def bundled() -> frozenset[date]:
    """England's bank holidays as the library shipped them (no network: never asks GOV.UK from a report)."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    found = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    return frozenset(item["date"] for item in found)


def kept(conn: Connection) -> frozenset[date]:
    text = conn.execute(select(meta.c.value).where(meta.c.key == KEY)).scalar()
    return frozenset(date.fromisoformat(day) for day in json.loads(text)) if text else frozenset()


def in_effect(conn: Connection) -> tuple[WorkingDays, str]:
    """The working days to count with, and a line saying which list of holidays and how far it reaches."""
    server = kept(conn)
    if server:
        first = min(server)
        days = server | {day for day in bundled() if day < first}
        return WorkingDays(days), f"England's bank holidays from the server's list (to {max(days):%d %b %Y})"
    days = bundled()
    return WorkingDays(days), f"England's bank holidays as bundled (listed to {max(days):%d %b %Y})"


def keep(store: ServerDB, path: Path) -> str:
    """Read GOV.UK's bank-holidays JSON from `path` and keep it as the server's list; ReportError naming what is
    wrong (nothing kept) otherwise. Returns what was kept, in words."""
    try:
        days = parse_govuk(json.loads(path.read_text(encoding="utf-8-sig")))
    except OSError as exc:
        raise ReportError(f"Cannot read {path}: {exc.strerror}.") from exc
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path.name} is not JSON (line {exc.lineno}: {exc.msg}).") from exc
    except ValueError as exc:
        raise ReportError(f"{path.name} is {exc}.") from exc
    with store.write() as conn:
        conn.execute(delete(meta).where(meta.c.key == KEY))
        conn.execute(insert(meta).values(key=KEY, value=json.dumps(sorted(d.isoformat() for d in days))))
    return f"kept {len(days)} bank holidays, {min(days):%d %b %Y} to {max(days):%d %b %Y}, as the server's list"
