"""What the end-to-end mail tests share: a real SMTP sink on 127.0.0.1, and a referral emailed through the
server's relay from a device (a sample directory service, consent recorded, sent, queued for the relay)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

from aiosmtpd.controller import Controller

from casedesk.paths import resource_path
from casedesk.services.referrals.service import NewReferral, ReferralService
from tests.factories import CONSENT
from tests.sync.harness import Device, free_port

REASON = "Attendance has fallen this term and mornings are hard at home."


class Sink:
    """Takes every message. `kill` is a relay process to kill the moment a message has arrived, before the relay
    hears the 250 (the window a crash leaves in doubt)."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.kill: subprocess.Popen[str] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        if self.kill is not None:
            self.kill.kill()
            self.kill.wait(10)
            self.kill = None
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 15) -> None:
        """Until `count` messages have arrived (or `seconds` passed: the caller's assertion then says what came)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)


@contextmanager
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    """A sink listening on a free port of 127.0.0.1, and that port."""
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def sample_service() -> dict[str, Any]:
    """The first service of the bundled sample directory (an ORUK document)."""
    return json.loads(resource_path("directory", "sample_services.json").read_text())["contents"][0]


def email_a_referral(device: Device, child: str, referrer: dict[str, str]) -> str:
    """Refer `child` to the sample service with consent, mark it sent and queue its email to the service through
    the server's relay (sent at the next sync). Returns the mail request's id."""
    sample = sample_service()
    with device.db.unit_of_work(device.username) as uow:
        service = uow.insert("services", {"external_id": sample["id"], "name": sample["name"], "document": sample})
    referrals = ReferralService(device.db, device.username)
    referral, _ = referrals.create(
        NewReferral(
            child_id=child,
            service_id=service,
            service_name=sample["name"],
            reason=REASON,
            sharing=replace(CONSENT, consent_given_on=date(2026, 11, 20), decided_by=device.username),
            referrer=referrer,
        )
    )
    referrals.transition(referral, "sent")
    request_id, _ = referrals.queue_via_server(referral, "service", "intake@service.example")
    return request_id
