"""Alerts in the device database: the finders by condition kind, the children marked for evaluation, who to tell,
and the alerts and their actions as plain records.

Evaluation reads `alert_dirty` inside its own transaction and empties it there, so a child written while it runs
(on the same database thread, hence never in the middle) is simply evaluated next time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from casedesk.domain.alerts.model import CLOSING_ACTIONS, Hit, Rule
from casedesk.domain.alerts.recipients import ChildContacts, Involved, Staff
from casedesk.store import alert_conditions as attendance
from casedesk.store import alert_records as records
from casedesk.store.alert_conditions import _day, _quoted
from casedesk.store.models import AlertRuleSetRow

Finder = Callable[[Session, Rule, date, bool], list[Hit]]
FINDERS: dict[str, Finder] = {
    "attendance_window": attendance.attendance_window,
    "consecutive_absences": attendance.consecutive_absences,
    "persistent_absence": records.persistent_absence,
    "suspensions": records.suspensions,
    "removed_from_roll": records.removed_from_roll,
    "pep_overdue": records.pep_overdue,
    "ehc_review_overdue": records.ehc_review_overdue,
    "part_time_past_end": records.part_time_past_end,
    "police_contact": records.police_contact,
    "referral_not_acknowledged": records.referral_not_acknowledged,
}
# The tables whose writes mark a child for evaluation (triggers made by migration 0011; a test holds them equal).
WATCHED = (
    "children",
    "status_periods",
    "involvements",
    "attendance_weeks",
    "events",
    "referrals",
    "peps",
    "ehc_plans",
    "enrolments",
    "exclusions",
    "provisions",
)


def warm(session: Session, rules: Iterable[Rule], today: date, dirty_only: bool) -> None:
    """Read once what several rules share (the recent weeks of attendance) before finding each rule's hits."""
    attendance.warm(session, rules, today, dirty_only)


def find(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    hits = FINDERS[rule.kind](session, rule, today, dirty_only)
    if rule.only_for and hits:
        holding = with_status(session, rule.only_for, today, [h.child_id for h in hits])
        hits = [h for h in hits if h.child_id in holding]
    return hits


def _chunks(ids: Iterable[str], size: int = 500) -> Iterable[list[str]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def with_status(session: Session, kinds: Iterable[str], today: date, child_ids: Iterable[str]) -> set[str]:
    held: set[str] = set()
    for chunk in _chunks(child_ids):
        held.update(
            row[0]
            for row in session.execute(
                text(
                    f"SELECT DISTINCT child_id FROM status_periods WHERE deleted = 0 AND kind IN ({_quoted(kinds)}) "
                    "AND start_date <= :today AND (end_date IS NULL OR end_date >= :today) "
                    f"AND child_id IN ({_quoted(chunk)})"
                ),
                {"today": today.isoformat()},
            )
        )
    return held


def rule_set_document(session: Session, row_id: str) -> dict[str, Any] | None:
    """The stored rule set's document; None when there is none (or it was deleted)."""
    row = session.get(AlertRuleSetRow, row_id)
    return None if row is None or row.deleted else dict(row.document)


def worker_emails(session: Session, worker_ids: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(worker_ids):
        out.update(
            (r[0], r[1])
            for r in session.execute(
                text(
                    "SELECT id, email FROM workers WHERE deleted = 0 AND email IS NOT NULL "
                    f"AND id IN ({_quoted(chunk)})"
                )
            )
        )
    return out


def mail_requests_held(session: Session, request_ids: Iterable[str]) -> set[str]:
    held: set[str] = set()
    for chunk in _chunks(request_ids):
        held.update(r[0] for r in session.execute(text(f"SELECT id FROM mail_requests WHERE id IN ({_quoted(chunk)})")))
    return held


def dirty_count(session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM alert_dirty")).scalar_one())


def clear_dirty(session: Session) -> None:
    session.execute(text("DELETE FROM alert_dirty"))


def open_alerts_of_changed(session: Session) -> list[AlertRecord]:
    """The alerts of the children marked in `alert_dirty` that nobody has closed (acted on, dismissed, withdrawn)."""
    closing = _quoted(CLOSING_ACTIONS)
    return alerts(
        session,
        where="a.child_id IN (SELECT child_id FROM alert_dirty) AND NOT EXISTS (SELECT 1 FROM alert_actions x "
        f"WHERE x.alert_id = a.id AND x.deleted = 0 AND x.action IN ({closing}))",
    )


# Evidence entities that are records of their own (a derived count such as `attendance_totals` is not).
_EVIDENCE_TABLES = frozenset(
    {
        "attendance_weeks",
        "events",
        "enrolments",
        "exclusions",
        "peps",
        "ehc_plans",
        "provisions",
        "referrals",
        "status_periods",
    }
)


def evidence_changed(session: Session, held: Iterable[AlertRecord]) -> dict[str, int]:
    """Alert id -> how many of the records its evidence names were removed or changed after it was raised (only
    alerts with at least one)."""
    wanted: dict[str, set[str]] = {}
    for alert in held:
        for item in alert.evidence:
            if item.get("entity") in _EVIDENCE_TABLES:
                wanted.setdefault(str(item["entity"]), set()).add(str(item["row_id"]))
    state: dict[tuple[str, str], tuple[bool, datetime]] = {}
    for entity, ids in wanted.items():
        for chunk in _chunks(ids):
            for row_id, deleted, updated in session.execute(
                text(f"SELECT id, deleted, updated_at FROM {entity} WHERE id IN ({_quoted(chunk)})")
            ):
                state[(entity, row_id)] = (bool(deleted), _moment(updated))
    out: dict[str, int] = {}
    for alert in held:
        rows = {(str(e["entity"]), str(e["row_id"])) for e in alert.evidence if e.get("entity") in _EVIDENCE_TABLES}
        gone = sum(1 for key in rows if key not in state or state[key][0] or state[key][1] > alert.raised_at)
        if gone:
            out[alert.id] = gone
    return out


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def alert_keys(session: Session, dirty_only: bool) -> set[tuple[str, str, str]]:
    """(rule, child, period) of the alerts held — what an alert's id is derived from — tombstones included: of
    every child, or of the children marked in `alert_dirty`."""
    sql = f"SELECT a.rule_id, a.child_id, a.period FROM alerts a WHERE 1 = 1{attendance._scope('a', dirty_only)}"
    return {(r[0], r[1], r[2]) for r in session.execute(text(sql))}


def contacts(session: Session, child_ids: Iterable[str], today: date) -> dict[str, ChildContacts]:
    """Each child's current school, whether looked after now, and current involvements with names (a few queries
    for every child at once)."""
    ids = sorted(set(child_ids))
    out = {child_id: ChildContacts() for child_id in ids}
    virtual = [
        (r[0], r[1])
        for r in session.execute(
            text("SELECT id, name FROM organisations WHERE deleted = 0 AND kind = 'virtual_school' ORDER BY name, id")
        )
    ]
    day = {"today": today.isoformat()}
    for chunk in _chunks(ids):
        listed = _quoted(chunk)
        for child_id, school_id, school in session.execute(
            text(
                "SELECT c.id, c.current_school_id, o.name FROM children c LEFT JOIN organisations o "
                f"ON o.id = c.current_school_id WHERE c.id IN ({listed})"
            )
        ):
            out[child_id].school_id, out[child_id].school = school_id, school
            out[child_id].virtual_schools = virtual
        for (child_id,) in session.execute(
            text(
                "SELECT DISTINCT child_id FROM status_periods WHERE deleted = 0 AND kind = 'looked_after' "
                f"AND start_date <= :today AND (end_date IS NULL OR end_date >= :today) AND child_id IN ({listed})"
            ),
            day,
        ):
            out[child_id].looked_after = True
        for row in session.execute(
            text(
                "SELECT i.child_id, i.role, i.organisation_id, o.name, o.kind, i.worker_id, w.name FROM involvements i "
                "JOIN organisations o ON o.id = i.organisation_id LEFT JOIN workers w ON w.id = i.worker_id "
                "AND w.deleted = 0 WHERE i.deleted = 0 AND i.start_date <= :today "
                f"AND (i.end_date IS NULL OR i.end_date >= :today) AND i.child_id IN ({listed})"
            ),
            day,
        ):
            out[row[0]].involved.append(Involved(row[1], row[2], row[3], row[4], row[5], row[6]))
    schools = {c.school_id for c in out.values() if c.school_id}
    staff: dict[str, list[Staff]] = {}
    for chunk in _chunks(schools):
        for worker_id, org_id, name, role in session.execute(
            text(
                "SELECT id, organisation_id, name, coalesce(role, '') FROM workers WHERE deleted = 0 "
                f"AND organisation_id IN ({_quoted(chunk)}) ORDER BY name, id"
            )
        ):
            staff.setdefault(org_id, []).append(Staff(worker_id, name, role))
    for held in out.values():
        held.school_staff = staff.get(held.school_id or "", [])
    return out


@dataclass(frozen=True)
class AlertRecord:
    id: str
    child_id: str
    child_name: str
    rule_id: str
    rule_title: str
    urgency: str
    category: str
    period: str
    met_on: date
    summary: str
    evidence: list[dict[str, Any]]
    tell: list[dict[str, str]]
    rule_set: str | None
    raised_at: datetime


@dataclass(frozen=True)
class ActionRecord:
    id: str
    alert_id: str
    action: str
    note: str | None
    author: str
    done_at: datetime


def alerts(
    session: Session, child_id: str | None = None, alert_ids: Iterable[str] | None = None, where: str = ""
) -> list[AlertRecord]:
    where = "a.deleted = 0" + (f" AND {where}" if where else "")
    params: dict[str, Any] = {}
    if child_id is not None:
        where += " AND a.child_id = :child"
        params["child"] = child_id
    if alert_ids is not None:
        where += f" AND a.id IN ({_quoted(alert_ids) or 'NULL'})"
    rows = session.execute(
        text(
            "SELECT a.id, a.child_id, coalesce(nullif(c.preferred_name, ''), c.given_name) || ' ' || c.family_name, "
            "a.rule_id, a.rule_title, a.urgency, a.category, a.period, a.met_on, a.summary, a.evidence, a.tell, "
            f"a.rule_set, a.created_at FROM alerts a JOIN children c ON c.id = a.child_id WHERE {where} "
            "ORDER BY a.met_on DESC, a.id"
        ),
        params,
    ).all()
    return [
        AlertRecord(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            _day(r[8]),
            r[9],
            json.loads(r[10]) if isinstance(r[10], str) else r[10],
            json.loads(r[11]) if isinstance(r[11], str) else r[11],
            r[12],
            _moment(r[13]),
        )
        for r in rows
    ]


def actions(session: Session, alert_ids: Iterable[str] | None = None) -> dict[str, list[ActionRecord]]:
    where = "deleted = 0"
    if alert_ids is not None:
        where += f" AND alert_id IN ({_quoted(alert_ids) or 'NULL'})"
    out: dict[str, list[ActionRecord]] = {}
    for r in session.execute(
        text(
            f"SELECT id, alert_id, action, note, author, done_at FROM alert_actions WHERE {where} ORDER BY done_at, id"
        )
    ):
        out.setdefault(r[1], []).append(ActionRecord(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5])))
    return out
