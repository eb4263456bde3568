"""A time-limited grant of categories for one child to one user (what a break-glass override adds through
`policies.GRANT_LOADERS`): that user's devices receive it, their digest still matches, and when it ends and the
user's devices are sent their children again, what it brought is gone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from casedesk.domain import sharing
from casedesk.domain.schema import Category
from casedesk.server.db import agreement_admin, policies, user_roles
from casedesk.store import repositories as repo
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


def test_a_grant_to_one_user_reaches_only_their_devices_until_it_ends(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school, yot = server.org("Oakwood Primary School"), server.org("Youth Justice Service")
    for org, name in ((school, "dsl"), (school, "head"), (yot, "cm")):
        server.user(org, name)
    lead, head, worker = (make_device(tmp_path, n, server, n) for n in ("dsl", "head", "cm"))
    child = lead.add_child("Ada", "Okafor", school)
    with lead.db.unit_of_work("dsl") as uow:
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": yot, "role": "case_manager", "start_date": date(2025, 1, 6)},
        )
    lead.sync()
    worker.sync()
    agreement_admin.set_default(server.store, sharing.CLOSED)
    _entry(worker, child, "youth_justice", "Referral order made")
    worker.sync()
    lead.sync()
    head.sync()
    assert _summaries(lead, child) == _summaries(head, child) == set()
    until = [datetime.now(UTC) + timedelta(hours=4)]

    def grant(_conn: object) -> list[sharing.Grant]:
        return [sharing.Grant(child, school, frozenset({Category.YOUTH_JUSTICE}), until[0], user="dsl")]

    monkeypatch.setattr(policies, "GRANT_LOADERS", [grant])
    with server.store.write() as conn:
        user_roles.resend(conn, "dsl")
    report = lead.sync()
    assert _summaries(lead, child) == {"Referral order made"}
    assert report.digest_ok and not report.resynced  # the digest counts what the grant brought this user
    head_report = head.sync()
    assert _summaries(head, child) == set() and head_report.digest_ok

    until[0] = datetime.now(UTC) - timedelta(seconds=1)  # the grant ended
    with server.store.write() as conn:
        user_roles.resend(conn, "dsl")
    report = lead.sync()
    assert child in report.purged and _summaries(lead, child) == set()
    assert report.digest_ok and not report.resynced
    for device in (lead, head, worker):
        device.close()
