"""Read side for Presenting Needs Check results: a child's results, one result, a child's open draft.

Returns plain `TriageResult` records built from the stored row as it is: a completed result's outcome is handed
back exactly as recorded, so nothing downstream can mistake a re-scored result for the one that was made.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.triage.result import DRAFT, TriageResult
from casedesk.errors import NotFound
from casedesk.store.models import EventRow, TriageResultRow
from casedesk.store.repositories import to_record
from casedesk.store.tables import mapped_table

_TABLE = mapped_table(TriageResultRow)
_EVENTS = mapped_table(EventRow)


def results_for_child(session: Session, child_id: str) -> list[TriageResult]:
    """Every live result for a child, newest first (by completion, else by start)."""
    t = _TABLE
    query = select(t).where(t.c.child_id == child_id, t.c.deleted.is_(False))
    results = [to_record(TriageResult, row) for row in session.execute(query)]
    results.sort(key=lambda r: (r.completed_at or r.started_at, r.started_at, r.id), reverse=True)
    return results


def all_results(session: Session) -> list[TriageResult]:
    """Every live result of every child, newest first (by completion, else by start)."""
    t = _TABLE
    results = [to_record(TriageResult, row) for row in session.execute(select(t).where(t.c.deleted.is_(False)))]
    results.sort(key=lambda r: (r.completed_at or r.started_at, r.started_at, r.id), reverse=True)
    return results


def get_result(session: Session, result_id: str) -> TriageResult:
    t = _TABLE
    row = session.execute(select(t).where(t.c.id == result_id, t.c.deleted.is_(False))).first()
    if row is None:
        raise NotFound(f"No Presenting Needs Check with id {result_id}.")
    return to_record(TriageResult, row)


def open_draft(session: Session, child_id: str) -> TriageResult | None:
    """The child's most recently touched draft, the one the wizard resumes, or None."""
    t = _TABLE
    query = (
        select(t)
        .where(t.c.child_id == child_id, t.c.state == DRAFT, t.c.deleted.is_(False))
        .order_by(t.c.updated_at.desc(), t.c.id.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return None if row is None else to_record(TriageResult, row)


def event_ids_for_result(session: Session, result_id: str) -> list[str]:
    """The chronology entries that record this result (normally exactly one)."""
    e = _EVENTS
    query = select(e.c.id).where(e.c.related_id == result_id, e.c.deleted.is_(False)).order_by(e.c.recorded_at)
    return list(session.execute(query).scalars())


def outcomes(session: Session, result_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored outcomes of these results (completed ones), exactly as recorded, in one query."""
    t = _TABLE
    query = select(t.c.id, t.c.outcome).where(t.c.id.in_(sorted(set(result_ids))), t.c.outcome.is_not(None))
    return {result_id: outcome for result_id, outcome in session.execute(query)}


def latest_completed_by_child(session: Session) -> dict[str, str]:
    """Each child's newest completed result id."""
    t = _TABLE
    query = (
        select(t.c.child_id, t.c.id).where(t.c.state == "complete", t.c.deleted.is_(False)).order_by(t.c.completed_at)
    )
    return {child_id: result_id for child_id, result_id in session.execute(query)}
