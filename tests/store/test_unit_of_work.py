"""Every write goes through the unit of work: journal and audit in the same transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from casedesk.errors import NotFound, ValidationError
from casedesk.store import repositories as repo
from casedesk.store.audit import verify_chain
from casedesk.store.database import Database
from casedesk.store.models import AuditRow, OutboxRow


def _child(uow, **extra):  # type: ignore[no-untyped-def]
    values = {"given_name": "Imogen", "family_name": "Thackeray", "date_of_birth": date(2012, 9, 1), **extra}
    return uow.insert("children", values)


def _outbox(db: Database) -> list[OutboxRow]:
    with db.session() as session:
        return list(session.execute(select(OutboxRow).order_by(OutboxRow.seq)).scalars())


def test_insert_journals_a_change_and_an_audit_entry(db: Database) -> None:
    with db.unit_of_work("alice") as uow:
        child_id = _child(uow)
    [change] = _outbox(db)
    assert (change.entity, change.row_id, change.op, change.author) == ("children", child_id, "insert", "alice")
    assert change.fields["given_name"] == "Imogen" and change.fields["date_of_birth"] == "2012-09-01"
    assert change.device_id == db.device_id and change.hlc
    with db.session() as session:
        [entry] = session.execute(select(AuditRow)).scalars()
    assert entry.action == "create" and entry.before is None and entry.after["family_name"] == "Thackeray"


def test_update_journals_only_changed_fields_with_their_base_versions(db: Database) -> None:
    with db.unit_of_work("alice") as uow:
        child_id = _child(uow)
    with db.unit_of_work("bob") as uow:
        changed = uow.update("children", child_id, {"given_name": "Imogen", "preferred_name": "Immy"})
    assert changed == {"preferred_name": "Immy"}
    change = _outbox(db)[-1]
    assert change.op == "update" and change.fields == {"preferred_name": "Immy"}
    assert change.base_versions == {"preferred_name": 0}
    with db.session() as session:
        entry = session.execute(select(AuditRow).order_by(AuditRow.seq.desc())).scalars().first()
    assert entry.before == {"preferred_name": None} and entry.after == {"preferred_name": "Immy"}


def test_hlc_increases_across_changes(db: Database) -> None:
    with db.unit_of_work("alice") as uow:
        for _ in range(5):
            _child(uow)
    clocks = [c.hlc for c in _outbox(db)]
    assert clocks == sorted(clocks) and len(set(clocks)) == 5


def test_a_failed_unit_of_work_leaves_no_trace(db: Database) -> None:
    with pytest.raises(RuntimeError), db.unit_of_work("alice") as uow:
        _child(uow)
        uow.flush()
        raise RuntimeError("boom")
    with db.session() as session:
        assert repo.list_children(session) == []
        assert session.execute(text("select count(*) from outbox")).scalar() == 0
        assert session.execute(text("select count(*) from audit_log")).scalar() == 0


def test_events_are_append_only(db: Database) -> None:
    now = datetime.now(UTC)
    with db.unit_of_work("alice") as uow:
        child_id = _child(uow)
        event_id = uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "alice",
                "summary": "Original",
            },
        )
    with pytest.raises(ValidationError, match="append-only"), db.unit_of_work("alice") as uow:
        uow.update("events", event_id, {"summary": "Rewritten"})
    # Even raw SQL cannot rewrite history: the database refuses.
    with db.session() as session, pytest.raises(Exception, match="append-only"):
        session.execute(text("update events set summary = 'Rewritten'"))
    with db.unit_of_work("alice") as uow:
        uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "alice",
                "summary": "Corrected",
                "amends_id": event_id,
            },
        )
    with db.session() as session:
        summaries = [e.summary for e in repo.events_for_child(session, child_id)]
    assert sorted(summaries) == ["Corrected", "Original"]
    assert _outbox(db)[-1].op == "append"


def test_delete_is_a_tombstone_that_syncs(db: Database) -> None:
    with db.unit_of_work("alice") as uow:
        child_id = _child(uow)
    with db.unit_of_work("alice") as uow:
        uow.delete("children", child_id, reason="created in error")
    with db.session() as session:
        assert repo.list_children(session) == []
        assert session.execute(text("select deleted from children")).scalar() == 1
    assert _outbox(db)[-1].op == "delete"


def test_unknown_record_and_unknown_field(db: Database) -> None:
    with pytest.raises(NotFound), db.unit_of_work("alice") as uow:
        uow.update("children", "nope", {"given_name": "X"})
    with pytest.raises(ValueError, match="no field"), db.unit_of_work("alice") as uow:
        uow.insert("children", {"given_name": "A", "family_name": "B", "date_of_birth": date(2012, 1, 1), "shoe": 9})


def test_audit_chain_detects_tampering(db: Database) -> None:
    with db.unit_of_work("alice") as uow:
        child_id = _child(uow)
        uow.note("export", "children", child_id, reason="subject access request")
    with db.unit_of_work("bob") as uow:
        uow.update("children", child_id, {"family_name": "Thackeray-Jones"})
    with db.session() as session:
        assert verify_chain(session).ok and verify_chain(session).entries == 3
        # Someone with the key rewrites who made the change, after removing the guard trigger.
        session.execute(text("drop trigger audit_log_append_only"))
        session.execute(text("update audit_log set actor = 'mallory' where seq = 2"))
        session.commit()
        report = verify_chain(session)
    assert not report.ok and report.broken_at == 2
    assert "changed" in report.describe()


def test_audit_chain_detects_a_removed_entry(db: Database) -> None:
    with db.unit_of_work("alice") as uow:
        for _ in range(3):
            _child(uow)
    with db.session() as session:
        session.execute(text("drop trigger audit_log_no_delete"))
        session.execute(text("delete from audit_log where seq = 2"))
        session.commit()
        report = verify_chain(session)
    assert not report.ok and report.broken_at == 2
