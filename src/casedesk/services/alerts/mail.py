"""The email an urgent alert may send through the server's relay: opt-in per device (`config.ALERT_EMAILS`), to
each person told who has an email address, carrying no personal data — not the child, not the rule, not the
school — only that a child on their caseload needs attention and to open CaseDesk.

Each request's id follows from the alert and the recipient, and every field from the alert alone, so two devices
that raise the same urgent alert ask for the same email and the server, which keys deliveries by request id,
sends it once.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from casedesk.store.uow import UnitOfWork

SUBJECT = "CaseDesk: a child on your caseload needs attention"
BODY = (
    "A child on your caseload needs attention: CaseDesk raised an urgent alert for you.\n\n"
    "Open CaseDesk to see it (My work). For the child's safety this email says nothing more: no names, no details.\n"
)
SENDER = "CaseDesk alerts"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NAMESPACE = uuid.UUID("9b0d8f3e-2c61-5d1a-8f7e-4a2b6c1d0e93")


def request_id(alert_id: str, recipient: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{alert_id}|{recipient.casefold()}"))


def queue(uow: UnitOfWork, alert_id: str, child_id: str, met_on: date, recipients: list[str]) -> list[str]:
    """Ask the relay for one email per address (inside the evaluation's unit of work); returns the request ids."""
    asked = []
    for recipient in sorted({r.strip() for r in recipients if r and _EMAIL.match(r.strip())}):
        values: dict[str, Any] = {
            "id": request_id(alert_id, recipient),
            "child_id": child_id,  # so the request travels with the child's records (never in the message)
            "recipient": recipient,
            "subject": SUBJECT,
            "message": {"body": BODY},
            "requested_by": SENDER,
            "requested_at": datetime.combine(met_on, time(), UTC),
        }
        uow.insert("mail_requests", values)
        asked.append(values["id"])
    return asked
