"""A referral email interrupted by a killed relay is found out by the next run: one never handed over is sent,
one that may have reached the mail server is reported in doubt and settled by a person — never sent twice.
The relay runs as `casedesk-server admin send-mail` in its own process against a real SMTP sink on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes

import pytest
from sqlalchemy import text

from casedesk.domain.ids import new_id
from casedesk.server import mail
from tests.e2e.mail import Sink, smtp_sink
from tests.sync.harness import CHILD, SRC, Peer, Server

pytestmark = pytest.mark.slow


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    with smtp_sink() as (handler, port):
        yield handler, port


def _relay(server: Server, port: int, *args: str, stale: int = 600) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "CASEDESK_SMTP_HOST": "127.0.0.1",
        "CASEDESK_SMTP_PORT": str(port),
        mail.STALE_ENV: str(stale),
    }
    command = [sys.executable, "-m", "casedesk.server.cli", "--database-url", server.url, "admin", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run(server: Server, port: int, *args: str, stale: int = 600) -> str:
    out, err = _relay(server, port, *args, stale=stale).communicate(timeout=60)
    assert "Traceback" not in err, err
    return out + err


def _request(server: Server) -> str:
    """A device asks the relay for one email (pushed over HTTP like any change)."""
    org = server.org("Oakwood Primary School")
    server.user(org, "sam")
    peer = Peer(server, "sam")
    child_id, request_id = new_id(), new_id()
    fields = {
        "child_id": child_id,
        "recipient": "intake@service.example",
        "subject": "Referral to Family Support",
        "message": {"body": "Please see the attached referral."},
        "requested_by": "sam",
        "requested_at": "2026-11-30T09:00:00+00:00",
    }
    child = peer.change("children", child_id, "insert", CHILD)
    request = peer.change("mail_requests", request_id, "append", fields)
    assert [r["status"] for r in peer.push(child, request)] == ["applied", "applied"]
    peer.close()
    return request_id


def _state(server: Server, request_id: str) -> str:
    with server.store.read() as conn:
        return str(
            conn.execute(text("select state from mail_deliveries where request_id = :r"), {"r": request_id}).scalar()
        )


def test_a_relay_killed_after_handing_over_reports_it_in_doubt_and_never_resends(any_server: Server, sink) -> None:
    handler, port = sink
    request_id = _request(any_server)
    handler.kill = relay = _relay(any_server, port, "send-mail")
    relay.communicate(timeout=60)
    assert relay.returncode != 0 and len(handler.messages) == 1  # it arrived; the relay never heard so
    out = _run(any_server, port, "send-mail", stale=0)  # the next run finds it
    assert "1 email(s) in doubt" in out and "may or may not have been sent" in out  # printed and logged
    assert len(handler.messages) == 1
    assert _state(any_server, request_id) == "in_doubt"
    listed = _run(any_server, port, "mail-status")
    received_id = message_from_bytes(handler.messages[0])["Message-ID"]
    assert "in_doubt" in listed and received_id in listed  # what to look up in the mail server's log
    _run(any_server, port, "mail-settle", request_id, "--delivered")
    assert _state(any_server, request_id) == "sent"
    assert "Sent 0 email(s)" in _run(any_server, port, "send-mail", stale=0) and len(handler.messages) == 1


def test_a_relay_killed_before_handing_over_sends_it_next_time(server: Server, sink) -> None:
    handler, port = sink
    request_id = _request(server)
    with socket.socket() as silent:  # a mail server that accepts the connection and never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        relay = _relay(server, silent.getsockname()[1], "send-mail")
        deadline = time.monotonic() + 30
        while _state(server, request_id) != "sending" and time.monotonic() < deadline:
            time.sleep(0.1)
        relay.kill()
        relay.wait(10)
    assert _state(server, request_id) == "sending" and handler.messages == []
    assert "Sent 1 email(s)" in _run(server, port, "send-mail", stale=0)
    assert "Sent 0 email(s)" in _run(server, port, "send-mail", stale=0)
    assert len(handler.messages) == 1 and _state(server, request_id) == "sent"


def test_settling_a_delivery_that_is_not_in_doubt_is_refused(server: Server, sink) -> None:
    _handler, port = sink
    request_id = _request(server)
    result = _relay(server, port, "mail-settle", request_id, "--not-delivered")
    _out, err = result.communicate(timeout=60)
    assert result.returncode != 0 and err.strip() == f"casedesk-server: No delivery in doubt with id {request_id}."
