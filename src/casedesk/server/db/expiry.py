"""Involvements that end by the calendar: once a day the server takes children out of the view of
organisations whose involvement ended (after the policy's grace period), even if nobody touched the record.

A push that writes an end date already in the past rescopes at once (see `Pusher`); this sweep catches the
end dates that pass later. It runs under the feed lock and records the last day it swept in `meta`, so several
worker processes sweep each day once between them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update

from casedesk.server import policy
from casedesk.server.db import ServerDB, agreement_admin, meta, org_scope, ratelimits, records
from casedesk.server.db.push import Pusher

SWEPT_KEY = "scope.swept_through"


def sweep(store: ServerDB, on: date | None = None) -> list[str]:
    """Rescope every child with an involvement that ended before `on` (today) while its organisation still sees
    it; returns those children. A day already swept is not swept again."""
    on = on or policy.today()
    with store.write(ordered=True) as conn:
        swept = conn.execute(select(meta.c.value).where(meta.c.key == SWEPT_KEY)).scalar()
        if swept is not None and swept >= on.isoformat():
            return []
        grace = policy.grace_days()
        seen = {
            (row.org_id, row.child_id)
            for row in conn.execute(select(org_scope.c.org_id, org_scope.c.child_id).where(org_scope.c.visible))
        }
        due: set[str] = set()
        involvements = select(records.c.child_id, records.c.data).where(
            records.c.entity == "involvements", records.c.deleted.is_(False)
        )
        for child_id, data in conn.execute(involvements):
            last_day = policy.ends_after({"data": data}, grace)
            if last_day is not None and last_day < on and (data.get("organisation_id"), child_id) in seen:
                due.add(child_id)
        pusher = Pusher(conn, device_id="server", org_id="")
        pusher.today = on
        for child_id in sorted(due):
            pusher._rescope_later(child_id)
        pusher.rescope_all()
        pusher.cache.flush()
        # agreements that began or ended by the calendar since the last sweep take effect now
        agreement_admin.sweep_dates(conn, date.fromisoformat(swept) if swept else None, on)
        if swept is None:
            conn.execute(insert(meta).values(key=SWEPT_KEY, value=on.isoformat()))
        else:
            conn.execute(update(meta).where(meta.c.key == SWEPT_KEY).values(value=on.isoformat()))
    return sorted(due)


class DailySweep:
    """Runs `sweep` (and drops stale rate-limit counters) at most once per day per process; the database
    decides between processes."""

    def __init__(self, store: ServerDB) -> None:
        self.store = store
        self.last: date | None = None

    def __call__(self) -> None:
        today = policy.today()
        if self.last != today:
            sweep(self.store, today)
            ratelimits.forget_old(self.store)
            self.last = today
