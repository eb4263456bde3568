"""Disaster recovery end to end: a real server restored from last night's backup loses nothing its devices hold.

Three devices make and sync changes after the backup — new children, chronology entries, an edit still waiting
to be pushed, a conflict on an ordinary field and one on a critical field, a referral emailed through the relay
— then the server is restored from the backup and everyone syncs. Every change must be back on the server and
on every device, or inside a recorded conflict, and the email must not go out a second time. On SQLite and on
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from casedesk.server import backup
from casedesk.server import mail as relay
from casedesk.services import device_backup
from casedesk.store.database import Database
from casedesk.store.journal import outbox as sync_outbox
from casedesk.sync import reconcile
from casedesk.sync.fake import Faults
from tests.e2e.mail import Sink
from tests.e2e.mail import email_a_referral as emailed
from tests.sync.harness import PASSPHRASE, Device, Server, make_device

pytestmark = pytest.mark.slow
BACKUP_PASSPHRASE = "a backup passphrase for the tests"


def email_a_referral(device: Device, child: str) -> str:
    return emailed(device, child, {"name": "Cat Jones", "email": "cat@riverside.example"})


def restart(old: Server, devices: list[Device]) -> Server:
    """The server process comes back over whatever database is now at its URL."""
    old.close()
    fresh = Server(old.url)
    for device in devices:
        device.transport.client = fresh.client()
    return fresh


def _content(value: Any) -> Any:
    """A record as people see it: without the device's own bookkeeping (when it stored its copy)."""
    if isinstance(value, dict):
        return {k: _content(v) for k, v in value.items() if k not in ("created_at", "updated_at")}
    if isinstance(value, list):
        return [_content(v) for v in value]
    return value


def children_by_name(device: Device) -> dict[str, dict[str, Any]]:
    return {c["child"]["given_name"]: _content(c) for c in device.export()["children"]}


def conflict_values(device: Device) -> dict[str, list[Any]]:
    return {c.field: sorted(str(x["value"]) for x in c.candidates) for c in device.service.conflicts()}


@pytest.fixture
def trio(any_server: Server, tmp_path: Path, smtp_sink: Sink) -> Iterator[tuple[Server, str, list[Device]]]:
    server = Server(any_server.url)  # over the SMTP sink set in the environment
    any_server.close()
    org = server.org("Riverside Academy")
    for name in ("ann", "ben", "cat"):
        server.user(org, name)
        server.directory_manager(name)  # each may add the sample service it refers a child to
    devices = [make_device(tmp_path, name, server, name) for name in ("ann", "ben", "cat")]
    yield server, org, devices
    for device in devices:
        device.close()
    server.close()


def test_a_restored_server_gets_back_everything_its_devices_hold(
    trio: tuple[Server, str, list[Device]], tmp_path: Path, smtp_sink: Sink
) -> None:
    server, org, devices = trio
    ann, ben, cat = devices
    old_child = ann.add_child("Ada", "Okafor", org)
    ann.note(old_child, "Before the backup")
    for device in (ann, ben, cat):
        device.sync()
    night = tmp_path / "nightly.backup"
    backup.backup(server.url, night, BACKUP_PASSPHRASE)

    # -- the day after the backup: everything below reaches the server, then the server is lost ---------------
    new_child = ann.add_child("Bea", "Nwosu", org)
    ann.note(new_child, "Bea started at Riverside today")
    ann.edit("children", old_child, preferred_name="Addie")
    ann.sync()
    ben.sync()
    ben.note(new_child, "Bea settled in well")
    ben.edit("children", old_child, upn_unknown_reason="UN1", postcode="AB1 2CD")
    cat.sync()
    cat.edit("children", old_child, upn_unknown_reason="UN2", postcode="ZZ9 9ZZ")
    request_id = email_a_referral(cat, new_child)
    for device in (ben, cat, ann, ben, cat, ann):
        device.sync()
    assert len(smtp_sink.messages) == 1
    cat.edit("children", new_child, preferred_name="Bee")  # made offline; still waiting when the server dies
    before = {d.name: children_by_name(d) for d in devices}
    conflicts_before = conflict_values(ann)
    assert conflicts_before == {"postcode": ["AB1 2CD", "ZZ9 9ZZ"], "upn_unknown_reason": ["UN1", "UN2"]}

    # -- restore last night's backup ------------------------------------------------------------------------
    server.close()
    entry = backup.restore(server.url, night, BACKUP_PASSPHRASE)
    assert entry["mail_in_doubt"] == 0  # the backup predates the email; devices bring it back
    server = restart(server, devices)
    assert "Bea" not in {r["given_name"] for r in _server_children(server)}

    with ThreadPoolExecutor(3) as pool:  # the three devices reconcile at the same time
        reports = list(pool.map(lambda device: device.sync(), (cat, ben, ann)))
    assert all(r.recovery.startswith("The server was restored") for r in reports)
    for device in (ann, ben, cat, ann, ben, cat):
        report = device.sync()
        assert not report.recovery and report.digest_ok

    # every change made anywhere is on the server and every device, or inside a recorded conflict
    names = {r["given_name"]: r for r in _server_children(server)}
    assert set(names) == {"Ada", "Bea"}
    assert names["Ada"]["preferred_name"] == "Addie" and names["Bea"]["preferred_name"] == "Bee"
    after = {d.name: children_by_name(d) for d in devices}
    _diff(after)
    assert after["ann"] == after["ben"] == after["cat"]
    ada, bea = after["ann"]["Ada"], after["ann"]["Bea"]
    assert ada["child"] == before["ann"]["Ada"]["child"]
    assert bea["child"]["preferred_name"] == "Bee"
    assert sorted(e["summary"] for e in bea["events"] if e["kind"] == "note") == [
        "Bea settled in well",
        "Bea started at Riverside today",
    ]
    assert [e["summary"] for e in ada["events"]] == [e["summary"] for e in before["ann"]["Ada"]["events"]]
    for device in devices:
        assert conflict_values(device) == conflicts_before
        assert sync_outbox.count_by_state(device.db).get("pending", 0) == 0
        assert sync_outbox.set_aside(device.db) == []
        assert "re-sent" in (reconcile.notice(device.db) or {}).get("text", "")

    # the email came back as a record, but in doubt: it is never sent a second time on its own
    relay.deliver_pending(server.store, relay.SmtpSettings.from_env())
    assert len(smtp_sink.messages) == 1
    (status,) = [m for m in relay.mail_status(server.store) if m["request_id"] == request_id]
    assert status["state"] == "in_doubt"
    relay.settle(server.store, request_id, delivered=True)  # the administrator found it in the mail server's log
    assert [m["state"] for m in relay.mail_status(server.store)] == ["sent"]


def _server_children(server: Server) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from casedesk.server.db import records

    with server.store.read() as conn:
        rows = conn.execute(select(records.c.data).where(records.c.entity == "children")).scalars()
        return [dict(r) for r in rows]


def _diff(after):  # DEBUG
    def flat(x, p=""):
        if isinstance(x, dict):
            for k, v in x.items():
                yield from flat(v, f"{p}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                yield from flat(v, f"{p}[{i}]")
        else:
            yield p, x

    a = dict(flat(after["ann"]))
    for other in ("ben", "cat"):
        b = dict(flat(after[other]))
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                print("DIFF", other, k, a.get(k), "|", b.get(k))


def test_a_device_restored_from_an_old_backup_catches_up_without_sending_anything_twice(
    trio: tuple[Server, str, list[Device]], tmp_path: Path, smtp_sink: Sink
) -> None:
    server, org, (ann, ben, cat) = trio
    ada = ann.add_child("Ada", "Okafor", org)
    ann.note(ada, "Before the backup")
    ann.sync()
    folder = tmp_path / "backups"
    folder.mkdir()
    old = device_backup.back_up_now(ann.db, folder, datetime.now(UTC), "ann")

    # after the device backup: ann's own changes reach the server, then ann's laptop dies
    bea = ann.add_child("Bea", "Nwosu", org)
    ann.note(bea, "Bea started at Riverside today")
    ann.edit("children", ada, preferred_name="Addie", upn_unknown_reason="UN1")
    email_a_referral(ann, bea)
    ann.sync()
    for device in (ben, cat):
        device.sync()
    cat.edit("children", ada, upn_unknown_reason="UN2")
    cat.note(bea, "Cat met Bea's mother")
    cat.sync()
    assert len(smtp_sink.messages) == 1
    ann.close()

    path = tmp_path / "new-laptop" / "ann.db"
    device_backup.restore_device(old, path, PASSPHRASE)
    restored = Device("ann", Database.open(path, PASSPHRASE), ann.transport, Faults(), "ann")
    trio[2][0] = restored
    assert "Bea" not in children_by_name(restored)
    restored.edit("children", ada, gender="female")  # made on the restored laptop before its first sync
    report = restored.sync()
    assert report.recovery.startswith("This device was restored") and report.digest_ok
    for device in (ben, cat, restored, ben, cat):
        assert device.sync().digest_ok
    mine, theirs = children_by_name(restored), children_by_name(ben)
    assert mine == theirs == children_by_name(cat)
    assert mine["Ada"]["child"]["preferred_name"] == "Addie" and mine["Ada"]["child"]["gender"] == "female"
    assert mine["Ada"]["child"]["upn_unknown_reason"] == "UN2"
    assert sorted(e["summary"] for e in mine["Bea"]["events"] if e["kind"] == "note") == [
        "Bea started at Riverside today",
        "Cat met Bea's mother",
    ]
    assert len(mine["Bea"]["referral_emails"]) == 1
    relay.deliver_pending(server.store, relay.SmtpSettings.from_env())
    assert len(smtp_sink.messages) == 1  # the request came back to the laptop; it was not sent again
    assert [m["state"] for m in relay.mail_status(server.store)] == ["sent"]
    assert sync_outbox.set_aside(restored.db) == []
