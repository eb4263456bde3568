"""Read side for referrals: a referral, a child's referrals, every referral, and a referral's timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.records import ChronologyEvent
from casedesk.domain.referrals import Referral
from casedesk.errors import NotFound
from casedesk.store.models import ChildRow, EventRow, ReferralRow, ServiceRow, TriageResultRow
from casedesk.store.repositories import to_record

_referrals = ReferralRow.__table__
_events = EventRow.__table__


def get_referral(session: Session, referral_id: str) -> Referral:
    row = session.execute(
        select(_referrals).where(_referrals.c.id == referral_id, _referrals.c.deleted.is_(False))
    ).first()
    if row is None:
        raise NotFound(f"No referral with id {referral_id}.")
    return to_record(Referral, row)


def list_referrals(session: Session, child_id: str | None = None) -> list[Referral]:
    """Newest first; one child's when `child_id` is given."""
    query = select(_referrals).where(_referrals.c.deleted.is_(False))
    if child_id is not None:
        query = query.where(_referrals.c.child_id == child_id)
    query = query.order_by(_referrals.c.created_at.desc(), _referrals.c.id)
    return [to_record(Referral, row) for row in session.execute(query)]


def referral_timeline(session: Session, referral_id: str) -> list[ChronologyEvent]:
    """The chronology entries that record this referral's transitions, oldest first."""
    query = (
        select(_events)
        .where(_events.c.related_id == referral_id, _events.c.deleted.is_(False))
        .order_by(_events.c.recorded_at, _events.c.id)
    )
    return [to_record(ChronologyEvent, row) for row in session.execute(query)]


def triage_outcome(session: Session, result_id: str) -> dict[str, Any] | None:
    """The outcome stored with a completed triage result, exactly as recorded (never re-scored)."""
    row = session.execute(
        select(TriageResultRow.__table__.c.outcome).where(TriageResultRow.__table__.c.id == result_id)
    ).first()
    return None if row is None else row[0]


def service_document(session: Session, service_id: str) -> dict[str, Any] | None:
    row = session.execute(
        select(ServiceRow.__table__.c.document).where(ServiceRow.__table__.c.id == service_id)
    ).first()
    return None if row is None else row[0]


def referral_steps(session: Session) -> dict[str, list[str]]:
    """Each referral's statuses in order, read from the chronology entries its transitions wrote."""
    statuses = {"drafted", "sent", "acknowledged", "accepted", "declined", "withdrawn", "closed"}
    query = (
        select(_events.c.related_id, _events.c.summary)
        .where(_events.c.kind == "referral", _events.c.related_id.is_not(None), _events.c.deleted.is_(False))
        .order_by(_events.c.recorded_at, _events.c.id)
    )
    steps: dict[str, list[str]] = {}
    for related_id, summary in session.execute(query):
        word = summary.rsplit(" ", 1)[-1]
        if word in statuses:
            steps.setdefault(related_id, []).append(word)
    return steps


def latest_completed_triage(session: Session) -> dict[str, str]:
    """Each child's newest completed Presenting Needs Check id (for linking demo referrals to a result)."""
    results = TriageResultRow.__table__
    query = (
        select(results.c.child_id, results.c.id)
        .where(results.c.state == "complete", results.c.deleted.is_(False))
        .order_by(results.c.completed_at)
    )
    return {child_id: result_id for child_id, result_id in session.execute(query)}


def service_ids(session: Session) -> list[str]:
    services = ServiceRow.__table__
    return [row[0] for row in session.execute(select(services.c.id).where(services.c.deleted.is_(False)))]


def child_names(session: Session, child_ids: list[str]) -> dict[str, str]:
    """Display names for the children some referrals belong to (without loading the whole caseload)."""
    children = ChildRow.__table__
    names: dict[str, str] = {}
    for start in range(0, len(child_ids), 500):
        chunk = child_ids[start : start + 500]
        query = select(children.c.id, children.c.given_name, children.c.family_name, children.c.preferred_name)
        for row in session.execute(query.where(children.c.id.in_(chunk))):
            given = row.preferred_name or row.given_name
            names[row.id] = f"{given} {row.family_name}"
    return names
