"""The queries behind "My work": the children a user works with, and what is due for them — referrals waiting for
an acknowledgement, PEPs, EHC annual reviews and home-education visits coming up or late, needs-check drafts.

Each is one query over the device's records, limited to the user's children when the user is a named worker on
any (`children` None means every child held: a user not named anywhere still sees the work).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from casedesk.domain.referrals.workflow import acknowledgement_due
from casedesk.store import calendar
from casedesk.store.alert_conditions import _day, _quoted

NAME = "coalesce(nullif(c.preferred_name, ''), c.given_name) || ' ' || c.family_name"


@dataclass(frozen=True)
class Due:
    """A row of work: the child, the record, a date (due or sent), and the record's own words."""

    child_id: str
    child_name: str
    row_id: str
    on: date
    what: str


def my_children(session: Session, worker_ids: Iterable[str], today: date) -> set[str] | None:
    """Children with a current involvement or status naming one of these workers; None when the user is named on
    no child at all."""
    ids = sorted(set(worker_ids))
    if not ids:
        return None
    found = {
        row[0]
        for row in session.execute(
            text(
                f"SELECT child_id FROM involvements WHERE deleted = 0 AND worker_id IN ({_quoted(ids)}) "
                "AND (end_date IS NULL OR end_date >= :today) UNION "
                f"SELECT child_id FROM status_periods WHERE deleted = 0 AND worker_id IN ({_quoted(ids)}) "
                "AND (end_date IS NULL OR end_date >= :today)"
            ),
            {"today": today.isoformat()},
        )
    }
    return found or None


def _mine(alias: str, children: set[str] | None) -> str:
    return "" if children is None else f" AND {alias}.child_id IN ({_quoted(children) or 'NULL'})"


def referrals_awaiting(session: Session, children: set[str] | None, referrer: str) -> list[Due]:
    """Sent, not yet acknowledged: the user's own referrals, and any for their children; `on` is when the service
    should acknowledge by, `what` the service and the day it was sent (`SERVICE|DD Mon YYYY`)."""
    mine = (
        ""
        if children is None
        else f" AND (r.child_id IN ({_quoted(children) or 'NULL'}) OR json_extract(r.referrer, '$.name') = :me)"
    )
    rows = session.execute(
        text(
            f"SELECT r.child_id, {NAME}, r.id, r.sent_at, r.service_name, r.ack_within_days FROM referrals r "
            "JOIN children c ON c.id = r.child_id "
            f"WHERE r.deleted = 0 AND r.status = 'sent' AND r.sent_at IS NOT NULL{mine} ORDER BY r.sent_at"
        ),
        {"me": referrer},
    ).all()
    out = []
    days = calendar.working_days_on(session.connection())
    for child_id, name, row_id, sent, service, within in rows:
        sent_at = datetime.fromisoformat(sent)
        due = acknowledgement_due(sent_at, int(within), days)
        out.append(Due(child_id, name, row_id, due, f"{service}|{sent_at:%d %b %Y}"))
    return out


def peps_due(session: Session, children: set[str] | None, today: date, until: date) -> list[Due]:
    """Looked-after children whose latest PEP's next date falls before `until` (late ones included)."""
    rows = session.execute(
        text(
            "WITH lac AS (SELECT DISTINCT child_id FROM status_periods s WHERE s.deleted = 0 "
            "AND s.kind = 'looked_after' "
            f"AND (s.end_date IS NULL OR s.end_date >= :today){_mine('s', children)}), "
            "latest AS (SELECT p.child_id, max(p.held_on) AS held FROM peps p JOIN lac ON lac.child_id = p.child_id "
            "WHERE p.deleted = 0 GROUP BY p.child_id) "
            f"SELECT p.child_id, {NAME}, p.id, p.next_due_on, p.held_on FROM peps p "
            "JOIN latest l ON l.child_id = p.child_id AND l.held = p.held_on JOIN children c ON c.id = p.child_id "
            "WHERE p.deleted = 0 AND p.next_due_on IS NOT NULL "
            "AND p.next_due_on <= :until ORDER BY p.next_due_on"
        ),
        {"today": today.isoformat(), "until": until.isoformat()},
    ).all()
    return [Due(r[0], r[1], r[2], _day(r[3]), f"last held {_day(r[4]):%d %b %Y}") for r in rows]


def ehc_reviews_due(session: Session, children: set[str] | None, until: date) -> list[Due]:
    rows = session.execute(
        text(
            f"SELECT e.child_id, {NAME}, e.id, date(coalesce(e.last_review_on, e.issued_on), '+1 year'), "
            "e.last_review_on FROM ehc_plans e JOIN children c ON c.id = e.child_id WHERE e.deleted = 0 "
            "AND e.issued_on IS NOT NULL AND e.ceased_on IS NULL "
            f"AND date(coalesce(e.last_review_on, e.issued_on), '+1 year') <= :until{_mine('e', children)} ORDER BY 4"
        ),
        {"until": until.isoformat()},
    ).all()
    return [Due(r[0], r[1], r[2], _day(r[3]), "annual review" if r[4] else "first annual review") for r in rows]


def ehe_visits_due(session: Session, children: set[str] | None, until: date, every_days: int) -> list[Due]:
    """Open home-education cases: the first contact when none is recorded, else a visit `every_days` after the
    latest visit (or the first contact)."""
    rows = session.execute(
        text(
            f"SELECT h.child_id, {NAME}, h.id, h.first_contact_due, h.first_contact_on, "
            "(SELECT max(v.visited_on) FROM ehe_visits v WHERE v.case_id = h.id AND v.deleted = 0) "
            "FROM ehe_cases h JOIN children c ON c.id = h.child_id WHERE h.deleted = 0 AND h.closed_on IS NULL "
            f"AND h.status = 'open'{_mine('h', children)}"
        )
    ).all()
    out = []
    for child_id, name, case_id, first_due, first_on, visited in rows:
        if first_on is None and visited is None:
            due, what = _day(first_due), "first contact"
        else:
            last = max(_day(v) for v in (first_on, visited) if v is not None)
            due, what = date.fromordinal(last.toordinal() + every_days), f"visit (last contact {last:%d %b %Y})"
        if due <= until:
            out.append(Due(child_id, name, case_id, due, what))
    return sorted(out, key=lambda d: d.on)


def drafts(session: Session, children: set[str] | None, author: str) -> list[Due]:
    """Needs checks still in draft that this user started (or, for their children, anyone did)."""
    mine = f" AND (t.author = :me{' OR t.child_id IN (' + (_quoted(children) or 'NULL') + ')' if children else ''})"
    rows = session.execute(
        text(
            f"SELECT t.child_id, {NAME}, t.id, t.started_at, t.author FROM triage_results t "
            "JOIN children c ON c.id = t.child_id "
            f"WHERE t.deleted = 0 AND t.state = 'draft'{mine} ORDER BY t.started_at"
        ),
        {"me": author},
    ).all()
    return [Due(r[0], r[1], r[2], datetime.fromisoformat(r[3]).date(), f"started by {r[4]}") for r in rows]


def child_names(session: Session, child_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(child_ids))
    if not ids:
        return {}
    return {
        r[0]: r[1] for r in session.execute(text(f"SELECT c.id, {NAME} FROM children c WHERE c.id IN ({_quoted(ids)})"))
    }
