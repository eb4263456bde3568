"""The parts of a child's record that travel in a case-transfer package as history rather than as records: the
school history (enrolments), the meetings held about the child (each item's meeting, decision and when) and the
attendance (per school year). Their rows name schools, meetings and staff of the sending area that mean nothing
in the receiving one, so they travel as what a person there needs to read — names, dates, decisions and counts —
and the receiving area files them in the transfer's own chronology entry (`receive`).

Each row is seen as the receiving organisation's devices would see it (`policies.view_values`): a row the
agreements withhold is left out and counted by category, like every other.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from casedesk.domain import roles
from casedesk.domain.attendance.codes import Category, category_of
from casedesk.domain.attendance.week import SESSIONS
from casedesk.domain.schema import CATALOGUE
from casedesk.server.db import policies, records

HISTORY = ("enrolments", "meeting_items", "attendance_weeks")


def _school_year(week_start: str) -> str:
    day = date.fromisoformat(week_start[:10])
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def history(
    conn: Connection, policy: Any, to_org: str, child_id: str, withheld: Counter[str]
) -> dict[str, list[dict[str, Any]]]:
    """The child's school history, meetings and attendance as `to_org` may see them; withheld rows are counted
    into `withheld`."""
    seen: dict[str, list[dict[str, Any]]] = {entity: [] for entity in HISTORY}
    query = select(records).where(
        records.c.child_id == child_id, records.c.deleted.is_(False), records.c.entity.in_(HISTORY)
    )
    for r in conn.execute(query.order_by(records.c.created_seq)):
        values = policies.view_values(policy, to_org, roles.FULL, r.entity, child_id, r.created_by_org, r.data)
        if values is None:
            withheld[str(CATALOGUE[r.entity].category_of(r.data).value)] += 1
            continue
        seen[r.entity].append(values)
    schools = _named(conn, "organisations", {str(v.get("school_id")) for v in seen["enrolments"]})
    meetings = _rows(conn, "meetings", {str(v.get("meeting_id")) for v in seen["meeting_items"]})
    return {
        "school_history": [
            {
                "school": schools.get(str(v.get("school_id")), "a school"),
                "start_date": v.get("start_date"),
                "end_date": v.get("end_date"),
                "leaving_reason": v.get("leaving_reason"),
            }
            for v in sorted(seen["enrolments"], key=lambda v: str(v.get("start_date")))
        ],
        "meetings": [
            {
                "kind": meetings.get(str(v.get("meeting_id")), {}).get("kind"),
                "held_on": meetings.get(str(v.get("meeting_id")), {}).get("held_on"),
                "decision": v.get("decision"),
                "decision_text": (v.get("decision_text") or "")[:500] or None,
                "decided_on": v.get("decided_on"),
            }
            for v in seen["meeting_items"]
        ],
        "attendance": _attendance(seen["attendance_weeks"]),
    }


def _attendance(weeks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    years: dict[str, Counter[str]] = {}
    for week in weeks:
        counts = years.setdefault(_school_year(str(week.get("week_start"))), Counter())
        for session in SESSIONS:
            mark = str(week.get(session) or "")
            if not mark:
                continue
            category = category_of(mark.split("|", 1)[0])
            if category.counted:
                counts["possible"] += 1
                counts["attended"] += category in (Category.PRESENT, Category.APPROVED)
                counts["authorised"] += category is Category.AUTHORISED
                counts["unauthorised"] += category is Category.UNAUTHORISED
    return [
        {"year": year, **{k: counts[k] for k in ("possible", "attended", "authorised", "unauthorised")}}
        for year, counts in sorted(years.items())
    ]


def _rows(conn: Connection, entity: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    query = select(records.c.row_id, records.c.data).where(records.c.entity == entity, records.c.row_id.in_(ids))
    return {row_id: dict(data or {}) for row_id, data in conn.execute(query)}


def _named(conn: Connection, entity: str, ids: set[str]) -> dict[str, str]:
    return {k: str(v.get("name") or "") for k, v in _rows(conn, entity, ids).items()}


def _words(value: Any) -> str:
    return str(value).replace("_", " ")


def _school(s: dict[str, Any]) -> str:
    return (
        f"{s.get('school')} from {s.get('start_date')}"
        + (f" to {s['end_date']}" if s.get("end_date") else " (current)")
        + (f", left: {_words(s['leaving_reason'])}" if s.get("leaving_reason") else "")
    )


def _meeting(m: dict[str, Any]) -> str:
    return (
        f"{_words(m.get('kind') or 'meeting')} on {m.get('held_on')}"
        + (f", decision: {_words(m['decision'])}" if m.get("decision") else "")
        + (f" ({m['decision_text']})" if m.get("decision_text") else "")
    )


def _attendance_year(a: dict[str, Any]) -> str:
    return (
        f"{a['year']}: {100.0 * a['attended'] / a['possible']:.1f}% of {a['possible']} possible sessions "
        f"({a['authorised']} authorised, {a['unauthorised']} unauthorised absences)"
    )


def describe(payload: dict[str, Any], area: str) -> list[str]:
    """The history in words, for the transfer's chronology entry in the receiving area: a sentence for each part
    the package holds."""
    parts = (
        ("School history", payload.get("school_history") or [], _school),
        ("Meetings", payload.get("meetings") or [], _meeting),
        ("Attendance", [a for a in payload.get("attendance") or [] if a.get("possible")], _attendance_year),
    )
    return [f"{title} in {area}: " + "; ".join(map(say, items)) + "." for title, items, say in parts if items]
