"""The server's mail relay: sends the referral emails devices asked for, each exactly once.

SMTP is the server administrator's setting (environment variables below); without it, requests simply wait
and `casedesk-server admin mail-status` shows them. A request is claimed by inserting its delivery row (the
primary key stops a second worker) in state `sending`; once the SMTP server has greeted the relay and accepted
its login, the row becomes `handing` (committed), the message goes, and the row becomes `sent`. A failure the
relay sees is recorded (`failed`) and retried later, up to `MAX_ATTEMPTS`.

A relay killed mid-way leaves its row behind, and the next run finds it once it is older than `STALE_AFTER`:
- still `sending`: the message was never handed over, so it is safely tried again;
- still `handing`: the SMTP server may or may not have taken it. It is never re-sent on its own (a duplicate
  safeguarding email is worse than one an administrator checks): it becomes `in_doubt`, is logged and listed by
  `admin mail-status` with its Message-ID to look up in the mail server's log, and an administrator settles it
  with `admin mail-settle ID --delivered` (mark it sent) or `--not-delivered` (send it once more).
"""

from __future__ import annotations

import base64
import logging
import os
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from casedesk.server.db import ServerDB, mail_deliveries, records

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=10)  # far beyond the SMTP timeouts of a live relay
STALE_ENV = "CASEDESK_MAIL_STALE_SECONDS"


class MailError(Exception):
    """An administrator's mail command that cannot be done; the message says why."""


def message_id(request_id: str) -> str:
    """The same Message-ID on every attempt, so a delivery in doubt can be looked up in the mail server's log."""
    return f"<{request_id}@casedesk.local>"


def _stale_after() -> timedelta:
    raw = os.environ.get(STALE_ENV, "")
    return timedelta(seconds=int(raw)) if raw.isdigit() else STALE_AFTER


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
    message["Message-ID"] = message_id(request_id)
    message.set_content(body.get("body") or "")
    if body.get("attachment_base64"):
        pdf = base64.b64decode(body["attachment_base64"])
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=body.get("attachment_name"))
    return message


def recover_interrupted(store: ServerDB, now: datetime | None = None) -> list[str]:
    """Find deliveries a killed relay left behind: unsent ones (`sending`) go back to be tried again; ones that
    may have reached the SMTP server (`handing`) become `in_doubt` for a person. Returns those in doubt."""
    now = now or datetime.now(UTC)
    cutoff = now - _stale_after()
    with store.write() as conn:
        conn.execute(
            update(mail_deliveries)
            .where(mail_deliveries.c.state == "sending", mail_deliveries.c.claimed_at <= cutoff)
            .values(state="failed", last_error="the relay stopped before handing it to the mail server")
        )
        doubtful = list(
            conn.execute(
                select(mail_deliveries.c.request_id).where(
                    mail_deliveries.c.state == "handing", mail_deliveries.c.claimed_at <= cutoff
                )
            ).scalars()
        )
        if doubtful:
            conn.execute(
                update(mail_deliveries)
                .where(mail_deliveries.c.request_id.in_(doubtful), mail_deliveries.c.state == "handing")
                .values(
                    state="in_doubt",
                    last_error="the relay stopped while handing it to the mail server: check its log, then settle",
                )
            )
    for request_id in doubtful:
        log.warning("mail request %s may or may not have been sent (Message-ID %s)", request_id, message_id(request_id))
    return doubtful


def _claim(store: ServerDB) -> list[tuple[str, dict[str, Any]]]:
    """Requests never tried, and failed ones still worth retrying, each claimed by this worker."""
    recover_interrupted(store)
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


def _mark(store: ServerDB, request_id: str, **values: Any) -> None:
    with store.write() as conn:
        conn.execute(update(mail_deliveries).where(mail_deliveries.c.request_id == request_id).values(**values))


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
                _mark(store, request_id, state="handing")  # from here on, a crash leaves it in doubt
                smtp.send_message(_message(settings, data, request_id))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail request %s not sent: %s", request_id, exc)
            values: dict[str, Any] = {"state": "failed", "last_error": str(exc)[:500]}
        else:
            values = {"state": "sent", "sent_at": datetime.now(UTC), "last_error": None}
            sent += 1
        _mark(store, request_id, **values)
    return sent


def settle(store: ServerDB, request_id: str, delivered: bool) -> None:
    """A person's answer about a delivery in doubt: it arrived (mark it sent), or it did not (send it again)."""
    values: dict[str, Any] = (
        {"state": "sent", "sent_at": datetime.now(UTC), "last_error": "confirmed delivered by an administrator"}
        if delivered
        else {"state": "failed", "attempts": 0, "last_error": "not delivered, per an administrator: sending again"}
    )
    with store.write() as conn:
        done = conn.execute(
            update(mail_deliveries)
            .where(mail_deliveries.c.request_id == request_id, mail_deliveries.c.state == "in_doubt")
            .values(**values)
        )
        if done.rowcount != 1:
            raise MailError(f"No delivery in doubt with id {request_id}.")


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
                "message_id": message_id(r["row_id"]),
            }
            for r in rows
        ]
