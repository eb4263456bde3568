"""Read side for referrals: a referral, a child's referrals, every referral, and a referral's timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.records import ChronologyEvent
from casedesk.domain.referrals.workflow import Referral, ReferralStatus, step_of
from casedesk.errors import NotFound
from casedesk.store.models import ChildRow, EventRow, MailRequestRow, ReferralRow
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


def referral_steps(session: Session) -> dict[str, list[ReferralStatus]]:
    """Each referral's statuses in order, read from the chronology entries its transitions wrote."""
    query = (
        select(_events.c.related_id, _events.c.summary)
        .where(_events.c.kind == "referral", _events.c.related_id.is_not(None), _events.c.deleted.is_(False))
        .order_by(_events.c.recorded_at, _events.c.id)
    )
    steps: dict[str, list[ReferralStatus]] = {}
    for related_id, summary in session.execute(query):
        step = step_of(summary)
        if step is not None:
            steps.setdefault(related_id, []).append(step)
    return steps


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


def mail_requests_for_child(session: Session, child_id: str) -> list[dict[str, Any]]:
    """Emails asked of the server's relay about this child: who, what and when (the attached pack is a rendering
    of the record, so it is left out)."""
    mail = MailRequestRow.__table__
    query = (
        select(
            mail.c.id, mail.c.referral_id, mail.c.recipient, mail.c.subject, mail.c.requested_by, mail.c.requested_at
        )
        .where(mail.c.child_id == child_id, mail.c.deleted.is_(False))
        .order_by(mail.c.requested_at, mail.c.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]
