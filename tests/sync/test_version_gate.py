"""The version gate end to end: the administrator publishes the oldest and newest app versions with the real
`casedesk-server admin client-versions`, a server under uvicorn refuses an older app, and that app stops syncing
without losing its records or the changes it has waiting, until it is updated."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from casedesk import __version__
from casedesk.domain import versions
from casedesk.server.db import records
from casedesk.services.enrolment import EnrolForm, EnrolmentFailed, EnrolmentService
from casedesk.services.sync import SyncService, UpdateRequired, describe_status
from casedesk.store import repositories as repo
from casedesk.store.journal import outbox
from casedesk.sync.fake import FaultyTransport
from casedesk.sync.http import HttpTransport
from tests.factories import new_database
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import PASSWORD, SRC, Server, UvicornProcess, make_device

NEXT = f"{versions.parse(__version__)[0] + 1}.0.0"  # a version newer than this app
LATER = f"{versions.parse(__version__)[0] + 1}.1.0"


def _admin(server: Server, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: F811
    return subprocess.run(
        [sys.executable, "-m", "casedesk.server.cli", "--database-url", server.url, "admin", "client-versions", *args],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def live(server: Server) -> Iterator[UvicornProcess]:  # noqa: F811
    proc = UvicornProcess(server.url).start()
    yield proc
    proc.kill()


def test_an_app_older_than_the_server_accepts_keeps_its_changes_until_it_is_updated(
    server: Server,  # noqa: F811
    live: UvicornProcess,
    tmp_path: Path,
) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    ann = make_device(tmp_path, "ann", None, "ann", base_url=live.base_url, org_server=server)
    child = ann.add_child("Ada", "Okafor", org)  # recorded offline: the child and its involvement wait to be sent

    published = _admin(server, "--minimum", NEXT, "--latest", LATER)
    assert published.returncode == 0, published.stderr
    assert published.stdout.strip() == f"Oldest accepted: {NEXT}; newest: {LATER}."

    service = ann.service
    ann.faults.calls.clear()
    with pytest.raises(UpdateRequired) as refused:
        service.run_once()
    assert str(refused.value) == versions.update_needed(__version__, NEXT)
    assert ann.faults.calls == ["client_versions"]  # stopped before sending or receiving anything
    assert outbox.count_by_state(ann.db)["pending"] == 2
    with ann.db.session() as session:
        assert repo.get_child(session, child).given_name == "Ada"
    status = service.status()
    assert status.update_required and status.pending == 2
    line, tip = describe_status(status)
    assert line.startswith(f"Update CaseDesk to sync (this is {__version__}; the server needs {NEXT} or newer)")
    assert "2 changes waiting" in line and "Nothing is lost" in tip
    assert service.status().last_error.endswith(str(refused.value))

    # the server refuses it by itself too, whatever the app checks: a push sent anyway is not applied
    sent_anyway = httpx.post(
        f"{live.base_url}/v1/push",
        json={"changes": outbox.pending_batch(ann.db, 10)},
        headers={
            "Authorization": f"Bearer {ann.transport.token}",
            "X-CaseDesk-Device": ann.db.device_id,
            "X-CaseDesk-Version": __version__,
        },
    )
    assert sent_anyway.status_code == 426 and sent_anyway.json()["error"] == "update_required"
    auth = {"Authorization": f"Bearer {ann.transport.token}", "X-CaseDesk-Device": ann.db.device_id}
    for sent in ({"X-CaseDesk-Version": "0.0.1"}, {}):  # no version at all: an app from before the header
        pulled = httpx.get(f"{live.base_url}/v1/pull", headers={**auth, **sent})
        assert pulled.status_code == 426 and pulled.json()["error"] == "update_required"
    with server.store.read() as conn:
        assert conn.execute(select(records.c.row_id).where(records.c.entity == "children")).all() == []

    # nor can an app that old enrol another computer: it is told to update first, in the same words
    fresh = new_database(tmp_path / "fresh.db")
    form = EnrolForm(live.base_url, "ann", PASSWORD, server.code("ann"))
    with pytest.raises(EnrolmentFailed) as not_enrolled:
        EnrolmentService(SyncService(fresh)).enrol(form)
    assert str(not_enrolled.value) == versions.update_needed(__version__, NEXT)
    fresh.close()

    # updated: the same database under the new version sends what waited, and hears a newer one exists
    updated = HttpTransport(
        live.base_url, device_id=ann.db.device_id, token=ann.transport.token, app_version=NEXT, sleep=lambda _s: None
    )
    after = SyncService(ann.db, FaultyTransport(updated), app_version=NEXT)
    report = after.run_once()
    assert report.pushed == 2 and report.digest_ok
    status = after.status()
    assert not status.update_required and status.pending == 0 and status.newer_version == LATER
    assert describe_status(status)[0].endswith(f"CaseDesk {LATER} is available")

    with server.store.read() as conn:
        assert conn.execute(select(records.c.row_id).where(records.c.entity == "children")).scalars().all() == [child]
    updated.close()


def test_publishing_versions_refuses_nonsense_and_leaves_them_as_they_were(server: Server) -> None:  # noqa: F811
    assert _admin(server, "--minimum", "0.2.0", "--latest", "0.3.0").returncode == 0
    backwards = _admin(server, "--minimum", "0.4.0")
    assert backwards.returncode == 1
    assert "The newest version (0.3.0) cannot be older than the oldest accepted (0.4.0)." in backwards.stderr
    garbled = _admin(server, "--latest", "soon")
    assert garbled.returncode == 1 and "“soon” is not a version number" in garbled.stderr
    assert _admin(server).stdout.strip() == "Oldest accepted: 0.2.0; newest: 0.3.0."
    assert _admin(server, "--minimum", "").stdout.strip() == "Oldest accepted: (any); newest: 0.3.0."
