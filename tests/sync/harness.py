"""Real parts for sync tests: a real server app (in process, or under uvicorn), real encrypted device databases.

`Server` wraps the FastAPI app over a real database (SQLite file or PostgreSQL); `Device` is one install with
its own SQLCipher file, enrolled through the real enrolment endpoint, syncing through the real HTTP transport
(over an in-process client, or a socket to uvicorn).
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from casedesk import config
from casedesk.domain.ids import new_id
from casedesk.server import administration
from casedesk.server.app import create_app
from casedesk.server.db import ServerDB
from casedesk.server.db import accounts as admin
from casedesk.services import export, sync
from casedesk.store.database import Database
from casedesk.store.journal import tallies
from casedesk.sync.engine import SyncReport
from casedesk.sync.fake import Faults, FaultyTransport
from casedesk.sync.http import HttpTransport
from tests.factories import new_database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "a long enough password"
PASSPHRASE = "correct horse battery"
SRC = Path(__file__).resolve().parents[2] / "src"


class Server:
    """The real app over a real database, reachable in process (no sockets)."""

    def __init__(self, url: str, **options: Any) -> None:
        self.url = url
        self.store = ServerDB(url)
        self.app = create_app(self.store, **options)
        self.base_url = "http://testserver"
        self._live: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def client(self) -> httpx.Client:
        return TestClient(self.app)

    def serve(self) -> str:
        """Serve the app with uvicorn on 127.0.0.1 (a real socket, in a thread); returns its base URL."""
        if self._live is None:
            port = free_port()
            config = uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
            self._live = uvicorn.Server(config)
            self._thread = threading.Thread(target=self._live.run, daemon=True)
            self._thread.start()
            deadline = time.monotonic() + 20
            while not self._live.started and time.monotonic() < deadline:
                time.sleep(0.02)
            self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    def loopback(self, source: str | None = None) -> httpx.Client:
        """A plain HTTP client of the served app (see `serve`), from another loopback address if given
        (127.0.0.2, …: a second machine as far as the server can tell)."""
        transport = httpx.HTTPTransport(local_address=source) if source else None
        return httpx.Client(base_url=self.serve(), timeout=30, transport=transport)

    def org(self, name: str) -> str:
        return admin.create_org(self.store, name)

    def user(self, org_id: str, username: str) -> str:
        return admin.create_user(self.store, org_id, username, PASSWORD)

    def directory_manager(self, username: str) -> None:
        """Let a user change the directory and guidance (the server refuses anyone else's change)."""
        administration.set_directory_manager(self.store, username, True)

    def code(self, username: str) -> str:
        return admin.enrolment_code(self.store, username)

    def close(self) -> None:
        if self._live is not None and self._thread is not None:
            self._live.should_exit = True
            self._thread.join(10)
            self._live = None
        self.store.dispose()


@dataclass
class Device:
    name: str
    db: Database
    transport: HttpTransport
    faults: Faults
    username: str

    @property
    def service(self) -> sync.SyncService:
        return sync.SyncService(self.db, FaultyTransport(self.transport, self.faults))

    def sync(self) -> SyncReport:
        report = self.service.run_once()
        self.check_kept_digest()
        return report

    def check_kept_digest(self) -> None:
        """Every write path moves the kept digest: after any round it equals a recount from the rows."""
        with self.db.engine.connect() as conn:
            kept = tallies.kept(conn)
            if kept is not None:
                recounted = tallies.recount_all(conn)
                assert kept == recounted, sorted(e for e in kept if kept[e] != recounted[e])

    # -- edits made offline, through the ordinary unit of work ---------------------------------------------
    def add_child(self, given: str, family: str, org_id: str | None = None, **extra: Any) -> str:
        with self.db.unit_of_work(self.username) as uow:
            child_id = uow.insert(
                "children", {"given_name": given, "family_name": family, "date_of_birth": date(2012, 5, 1), **extra}
            )
            if org_id:
                uow.insert(
                    "involvements",
                    {
                        "child_id": child_id,
                        "organisation_id": org_id,
                        "role": "designated_safeguarding_lead",
                        "start_date": date(2024, 9, 1),
                    },
                )
        return child_id

    def edit(self, entity: str, row_id: str, **changes: Any) -> None:
        with self.db.unit_of_work(self.username) as uow:
            uow.update(entity, row_id, changes)

    def note(self, child_id: str, summary: str) -> str:
        now = datetime.now(UTC)
        with self.db.unit_of_work(self.username) as uow:
            return uow.insert(
                "events",
                {
                    "child_id": child_id,
                    "kind": "note",
                    "occurred_at": now,
                    "recorded_at": now,
                    "author": self.username,
                    "summary": summary,
                },
            )

    def export(self) -> dict[str, Any]:
        """The whole database as a user would export it, minus the moment of export."""
        document = export.export_all(self.db, "test")
        return {k: v for k, v in document.items() if k != "exported_at"}

    def close(self) -> None:
        self.db.close()


def make_device(
    tmp: Path,
    name: str,
    server: Server | None,
    username: str,
    *,
    base_url: str | None = None,
    org_server: Server | None = None,
) -> Device:
    db = new_database(tmp / f"{name}.db")
    owner = server or org_server
    assert owner is not None
    client = server.client() if server is not None and base_url is None else None
    transport = HttpTransport(base_url or owner.base_url, device_id=db.device_id, client=client, sleep=lambda _s: None)
    sync.enrol(db, base_url or owner.base_url, username, PASSWORD, owner.code(username), transport=transport)
    transport.token = db.get(config.DEVICE_TOKEN)
    device = Device(name, db, transport, Faults(), username)
    device.sync()  # the directory (organisations) arrives before anything is recorded against it
    return device


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class UvicornProcess:
    """`casedesk-server` in its own process on 127.0.0.1, so a test can kill it as hard as a power cut."""

    def __init__(self, url: str, port: int | None = None) -> None:
        self.url = url
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> UvicornProcess:
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "casedesk.server.cli", "--database-url", self.url, "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("casedesk-server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None


_tick = itertools.count()


def wire_change(
    device_id: str, entity: str, row_id: str, op: str, fields: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """One change as a device sends it, with a fresh change id and a clock that only moves forward."""
    hlc = f"{int(time.time() * 1000):013d}-{next(_tick) % 1_000_000:06d}-{device_id}"
    return {
        "change_id": new_id(),
        "entity": entity,
        "row_id": row_id,
        "op": op,
        "fields": fields,
        "base_versions": {},
        "hlc": hlc,
        "device_id": device_id,
        "author": "tester",
        **extra,
    }


class Peer:
    """A device speaking the protocol by hand, so a test can send what the app never would."""

    def __init__(self, server: Server, username: str) -> None:
        self.device_id = new_id()
        self.client = server.loopback()
        body = {"username": username, "password": PASSWORD, "code": server.code(username), "device_id": self.device_id}
        token = self.client.post("/v1/enrol", json=body).json()["device_token"]
        self.headers = {"Authorization": f"Bearer {token}", "X-CaseDesk-Device": self.device_id}

    def change(self, entity: str, row_id: str, op: str, fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return wire_change(self.device_id, entity, row_id, op, fields, **extra)

    def push(self, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.client.post("/v1/push", headers=self.headers, json={"changes": list(changes)})
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def pull(self, cursor: int = 0) -> httpx.Response:
        return self.client.get("/v1/pull", headers=self.headers, params={"cursor": cursor})

    def close(self) -> None:
        self.client.close()


CHILD = {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": "2012-05-01"}
