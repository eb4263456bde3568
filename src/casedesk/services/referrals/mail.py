"""Sending a referral pack: an `.eml` for the user's own mail client, or a request for the server's mail relay.

A request made offline is an ordinary synced record: it waits in the outbox, reaches the server with the next
sync, and the server sends it once (it keys deliveries by the request's id). Both routes are disclosures, so
both are audited; the relay route also notes in the chronology that the pack was sent by email.
"""

from __future__ import annotations

import base64
import re
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from casedesk.domain.records import Changes
from casedesk.domain.referrals.pack import ReferralPack
from casedesk.errors import ValidationError
from casedesk.services import policy
from casedesk.services.referrals.pack import build_pack, write_pack_pdf
from casedesk.site_profile import ExportKind
from casedesk.store.database import Database

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ATTACHMENT = 140_000  # bytes of PDF; base64 stays inside the sync protocol's limit for structured values


def _check_recipient(recipient: str) -> str:
    recipient = recipient.strip()
    if not _EMAIL.match(recipient):
        raise ValidationError(f"{recipient or 'The recipient'} is not an email address.", [("to", "not an email")])
    return recipient


def _letter(pack: ReferralPack, audience: str) -> tuple[str, str, str]:
    """Subject, plain-text body and attachment name; no case detail in the body, which mail servers can read."""
    referrer = pack.referral.referrer
    subject = f"Referral to {pack.service.name}" if audience == "service" else f"About {pack.service.name}"
    body = (
        f"Please find attached the {'referral' if audience == 'service' else 'information sheet'} "
        f"for {pack.service.name}. The attachment is marked OFFICIAL-SENSITIVE.\n\n"
        f"{referrer.get('name', '')}\n{referrer.get('role', '')}\n{referrer.get('organisation', '')}\n"
        f"{referrer.get('phone', '')}\n"
    )
    name = f"referral-{pack.service.name.lower().replace(' ', '-')[:40]}-{audience}.pdf"
    return subject, body.rstrip() + "\n", name


def _prepare(db: Database, referral_id: str, audience: str, actor: str) -> tuple[ReferralPack, str, str, str, bytes]:
    """The pack (read once), the letter around it and the rendered (and audited) PDF."""
    pack = build_pack(db, referral_id)
    subject, body, name = _letter(pack, audience)
    with tempfile.TemporaryDirectory(prefix="casedesk-pack-") as tmp:
        path = Path(tmp) / "pack.pdf"
        write_pack_pdf(db, referral_id, audience, path, actor, pack=pack)
        return pack, subject, body, name, path.read_bytes()


def build_eml(sender: str, recipient: str, subject: str, body: str, attachment_name: str, pdf: bytes) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=True), make_msgid(domain="casedesk.local")
    message.set_content(body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=attachment_name)
    return bytes(message)


def save_eml(db: Database, referral_id: str, audience: str, recipient: str, out: Path, actor: str) -> None:
    """An email file with the pack attached, to open and send from the user's own mail program."""
    policy.require_export(db, ExportKind.REFERRAL_EMAIL)
    recipient = _check_recipient(recipient)
    pack, subject, body, name, pdf = _prepare(db, referral_id, audience, actor)
    sender = pack.referral.referrer.get("email", "") or actor
    out.write_bytes(build_eml(sender, recipient, subject, body, name, pdf))


def queue_via_server(db: Database, referral_id: str, audience: str, recipient: str, actor: str) -> tuple[str, Changes]:
    """Ask the server's relay to send the pack; works offline (sent after the next sync). Returns the request id."""
    recipient = _check_recipient(recipient)
    pack, subject, body, name, pdf = _prepare(db, referral_id, audience, actor)
    if len(pdf) > MAX_ATTACHMENT:
        raise ValidationError("The pack is too large to send through the server; save it and attach it instead.")
    now = datetime.now(UTC)
    with db.unit_of_work(actor) as uow:
        request_id = uow.insert(
            "mail_requests",
            {
                "child_id": pack.referral.child_id,
                "referral_id": referral_id,
                "recipient": recipient,
                "subject": subject,
                "message": {
                    "body": body,
                    "reply_to": pack.referral.referrer.get("email") or "",
                    "attachment_name": name,
                    "attachment_base64": base64.b64encode(pdf).decode("ascii"),
                },
                "requested_by": actor,
                "requested_at": now,
            },
        )
        uow.insert(
            "events",
            {
                "child_id": pack.referral.child_id,
                "kind": "referral",
                "occurred_at": now,
                "recorded_at": now,
                "author": actor,
                "summary": f"Referral pack ({audience}) emailed to {recipient} via the CaseDesk server",
                "related_id": referral_id,
            },
        )
    return request_id, uow.changes
