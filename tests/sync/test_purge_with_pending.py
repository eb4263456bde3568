"""A device that writes for a child while the server sends that child again (a changed agreement, a changed role)
must end with what the new policy allows plus its own writes: never the withheld entries, never without the child.

The device defers the purge while its change waits to be pushed. Each test writes a note at the moment the device
starts pulling (after its push: a person writing during the round), so the purge and the re-send arrive while the
note is waiting. Devices sync with the real app over a real database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.domain import sharing
from casedesk.server.db import agreement_admin, records, user_roles
from casedesk.services import sync
from casedesk.store import repositories as repo
from casedesk.sync.engine import SyncReport
from casedesk.sync.fake import FaultyTransport
from casedesk.sync.transport import Refused
from casedesk.sync.wire import PullResponse
from tests.sync.harness import Device, Server, make_device


def _entry(device: Device, child_id: str, category: str, summary: str) -> None:
    now = datetime.now(UTC)
    with device.db.unit_of_work(device.username) as uow:
        uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": device.username,
                "summary": summary,
                "category": category,
            },
        )


def _summaries(device: Device, child_id: str) -> set[str]:
    with device.db.session() as session:
        return {e.summary for e in repo.events_for_child(session, child_id)}


def _on_server(server: Server) -> set[str]:
    with server.store.read() as conn:
        rows = conn.execute(select(records.c.data).where(records.c.entity == "events")).scalars()
        return {data["summary"] for data in rows}


def _children(device: Device) -> list[str]:
    return [c["child"]["id"] for c in device.export()["children"]]


class _WritesOnFirstPull(FaultyTransport):
    """The real transport, with a person writing a note for the child just as the round starts pulling."""

    def __init__(self, device: Device, child_id: str, summary: str) -> None:
        super().__init__(device.transport)
        self.device, self.child_id, self.summary = device, child_id, summary

    def pull(self, cursor: int, limit: int) -> PullResponse:
        if self.summary:
            _entry(self.device, self.child_id, "education", self.summary)
            self.summary = ""
        return super().pull(cursor, limit)


def _round_writing(device: Device, child_id: str, summary: str) -> SyncReport:
    report = sync.SyncService(device.db, _WritesOnFirstPull(device, child_id, summary)).run_once()
    device.check_kept_digest()
    return report


def _school_and_youth_justice(server: Server, tmp_path: Path) -> tuple[Device, Device, str]:
    school, yot = server.org("Oakwood Primary School"), server.org("Youth Justice Service")
    server.user(school, "dsl")
    server.user(yot, "cm")
    lead, worker = make_device(tmp_path, "dsl", server, "dsl"), make_device(tmp_path, "cm", server, "cm")
    child = lead.add_child("Ada", "Okafor", school)
    with lead.db.unit_of_work("dsl") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": yot, "role": "case_manager", "start_date": date(2025, 1, 6)},
        )
    lead.sync()
    worker.sync()
    _entry(worker, child, "youth_justice", "Referral order made")
    worker.sync()
    lead.sync()
    assert _summaries(lead, child) == {"Referral order made"}  # the area's default is open
    return lead, worker, child


def _settles(device: Device, child_id: str, expected: set[str], first: SyncReport) -> None:
    """Whatever round the device finishes in, it holds the child with exactly `expected`, and its digest matched
    without the repair a mismatch triggers (a repair is for lost answers, not for the ordinary path)."""
    assert _children(device) == [child_id]
    assert _summaries(device, child_id) == expected
    assert first.digest_ok and not first.resynced, first.describe()
    for _ in range(2):
        report = device.sync()
        assert _children(device) == [child_id], report.describe()
        assert _summaries(device, child_id) == expected, report.describe()
        assert report.digest_ok and not report.resynced, report.describe()


def test_a_closed_agreement_arriving_while_a_note_waits(any_server: Server, tmp_path: Path) -> None:
    server = any_server
    lead, worker, child = _school_and_youth_justice(server, tmp_path)
    agreement_admin.set_default(server.store, sharing.CLOSED)  # youth justice detail no longer goes to schools
    first = _round_writing(lead, child, "Written while syncing")
    _settles(lead, child, {"Written while syncing"}, first)
    assert "Written while syncing" in _on_server(server)  # pushed, not lost with the purge
    lead.close(), worker.close()


def test_a_wider_agreement_arriving_while_a_note_waits(any_server: Server, tmp_path: Path) -> None:
    server = any_server
    lead, worker, child = _school_and_youth_justice(server, tmp_path)
    agreement_admin.set_default(server.store, sharing.CLOSED)
    lead.sync()
    assert _summaries(lead, child) == set()
    agreement_admin.set_default(server.store, sharing.OPEN)  # shared again: the child is sent again, whole
    first = _round_writing(lead, child, "Written while syncing")
    _settles(lead, child, {"Referral order made", "Written while syncing"}, first)
    lead.close(), worker.close()


def test_a_changed_role_arriving_while_a_note_waits(any_server: Server, tmp_path: Path) -> None:
    server = any_server
    lead, worker, child = _school_and_youth_justice(server, tmp_path)
    user_roles.set_role(server.store, "dsl", "practitioner")  # a practitioner at a school: no youth justice detail
    first = _round_writing(lead, child, "Written while syncing")
    _settles(lead, child, {"Written while syncing"}, first)
    worker.sync()
    assert "Written while syncing" in _summaries(worker, child)
    lead.close(), worker.close()


def test_a_device_asking_for_a_child_its_organisation_does_not_see_is_told_only_to_purge(
    any_server: Server, tmp_path: Path
) -> None:
    server = any_server
    lead, worker, child = _school_and_youth_justice(server, tmp_path)
    other = server.org("Hillside Academy")
    server.user(other, "outsider")
    outsider = make_device(tmp_path, "outsider", server, "outsider")
    answer = outsider.transport.resend([child])
    assert [(i.kind, i.row_id) for i in answer.items] == [("purge", child)]  # nothing of the child leaves
    assert [i.kind for i in lead.transport.resend([child]).items].count("row") > 1
    with pytest.raises(Refused, match="children"):  # the server checks what it is sent, not only the client
        outsider.transport._call("POST", "/v1/resend", body={"children": ["not-an-id"]})
    lead.close(), worker.close(), outsider.close()
