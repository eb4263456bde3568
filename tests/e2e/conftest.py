"""The end-to-end tests' fixtures: the sync server (SQLite and PostgreSQL) and a real SMTP sink the relay sends to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.mail import Sink
from tests.e2e.mail import smtp_sink as start_sink
from tests.sync.fixtures import any_server, fast_passwords, pg_url, postgres_cluster, server  # noqa: F401


@pytest.fixture
def smtp_sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sink]:
    """A sink on 127.0.0.1 that the server's relay (in this process or one it starts) sends to."""
    with start_sink() as (sink, port):
        monkeypatch.setenv("CASEDESK_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CASEDESK_SMTP_PORT", str(port))
        monkeypatch.setenv("CASEDESK_SMTP_FROM", "relay@casedesk.test")
        yield sink
