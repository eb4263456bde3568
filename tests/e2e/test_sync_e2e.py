"""End to end: `casedesk-server` under uvicorn on 127.0.0.1 (SQLite and PostgreSQL), devices over real sockets."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from casedesk.store import keyfile
from casedesk.store.journal import outbox as sync_outbox
from casedesk.sync.transport import Offline
from tests.sync.harness import PASSPHRASE, PASSWORD, Server, UvicornProcess, make_device

pytestmark = pytest.mark.slow


@pytest.fixture
def live(any_server: Server):
    proc = UvicornProcess(any_server.url).start()
    yield any_server, proc
    proc.kill()


def test_three_devices_edit_offline_sync_in_any_order_and_agree(live, tmp_path: Path) -> None:
    server, proc = live
    org = server.org("Riverside Academy")
    names = ("ann", "ben", "cat")
    for name in names:
        server.user(org, name)
    a, b, c = (make_device(tmp_path, n, server, n, base_url=proc.base_url) for n in names)
    shared = a.add_child("Ada", "Okafor", org)
    a.sync(), b.sync(), c.sync()
    # offline: each records its own children, notes on the shared child, and edits of the shared record
    made = {d.name: [d.add_child(f"{d.name}-{i}", "Pupil", org) for i in range(5)] for d in (a, b, c)}
    notes = [d.note(shared, f"note from {d.name}") for d in (a, b, c)]
    a.edit("children", shared, preferred_name="Addie")
    b.edit("children", shared, gender="female")
    c.edit("children", shared, uln="1234567890")
    b.edit("children", shared, town="Leeds")
    c.edit("children", shared, town="York")
    for order in ((c, a, b), (b, c, a), (a, b, c)):
        for device in order:
            device.sync()
    exports = [d.export() for d in (a, b, c)]
    assert exports[0] == exports[1] == exports[2]
    children = {x["child"]["id"]: x for x in exports[0]["children"]}
    assert set(children) == {shared, *made["ann"], *made["ben"], *made["cat"]}  # nothing lost, nothing doubled
    record = children[shared]
    assert {e["id"] for e in record["events"]} == set(notes)
    assert (record["child"]["preferred_name"], record["child"]["gender"], record["child"]["uln"]) == (
        "Addie",
        "female",
        "1234567890",
    )
    for device in (a, b, c):  # town is an address field: kept as first stored, waiting for a person
        (conflict,) = device.service.conflicts()
        assert conflict.critical and {x["value"] for x in conflict.candidates} == {"Leeds", "York"}
        assert set(sync_outbox.count_by_state(device.db)) <= {"applied", "conflict"}
    for d in (a, b, c):
        d.close()


def _count(server: Server, sql: str) -> int:
    with server.store.read() as conn:
        return int(conn.execute(text(sql)).scalar())


def test_killing_the_server_mid_push_loses_and_doubles_nothing(live, tmp_path: Path) -> None:
    server, proc = live
    org = server.org("Riverside Academy")
    server.user(org, "ann"), server.user(org, "ben")
    a = make_device(tmp_path, "ann", server, "ann", base_url=proc.base_url)
    with a.db.unit_of_work("ann") as uow:
        from datetime import date

        for i in range(1500):
            child = uow.insert(
                "children", {"given_name": f"C{i}", "family_name": "Bulk", "date_of_birth": date(2012, 1, 1)}
            )
            uow.insert(
                "involvements",
                {
                    "child_id": child,
                    "organisation_id": org,
                    "role": "designated_safeguarding_lead",
                    "start_date": date(2024, 9, 1),
                },
            )
    failure: list[BaseException] = []

    def push() -> None:
        try:
            a.sync()
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=push)
    worker.start()
    deadline = time.monotonic() + 60
    while _count(server, "select count(*) from applied_changes") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.kill()  # as hard as a power cut: no shutdown, no flush
    worker.join(60)
    assert failure and isinstance(failure[0], Offline)
    assert 0 < _count(server, "select count(*) from applied_changes") < 3000
    proc.start()
    a.sync()
    assert sync_outbox.count_by_state(a.db) == {"applied": 3000}
    assert _count(server, "select count(*) from records where entity = 'children'") == 1500
    assert _count(server, "select count(*) from feed where entity = 'children' and kind = 'row'") == 1500
    b = make_device(tmp_path, "ben", server, "ben", base_url=proc.base_url)
    assert len(b.export()["children"]) == 1500
    a.close(), b.close()


def test_the_command_line_enrols_and_syncs(tmp_path: Path, server: Server) -> None:
    proc = UvicornProcess(server.url).start()
    try:
        env = {
            **os.environ,
            "CASEDESK_PASSPHRASE": PASSPHRASE,
            "CASEDESK_USER_PASSWORD": PASSWORD,
            "CASEDESK_SERVER_PASSWORD": PASSWORD,
            "CASEDESK_HOME": str(tmp_path / "home"),
        }
        admin = [sys.executable, "-m", "casedesk.server.cli", "--database-url", server.url, "admin"]

        def run(args: list[str]) -> subprocess.CompletedProcess[str]:
            return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)

        org = run([*admin, "create-org", "Riverside Academy"]).stdout.strip()
        assert run([*admin, "create-user", "ann", "--org", org]).returncode == 0
        code = run([*admin, "enrolment-code", "ann"]).stdout.strip()
        db = tmp_path / "ann.db"
        cli = [sys.executable, "-m", "casedesk"]
        assert run([*cli, "init", "--db", str(db)]).returncode == 0
        enrolled = run([*cli, "enrol", "--db", str(db), "--server", proc.base_url, "--user", "ann", "--code", code])
        assert enrolled.returncode == 0, enrolled.stderr
        again = run([*cli, "enrol", "--db", str(db), "--server", proc.base_url, "--user", "ann", "--code", code])
        assert again.returncode == 3 and "already been used" in again.stderr
        synced = run([*cli, "sync", "--db", str(db)])
        assert synced.returncode == 0, synced.stderr
        assert "Sync finished" in synced.stdout and "digest matches" in synced.stdout
        listed = run([*admin, "list-devices"])
        assert "ann" in listed.stdout and "active" in listed.stdout
    finally:
        proc.kill()


def test_uvicorn_refuses_an_oversized_push(server: Server, tmp_path: Path, fast_kdf: keyfile.KdfParams) -> None:
    import httpx

    proc = UvicornProcess(server.url).start()
    try:
        response = httpx.post(
            f"{proc.base_url}/v1/push", content=b"x" * (9 * 1024 * 1024), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413 and response.json()["error"] == "too_large"
    finally:
        proc.kill()
