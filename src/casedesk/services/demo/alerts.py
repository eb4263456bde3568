"""A few demo patterns the sample alert rules are there to catch, among the demo user's own pupils (those they
are the named safeguarding lead for, then the rest of their school), so "My work" opens on something real: a pupil
absent without explanation the last three days (a run of unexplained absence), a part-time timetable that ran past
its planned end, and a looked-after child (anywhere in the demo) whose next PEP is now late. Everything else the
rules find (persistent absence, suspensions, police contact, late referrals) comes from the demo's own records.
Deterministic; the app raises the alerts at its first unlock, as it would after any import.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from casedesk.domain.attendance.week import Mark
from casedesk.services.attendance.marks import write_marks
from casedesk.store.database import Database

RUN = ("N", "N", "O", "N", "N", "N")  # the last six sessions: no reason given, then unauthorised


def _school_days_back(today: date, count: int) -> list[date]:
    days: list[date] = []
    day = today
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def seed_demo_alert_patterns(db: Database, data: Any, today: date, author: str) -> int:
    """Add the patterns; returns how many children were given one."""
    school = next(o for o in data.organisations if o["kind"] == "school")
    lead = next(w for w in data.workers if w["organisation_id"] == school["id"])  # the demo user (`_demo_profile`)
    named = sorted({i["child_id"] for i in data.involvements if i.get("worker_id") == lead["id"]})
    at_school = sorted(c["id"] for c in data.children if c.get("current_school_id") == school["id"])
    pupils = named + [c for c in at_school if c not in named]  # theirs first, then the school's other pupils
    latest: dict[str, Any] = {}
    for pep in data.peps:
        if pep["child_id"] not in latest or pep["held_on"] > latest[pep["child_id"]]["held_on"]:
            latest[pep["child_id"]] = pep
    touched = 0
    with db.unit_of_work(author) as uow:
        if pupils:
            days = _school_days_back(today, 3)
            sessions = [(day, half) for day in days for half in ("AM", "PM")]
            marks = [Mark(day, half, code, school["id"]) for (day, half), code in zip(sessions, RUN, strict=True)]
            write_marks(uow, [(pupils[0], m) for m in marks], reason="demo", today=today)
            touched += 1
        if len(pupils) > 1:
            uow.insert(
                "provisions",
                {
                    "child_id": pupils[1],
                    "kind": "part_time_timetable",
                    "provider": school["name"],
                    "provider_id": school["id"],
                    "sessions_per_week": 5,
                    "start_date": today - timedelta(weeks=10),
                    "planned_end_date": today - timedelta(weeks=2),
                    "review_date": today - timedelta(weeks=4),
                    "note": "Mornings only while the reintegration plan settles.",
                },
            )
            touched += 1
        if latest:  # the looked-after child whose last PEP is oldest: the next one is now late
            pep = min(latest.values(), key=lambda p: (p["held_on"], p["id"]))
            late = max(pep["held_on"] + timedelta(days=1), today - timedelta(days=10))
            if late < today:
                uow.update("peps", pep["id"], {"next_due_on": late})
                touched += 1
    return touched
