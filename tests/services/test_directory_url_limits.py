"""`--url` has a deadline: a server trickling bytes cannot hold the import (the per-read timeout never fires)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from casedesk.errors import CaseDeskError
from casedesk.services.directory import fetch
from casedesk.services.directory.service import DirectoryService
from casedesk.store.database import Database
from tests.factories import service_count


@pytest.fixture
def trickling() -> Iterator[str]:
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"contents": [')
            while not stop.wait(0.1):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/services"
    stop.set()
    server.shutdown()
    server.server_close()


def test_a_server_trickling_bytes_meets_the_deadline(
    db: Database, trickling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "DEADLINE_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(CaseDeskError, match=r"too slow.*within 1 seconds.*nothing was imported"):
        DirectoryService(db, "tester").import_directory(trickling)
    assert time.monotonic() - started < 30  # the per-read timeout alone would never end
    assert service_count(db) == 0
