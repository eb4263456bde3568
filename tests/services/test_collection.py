"""The collection: one object per open database whose writes say exactly what they changed.

Each write's `Changes` is checked against the outbox, which journals every written row in the same transaction:
what a write announces is what it wrote, no more and no less.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from casedesk.config import PROFILE, Profile
from casedesk.domain.records import Changes
from casedesk.domain.referrals.workflow import SharingDecision
from casedesk.errors import Locked, ValidationError, WrongPassphrase
from casedesk.services.collection import Collection, create_collection, open_collection
from casedesk.services.referrals.service import NewReferral
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from tests.factories import PASSPHRASE


def _journaled(db: Database) -> dict[str, tuple[str, str]]:
    """Every journaled change by its id: (entity, row id)."""
    return {c["change_id"]: (c["entity"], c["row_id"]) for c in outbox.pending_batch(db, 10_000)}


def _announced_is_written(db: Database, before: dict[str, tuple[str, str]], changes: Changes) -> None:
    written = [row for change_id, row in _journaled(db).items() if change_id not in before]
    assert written, "the write journaled nothing"
    assert changes.entities == {entity for entity, _ in written}
    assert changes.row_ids == {row_id for _, row_id in written}


@pytest.fixture
def col(db: Database) -> Collection:
    return Collection(db, "Sam Patel")


def _referral(col: Collection) -> NewReferral:
    child, _ = col.children.create_child(
        {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": date(2014, 3, 2), "upn_unknown_reason": "UN1"}
    )
    return NewReferral(
        child_id=child.id,
        service_name="Family Support Service",
        reason="Attendance has fallen since the family moved house.",
        sharing=SharingDecision(
            consent=True,
            consent_given_by="Mother",
            consent_given_on=date(2026, 11, 20),
            consent_scope="this referral",
            decided_by="Sam Patel",
        ),
        referrer={"name": "Sam Patel", "email": "sam@oakwood.example"},
    )


def test_every_referral_write_returns_the_changes_it_journaled(col: Collection) -> None:
    new = _referral(col)
    before = _journaled(col.db)
    referral_id, changes = col.referrals.create(new)
    _announced_is_written(col.db, before, changes)
    assert referral_id in changes.row_ids and changes.entities == {"referrals", "events"}

    before = _journaled(col.db)
    referral, changes = col.referrals.transition(referral_id, "sent")
    assert referral.status == "sent"
    _announced_is_written(col.db, before, changes)

    before = _journaled(col.db)
    request_id, changes = col.referrals.queue_via_server(referral_id, "service", "intake@service.example")
    _announced_is_written(col.db, before, changes)
    assert changes.entities == {"mail_requests", "events"} and request_id in changes.row_ids


def test_a_refused_write_changes_nothing(col: Collection) -> None:
    referral_id, _ = col.referrals.create(_referral(col))
    before = _journaled(col.db)
    with pytest.raises(ValidationError, match="cannot become accepted"):
        col.referrals.transition(referral_id, "accepted")
    with pytest.raises(ValidationError, match="not an email address"):
        col.referrals.queue_via_server(referral_id, "service", "nobody")
    assert _journaled(col.db) == before
    assert [r.referral.status for r in col.referrals.listing()] == ["draft"]


def test_writes_are_authored_by_the_collections_actor(col: Collection) -> None:
    referral_id, _ = col.referrals.create(_referral(col))
    assert {e.author for e in col.referrals.timeline(referral_id)} == {"Sam Patel"}
    assert {c["author"] for c in outbox.pending_batch(col.db, 100)} == {"Sam Patel"}


def test_a_closed_collection_refuses_queued_work_before_it_touches_the_database(col: Collection) -> None:
    new = _referral(col)
    before = _journaled(col.db)
    queued = col.guarded(lambda: col.referrals.create(new))
    col.close()
    assert col.closed
    with pytest.raises(Locked):
        queued()
    reopened = Database.open(col.db.path, PASSPHRASE)
    try:
        assert _journaled(reopened) == before
    finally:
        reopened.close()


def test_create_then_open_gives_the_profile_and_acts_as_its_user(db_path: Path, fast_kdf: object) -> None:
    profile = Profile(name="Ann Ahmed", role="DSL", organisation="Riverside Academy", idle_minutes=5)
    created, same = create_collection(db_path, PASSPHRASE, profile)
    assert same == profile and created.actor == "Ann Ahmed"
    created.close()
    with pytest.raises(WrongPassphrase):
        open_collection(db_path, "not the passphrase")
    opened, read = open_collection(db_path, PASSPHRASE)
    try:
        assert read == profile and opened.actor == "Ann Ahmed"
        assert opened.db.get(PROFILE) == profile
        child, _ = opened.children.create_child(
            {"given_name": "Ben", "family_name": "Lee", "date_of_birth": date(2013, 1, 1)}
        )
        _, changes = opened.children.add_event(child.id, kind="note", summary="Phoned", occurred_at=datetime.now(UTC))
        assert changes.entities == {"events"}
        assert {c["author"] for c in outbox.pending_batch(opened.db, 100)} == {"Ann Ahmed"}
    finally:
        opened.close()
