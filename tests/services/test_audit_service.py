"""A child's audit on the device: views noted once a while, every record's entries found, the server's log
joined when it can be read and its absence said in words when it cannot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casedesk.domain import audit_trail
from casedesk.errors import NotFound
from casedesk.services.collection import Collection
from casedesk.store.audit import verify_chain
from casedesk.store.database import Database
from casedesk.store.models import AuditRow
from tests.factories import add_child


def _entries(db: Database) -> int:
    with db.session() as session:
        return int(session.execute(select(func.count()).select_from(AuditRow)).scalar_one())


def test_a_view_is_noted_once_per_half_hour_per_person(db: Database) -> None:
    col = Collection(db, "Sam Tester")
    child = add_child(db, "Ava", "Test", date(2012, 1, 5))
    before = _entries(db)
    now = datetime.now(UTC)
    col.audit.note_viewed(child, now)
    col.audit.note_viewed(child, now + timedelta(minutes=10))
    assert _entries(db) == before + 1
    col.audit.note_viewed(child, now + timedelta(minutes=31))
    Collection(db, "Kim Other").audit.note_viewed(child, now + timedelta(minutes=32))
    assert _entries(db) == before + 3
    with db.session() as session:
        assert verify_chain(session).ok


def test_an_unknown_child_is_refused_and_nothing_is_written(db: Database) -> None:
    col = Collection(db, "Sam Tester")
    before = _entries(db)
    with pytest.raises(NotFound):
        col.audit.note_viewed("0190a0a0-0000-7000-8000-000000000000")
    with pytest.raises(NotFound):
        col.audit.child_audit("0190a0a0-0000-7000-8000-000000000000")
    assert _entries(db) == before


def test_the_audit_covers_every_record_of_the_child_and_only_its_own(db: Database) -> None:
    col = Collection(db, "Sam Tester")
    child = add_child(db, "Ava", "Test", date(2012, 1, 5))
    other = add_child(db, "Ben", "Else", date(2012, 1, 5))
    col.children.add_status(child, "child_in_need", date(2024, 1, 1))
    col.children.add_status(other, "child_in_need", date(2024, 1, 1))
    audit = col.audit.child_audit(child)
    details = [line.detail for line in audit.lines]
    assert "added a status" in details and "added the child's details" in details
    assert len([d for d in details if d == "added a status"]) == 1  # not the other child's
    assert "not enrolled" in audit.server_note
    assert [line.at for line in audit.lines] == sorted((line.at for line in audit.lines), reverse=True)


def test_words_for_each_kind_of_entry() -> None:
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def line(action: str, entity: str = "children", reason: str | None = None, **kw: object) -> audit_trail.AuditLine:
        return audit_trail.device_line(audit_trail.DeviceEntry(1, at, "Sam", action, entity, "x", reason, **kw))

    assert (line("view", reason="opened the record").what, line("view", reason="opened the record").detail) == (
        audit_trail.SEEN,
        "opened the record",
    )
    assert line("print", "referrals", "referral pack for the service").detail == (
        "referral pack for the service (a referral)"
    )
    assert line("export", reason="subject access export").what == audit_trail.EXPORTED
    assert line("create", "mail_requests").what == audit_trail.SHARED
    changed = line("update", "children", fields=("postcode", "town"))
    assert (changed.what, changed.detail) == (audit_trail.CHANGED, "changed the child's details (postcode, town)")
    received = audit_trail.server_line(
        audit_trail.ServerEntry(at, "cat", "Care", "Cat's laptop", "d2", "pull", 1, "involvement"), "d1"
    )
    assert (received.what, received.where, received.detail) == (
        audit_trail.RECEIVED,
        "Care · device Cat's laptop",
        "received 1 item by sync, basis: involvement",
    )
