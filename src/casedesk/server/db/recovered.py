"""Referral emails after a server restore: put in doubt, never sent twice.

A mail request re-sent by a device after a restore (`recovered`) already reached the lost history, which may
have sent it; so may any request the restored database holds without a confirmed delivery. Both are marked
`in_doubt`, exactly like an email a killed relay may have handed over (`casedesk.server.mail`): the relay never
sends them on its own, `admin mail-status` lists them with their Message-ID, and an administrator settles each
with `admin mail-settle ID --delivered | --not-delivered` after checking the mail server's log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from casedesk.server.db import mail_deliveries

IN_DOUBT_REASON = "asked for before the server was restored from a backup: check the mail server's log"


def put_in_doubt(conn: Connection, request_id: str, now: datetime) -> bool:
    """Mark one request in doubt unless it is known to be sent (or already in doubt). True when it changed."""
    state = conn.execute(select(mail_deliveries.c.state).where(mail_deliveries.c.request_id == request_id)).scalar()
    if state is None:
        values = {"request_id": request_id, "state": "in_doubt", "attempts": 0, "claimed_at": now}
        conn.execute(insert(mail_deliveries).values(**values, last_error=IN_DOUBT_REASON))
        return True
    if state in ("sent", "in_doubt"):
        return False
    conn.execute(
        update(mail_deliveries)
        .where(mail_deliveries.c.request_id == request_id)
        .values(state="in_doubt", last_error=IN_DOUBT_REASON)
    )
    return True
