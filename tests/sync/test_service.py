"""The small API the desktop app uses: status for the status bar, set-aside changes and conflicts for the Sync page."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from casedesk.services.sync import NotEnrolled, SyncService
from casedesk.store.database import Database
from tests.sync.harness import Server, make_device


def test_status_before_enrolment_says_so(db: Database) -> None:
    service = SyncService(db)
    status = service.status()
    assert not status.enrolled and status.pending == 0 and status.last_success is None
    with pytest.raises(NotEnrolled):
        service.run_once()


def test_status_counts_waiting_and_set_aside_changes_and_retry_requeues(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    a = make_device(tmp_path, "ann", server, "ann")
    child = a.add_child("Ada", "Okafor", org)
    status = a.service.status(probe=True)
    assert status.enrolled and status.online and status.pending == 2 and status.last_success is not None
    with a.db.engine.begin() as conn:
        conn.execute(
            text(
                "update outbox set fields = json_set(fields, '$.date_of_birth', 'soon') "
                "where row_id = :id and op = 'insert'"
            ),
            {"id": child},
        )
    a.sync()
    status = a.service.status()
    assert (status.pending, status.set_aside, status.open_conflicts) == (0, 2, 0)  # the child, and what hangs off it
    (first, _second) = a.service.set_aside()
    with a.db.engine.begin() as conn:  # the cause is fixed (here: by hand) and the change is queued again
        conn.execute(
            text("update outbox set fields = json_set(fields, '$.date_of_birth', '2012-05-01') where change_id = :id"),
            {"id": first.change_id},
        )
    for item in a.service.set_aside():
        a.service.retry(item.change_id)
    a.sync()
    assert a.service.status().set_aside == 0
    a.close()
