"""A referral emailed while offline reaches a real SMTP sink on 127.0.0.1 after the next sync, exactly once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from casedesk.domain.referrals.workflow import SharingDecision
from casedesk.paths import resource_path
from casedesk.services.referrals import service as referrals
from casedesk.services.referrals.mail import queue_via_server
from casedesk.services.referrals.service import NewReferral
from casedesk.sync.transport import Offline
from tests.sync.harness import Server, UvicornProcess, free_port, make_device

pytestmark = pytest.mark.slow


class Sink:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sink]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CASEDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CASEDESK_SMTP_PORT", str(port))
    monkeypatch.setenv("CASEDESK_SMTP_FROM", "relay@casedesk.test")
    yield sink
    controller.stop()


def _wait_for(sink: Sink, count: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_offline_referral_email_is_sent_after_sync_exactly_once(
    server: Server, smtp_sink: Sink, tmp_path: Path
) -> None:
    proc = UvicornProcess(server.url).start()
    try:
        org = server.org("Oakwood Primary School")
        server.user(org, "sam")
        device = make_device(tmp_path, "sam", server, "sam", base_url=proc.base_url)
        child = device.add_child("Ada", "Okafor", org)
        sample = json.loads(resource_path("directory", "sample_services.json").read_text())["contents"][0]
        with device.db.unit_of_work("sam") as uow:
            service = uow.insert("services", {"external_id": sample["id"], "name": sample["name"], "document": sample})
        proc.kill()  # on a home visit: no connection
        referral, _ = referrals.create_referral(
            device.db,
            NewReferral(
                child_id=child,
                service_id=service,
                service_name=sample["name"],
                reason="Attendance has fallen this term and mornings are hard at home.",
                sharing=SharingDecision(
                    consent=True,
                    consent_given_by="Mother",
                    consent_given_on=date(2026, 11, 20),
                    consent_scope="this referral",
                    decided_by="sam",
                ),
                referrer={"name": "Sam Patel", "email": "sam@oakwood.example"},
            ),
            "sam",
        )
        referrals.transition(device.db, referral, "sent", "sam")
        queue_via_server(device.db, referral, "service", "intake@service.example", "sam")
        with pytest.raises(Offline):
            device.sync()
        assert smtp_sink.messages == []

        proc.start()
        device.sync()
        _wait_for(smtp_sink, 1)
        device.sync()
        time.sleep(1.0)
        assert len(smtp_sink.messages) == 1
        message = message_from_bytes(smtp_sink.messages[0])
        assert message["To"] == "intake@service.example" and message["Subject"] == f"Referral to {sample['name']}"
        attachment = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
        assert attachment.get_payload(decode=True).startswith(b"%PDF")
    finally:
        proc.kill()
