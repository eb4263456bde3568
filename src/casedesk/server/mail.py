"""The server's mail relay: sends the referral emails devices asked for, each exactly once.

SMTP is the server administrator's setting (environment variables below); without it, requests simply wait
and `casedesk-server admin mail-status` shows them. A request is claimed by inserting its delivery row (the
primary key stops a second worker), sent, then marked sent; a failure is recorded and retried later, up to
`MAX_ATTEMPTS`. A crash between sending and marking leaves it "sending", never re-sent on its own: a
duplicate safeguarding email is worse than one an administrator has to check.
"""

from __future__ import annotations

import base64
import logging
import os
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from casedesk.server.db import ServerDB, mail_deliveries, records

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "casedesk@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpSettings | None:
        """CASEDESK_SMTP_HOST (required), _PORT, _FROM, _USER, _PASSWORD, _STARTTLS=1."""
        env = dict(os.environ if env is None else env)
        host = env.get("CASEDESK_SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(env.get("CASEDESK_SMTP_PORT", "25")),
            sender=env.get("CASEDESK_SMTP_FROM", "casedesk@localhost"),
            username=env.get("CASEDESK_SMTP_USER") or None,
            password=env.get("CASEDESK_SMTP_PASSWORD") or None,
            starttls=env.get("CASEDESK_SMTP_STARTTLS", "") == "1",
        )


def _message(settings: SmtpSettings, data: dict[str, Any], request_id: str) -> EmailMessage:
    body = data.get("message") or {}
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, data["recipient"], data["subject"]
    if body.get("reply_to"):
        message["Reply-To"] = body["reply_to"]
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(idstring=request_id, domain="casedesk.local")
    message.set_content(body.get("body") or "")
    if body.get("attachment_base64"):
        pdf = base64.b64decode(body["attachment_base64"])
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=body.get("attachment_name"))
    return message


def _claim(store: ServerDB) -> list[tuple[str, dict[str, Any]]]:
    """Requests never tried, and failed ones still worth retrying, each claimed by this worker."""
    now = datetime.now(UTC)
    with store.read() as conn:
        pending = conn.execute(
            select(records.c.row_id, records.c.data, mail_deliveries.c.state, mail_deliveries.c.attempts)
            .select_from(records.outerjoin(mail_deliveries, mail_deliveries.c.request_id == records.c.row_id))
            .where(records.c.entity == "mail_requests", records.c.deleted.is_(False))
        ).all()
    claimed = []
    for row_id, data, state, attempts in pending:
        try:
            with store.write() as conn:
                if state is None:
                    conn.execute(
                        insert(mail_deliveries).values(request_id=row_id, state="sending", attempts=1, claimed_at=now)
                    )
                elif state == "failed" and attempts < MAX_ATTEMPTS:
                    done = conn.execute(
                        update(mail_deliveries)
                        .where(and_(mail_deliveries.c.request_id == row_id, mail_deliveries.c.state == "failed"))
                        .values(state="sending", attempts=attempts + 1, claimed_at=now)
                    )
                    if done.rowcount != 1:
                        continue
                else:
                    continue
        except IntegrityError:
            continue  # another worker claimed it first
        claimed.append((row_id, data))
    return claimed


def deliver_pending(store: ServerDB, settings: SmtpSettings | None) -> int:
    """Send what is waiting; returns how many were sent now."""
    if settings is None:
        return 0
    sent = 0
    for request_id, data in _claim(store):
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
                if settings.starttls:
                    smtp.starttls()
                if settings.username:
                    smtp.login(settings.username, settings.password or "")
                smtp.send_message(_message(settings, data, request_id))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail request %s not sent: %s", request_id, exc)
            values: dict[str, Any] = {"state": "failed", "last_error": str(exc)[:500]}
        else:
            values = {"state": "sent", "sent_at": datetime.now(UTC), "last_error": None}
            sent += 1
        with store.write() as conn:
            conn.execute(update(mail_deliveries).where(mail_deliveries.c.request_id == request_id).values(**values))
    return sent


def mail_status(store: ServerDB) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            select(records.c.row_id, records.c.data, mail_deliveries)
            .select_from(records.outerjoin(mail_deliveries, mail_deliveries.c.request_id == records.c.row_id))
            .where(records.c.entity == "mail_requests")
        ).mappings()
        return [
            {
                "request_id": r["row_id"],
                "to": r["data"].get("recipient"),
                "state": r["state"] or "waiting",
                "attempts": r["attempts"] or 0,
                "last_error": r["last_error"],
            }
            for r in rows
        ]
