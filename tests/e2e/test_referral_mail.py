"""A referral emailed while offline reaches a real SMTP sink on 127.0.0.1 after the next sync, exactly once."""

from __future__ import annotations

import time
from email import message_from_bytes
from pathlib import Path

import pytest

from casedesk.sync.transport import Offline
from tests.e2e.mail import Sink, email_a_referral, sample_service
from tests.sync.harness import Server, UvicornProcess, make_device

pytestmark = pytest.mark.slow


def test_offline_referral_email_is_sent_after_sync_exactly_once(
    server: Server, smtp_sink: Sink, tmp_path: Path
) -> None:
    proc = UvicornProcess(server.url).start()
    try:
        org = server.org("Oakwood Primary School")
        server.user(org, "sam")
        server.directory_manager("sam")  # sam adds the service the referral goes to
        device = make_device(tmp_path, "sam", server, "sam", base_url=proc.base_url)
        child = device.add_child("Ada", "Okafor", org)
        proc.kill()  # on a home visit: no connection
        email_a_referral(device, child, {"name": "Sam Patel", "email": "sam@oakwood.example"})
        with pytest.raises(Offline):
            device.sync()
        assert smtp_sink.messages == []

        proc.start()
        device.sync()
        smtp_sink.wait_for(1)
        device.sync()
        time.sleep(1.0)
        assert len(smtp_sink.messages) == 1
        message = message_from_bytes(smtp_sink.messages[0])
        assert (
            message["To"] == "intake@service.example"
            and message["Subject"] == f"Referral to {sample_service()['name']}"
        )
        attachment = next(part for part in message.walk() if part.get_content_type() == "application/pdf")
        assert attachment.get_payload(decode=True).startswith(b"%PDF")
    finally:
        proc.kill()
