"""Possible duplicates on a real encrypted database, and the merge: every row of both children kept (append-only
chronology included), moved under the kept child, journaled as one merge record, audited, and refused cleanly."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from casedesk import config
from casedesk.errors import AuthError, NotFound, ValidationError
from casedesk.services.duplicates.service import DuplicatesService
from casedesk.store import merges
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.models import OutboxRow
from tests.factories import add_child

BORN = date(2014, 3, 12)


def _note(db: Database, child_id: str, summary: str) -> str:
    now = datetime(2026, 11, 1, 9, tzinfo=UTC)
    with db.unit_of_work("tester") as uow:
        return uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": "note",
                "occurred_at": now,
                "recorded_at": now,
                "author": "tester",
                "summary": summary,
            },
        )


@pytest.fixture
def pair(db: Database) -> tuple[str, str]:
    kept = add_child(db, "Jessica", "Okafor", BORN, postcode="LS6 2AB")
    merged = add_child(db, "Jesica", "Okafor", BORN, postcode="LS6 2AB", upn="B801200005001")
    add_child(db, "Zara", "Okafor", BORN, postcode="LS6 2AB")  # her twin: never proposed
    _note(db, kept, "Home visit")
    _note(db, merged, "School concern")
    with db.unit_of_work("tester") as uow:
        uow.insert("status_periods", {"child_id": merged, "kind": "free_school_meals", "start_date": date(2025, 9, 1)})
    return kept, merged


def test_finds_the_pair_with_its_evidence_and_not_the_twin(db: Database, pair: tuple[str, str]) -> None:
    kept, merged = pair
    found = DuplicatesService(db, "lead").find()
    assert [f.candidate.pair for f in found] == [frozenset((kept, merged))]
    assert any("Similar first names" in e.detail for e in found[0].candidate.evidence)
    assert [f.candidate.other(kept) for f in DuplicatesService(db, "lead").for_child(kept)] == [merged]


def test_merge_keeps_everything_under_the_kept_child(db: Database, pair: tuple[str, str]) -> None:
    kept, merged = pair
    with db.session() as session:
        audit_before = session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    merge_id, _ = DuplicatesService(db, "lead").merge(kept, merged, "Same child: the school typed the name wrong")
    with db.session() as session:
        summaries = [e.summary for e in repo.events_for_child(session, kept)]
        assert "Home visit" in summaries and "School concern" in summaries
        assert summaries[-1].startswith("Records merged: Jesica Okafor")
        assert [s.kind for s in repo.statuses_for_child(session, kept)] == ["free_school_meals"]
        assert repo.get_child(session, kept).upn == "B801200005001"  # the identifier it lacked
        with pytest.raises(NotFound):
            repo.get_child(session, merged)  # a tombstone now: its row is still in the database
        assert session.execute(text("SELECT deleted FROM children WHERE id = :m"), {"m": merged}).scalar_one() == 1
        assert repo.events_for_child(session, merged) == []
        audit_after = session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        assert audit_after > audit_before  # nothing taken out of the chain, the merge added to it
        journaled = {r.entity for r in session.execute(select(OutboxRow)).scalars()}
        assert {"child_merges", "children", "events"} <= journaled
        [merge] = merges.merges_into(session, kept)
    assert merge.id == merge_id and merge.merged_identity["given_name"] == "Jesica"
    assert any("Same date of birth" in line for line in merge.evidence)
    assert db.verify_audit().ok


def test_repointing_again_changes_nothing(db: Database, pair: tuple[str, str]) -> None:
    kept, merged = pair
    DuplicatesService(db, "lead").merge(kept, merged, "Same child")
    with db.engine.begin() as conn:
        assert merges.repoint(conn, merged, kept) == 0


def test_append_only_rows_move_only_as_a_merge_says(db: Database, pair: tuple[str, str]) -> None:
    kept, merged = pair
    with db.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE events SET child_id = :k WHERE child_id = :m"), {"k": kept, "m": merged})
    with db.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE events SET summary = 'rewritten' WHERE child_id = :k"), {"k": kept})


def test_bad_merges_are_refused_and_change_nothing(db: Database, pair: tuple[str, str]) -> None:
    kept, merged = pair
    service = DuplicatesService(db, "lead")
    with db.session() as session:
        before = repo.row_counts(session)
    with pytest.raises(ValidationError):
        service.merge(kept, kept, "Same child")
    with pytest.raises(ValidationError):
        service.merge(kept, merged, "  ")
    with pytest.raises(NotFound):
        service.merge(kept, "0190d7a4-0000-7000-8000-000000000000", "Same child")
    db.put(config.ROLE, "practitioner")
    with pytest.raises(AuthError):
        service.merge(kept, merged, "Same child")
    with db.session() as session:
        assert repo.row_counts(session) == before
    db.put(config.ROLE, "safeguarding_lead")
    service.merge(kept, merged, "Same child")
    with pytest.raises((ValidationError, NotFound)):
        service.merge(kept, merged, "Same child")


def test_two_children_said_to_be_different_are_not_proposed_again(db: Database, pair: tuple[str, str]) -> None:
    first, second = pair
    service = DuplicatesService(db, "lead")
    assert len(service.find()) == 1
    with pytest.raises(ValidationError):
        service.not_duplicates(first, second, "  ")
    db.put(config.ROLE, "practitioner")
    with pytest.raises(AuthError):
        service.not_duplicates(first, second, "cousins")
    db.put(config.ROLE, "safeguarding_lead")
    service.not_duplicates(second, first, "cousins, not one child")
    assert service.find() == [] and service.for_child(first) == []
    with db.session() as session:
        assert merges.different_children(session) == {frozenset((first, second))}


def test_a_child_added_as_different_from_another_is_not_proposed_with_it(db: Database) -> None:
    from casedesk.services.children import ChildrenService

    existing = add_child(db, "Jessica", "Okafor", BORN, postcode="LS6 2AB")
    children = ChildrenService(db, "lead")
    values = {"given_name": "Jesica", "family_name": "Okafor", "date_of_birth": BORN, "postcode": "LS6 2AB"}
    added, _ = children.create_child(values, different_from=[existing], reason="her cousin, same name")
    assert DuplicatesService(db, "lead").find() == []
    assert added.id != existing
