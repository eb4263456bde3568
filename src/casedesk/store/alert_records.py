"""Finders for the alert conditions over a child's casework and education records (attendance is in
`alert_conditions`): suspensions this school year, removal from roll, an overdue PEP or EHC annual review, a
part-time timetable past its end, police contact or arrest, a referral not acknowledged, persistent absence.

Each is one query over every child (or over the children marked in `alert_dirty`); the period of each hit is the
school year or the record that met the rule, so an alert is raised once for it on every device.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from casedesk.domain.alerts.model import Evidence, Hit, Rule
from casedesk.domain.attendance.summary import academic_year_of, year_label
from casedesk.domain.education.vocab import EXCLUSION_REASONS, ExclusionKind, LeavingReason
from casedesk.domain.referrals.workflow import acknowledgement_due
from casedesk.domain.vocab import label_of
from casedesk.store import calendar, condition_sql
from casedesk.store.alert_conditions import _day, _quoted, _scope


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def persistent_absence(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    """This school year's attendance (the counts each device keeps per child) at or below the line: missing 10% of
    possible sessions or more is persistent absence as the DfE counts it, and as the risk indicator counts it (the
    same condition: `condition_sql.persistent_absence`)."""
    below = float(rule.param("attendance_below_percent", 90))
    least = int(rule.param("min_possible_sessions", 20))
    year = academic_year_of(today)
    rows = session.execute(
        text(
            "SELECT t.child_id, t.possible, t.absent, t.latest FROM attendance_totals t "
            f"WHERE t.academic_year = :year AND t.possible >= :least{_scope('t', dirty_only)} "
            f"AND {condition_sql.persistent_absence('t', ':missed')}"
        ),
        {"year": year, "least": least, "missed": 100.0 - below},
    ).all()
    hits = []
    for child_id, possible, absent, latest in rows:
        until = _day(latest) if latest else today
        rate = 100.0 * (possible - absent) / possible
        summary = (
            f"{absent} of {possible} possible sessions missed in {year_label(year)} to {until:%d %b %Y} "
            f"({rate:.1f}% attendance)"
        )
        evidence = Evidence("attendance_totals", child_id, until, summary, "attendance")
        hits.append(Hit(child_id, year_label(year), until, summary, (evidence,)))
    return hits


def suspensions(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    """At least N exclusions of the kinds given whose first day is in this school year (the first N are evidence)."""
    least = int(rule.param("at_least", 2))
    kinds = rule.param("kinds", ["suspension"])
    year = academic_year_of(today)
    rows = session.execute(
        text(
            "SELECT e.id, e.child_id, e.kind, e.first_day, e.sessions, e.reason_1, o.name FROM exclusions e "
            "LEFT JOIN organisations o ON o.id = e.school_id "
            f"WHERE e.deleted = 0 AND e.kind IN ({_quoted(kinds)}) AND e.first_day >= :start AND e.first_day <= :today"
            f"{_scope('e', dirty_only)} AND e.child_id IN (SELECT child_id FROM exclusions x WHERE x.deleted = 0 "
            f"AND x.kind IN ({_quoted(kinds)}) AND x.first_day >= :start AND x.first_day <= :today"
            f"{_scope('x', dirty_only)} "
            "GROUP BY child_id HAVING count(*) >= :least) ORDER BY e.child_id, e.first_day, e.id"
        ),
        {"start": date(year, 9, 1).isoformat(), "today": today.isoformat(), "least": least},
    ).all()
    by_child: dict[str, list[Any]] = {}
    for row in rows:
        by_child.setdefault(row[1], []).append(row)
    hits = []
    for child_id, held in by_child.items():
        shown = held[:least]  # the ones that crossed the line: later ones do not change this alert
        evidence = tuple(
            Evidence(
                "exclusions",
                r[0],
                _day(r[3]),
                f"{label_of(ExclusionKind, r[2])} from {_day(r[3]):%d %b %Y}"
                + (f", {r[4]} session(s)" if r[4] else "")
                + f" at {r[6] or 'a school'}: {EXCLUSION_REASONS.get(r[5], r[5])}",
                "suspensions",
            )
            for r in shown
        )
        kind_words = " or ".join(label_of(ExclusionKind, k).lower() for k in kinds)
        summary = f"{len(held)} {kind_words}(s) in {year_label(year)}"
        hits.append(Hit(child_id, f"{year_label(year)} {least}+", evidence[-1].on, summary, evidence))
    return hits


def removed_from_roll(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    reasons = rule.param("reasons", ["elective_home_education", "missing_education", "off_rolled", "other"])
    within = int(rule.param("within_days", 90))
    rows = session.execute(
        text(
            "SELECT n.id, n.child_id, n.end_date, n.leaving_reason, o.name FROM enrolments n "
            "LEFT JOIN organisations o ON o.id = n.school_id WHERE n.deleted = 0 AND n.end_date IS NOT NULL "
            f"AND n.leaving_reason IN ({_quoted(reasons)}) AND n.end_date >= :since AND n.end_date <= :today"
            f"{_scope('n', dirty_only)}"
        ),
        {"since": (today - timedelta(days=within)).isoformat(), "today": today.isoformat()},
    ).all()
    hits = []
    for row_id, child_id, ended, reason, school in rows:
        day = _day(ended)
        summary = (
            f"Left the roll of {school or 'a school'} on {day:%d %b %Y}: {label_of(LeavingReason, reason).lower()}"
        )
        hits.append(
            Hit(
                child_id, f"enrolment {row_id}", day, summary, (Evidence("enrolments", row_id, day, summary, "school"),)
            )
        )
    return hits


def pep_overdue(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    """A looked-after child whose latest PEP's next date is past (plus grace), or who has had no PEP since coming
    into care this many days ago."""
    grace = int(rule.param("grace_days", 0))
    none_after = int(rule.param("no_pep_after_days", 20))
    rows = session.execute(
        text(
            "WITH lac AS (SELECT child_id, max(start_date) AS started FROM status_periods s WHERE s.deleted = 0 "
            "AND s.kind = 'looked_after' AND s.start_date <= :today AND (s.end_date IS NULL OR s.end_date >= :today)"
            f"{_scope('s', dirty_only)} GROUP BY child_id), "
            "latest AS (SELECT p.child_id, max(p.held_on) AS held FROM peps p JOIN lac ON lac.child_id = p.child_id "
            "WHERE p.deleted = 0 GROUP BY p.child_id) "
            "SELECT lac.child_id, lac.started, p.id, p.held_on, p.next_due_on FROM lac "
            "LEFT JOIN latest ON latest.child_id = lac.child_id "
            "LEFT JOIN peps p ON p.child_id = latest.child_id AND p.held_on = latest.held AND p.deleted = 0"
        ),
        {"today": today.isoformat()},
    ).all()
    hits, seen = [], set()
    for child_id, started, pep_id, held, due in rows:
        if child_id in seen:
            continue
        seen.add(child_id)
        start = _day(started)
        if pep_id is None or _day(held) < start:
            deadline = start + timedelta(days=none_after)
            if deadline < today:
                summary = f"No PEP since coming into care on {start:%d %b %Y} ({none_after} days allowed)"
                evidence = Evidence("status_periods", child_id, start, f"Looked after from {start:%d %b %Y}", "care")
                hits.append(Hit(child_id, f"no PEP since {start.isoformat()}", deadline, summary, (evidence,)))
            continue
        if due is None:
            continue
        next_due = _day(due)
        if next_due + timedelta(days=grace) < today:
            summary = f"PEP due {next_due:%d %b %Y}; the last was held {_day(held):%d %b %Y}"
            evidence = Evidence(
                "peps", pep_id, _day(held), f"PEP held {_day(held):%d %b %Y}, next due {next_due:%d %b %Y}", "care"
            )
            hits.append(Hit(child_id, f"PEP due {next_due.isoformat()}", next_due, summary, (evidence,)))
    return hits


def ehc_review_overdue(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    grace = int(rule.param("grace_days", 0))
    rows = session.execute(
        text(
            "SELECT e.id, e.child_id, e.issued_on, e.last_review_on FROM ehc_plans e WHERE e.deleted = 0 "
            "AND e.issued_on IS NOT NULL AND e.ceased_on IS NULL "
            f"AND date(coalesce(e.last_review_on, e.issued_on), '+1 year', '+{grace} days') < :today"
            f"{_scope('e', dirty_only)}"
        ),
        {"today": today.isoformat()},
    ).all()
    hits = []
    for plan_id, child_id, issued, reviewed in rows:
        base = _day(reviewed or issued)
        due = _add_years(base, 1)
        last = f"last reviewed {base:%d %b %Y}" if reviewed else f"issued {base:%d %b %Y}, never reviewed"
        summary = f"EHC plan annual review due {due:%d %b %Y} ({last})"
        evidence = Evidence("ehc_plans", plan_id, base, f"EHC plan {last}", "send")
        hits.append(Hit(child_id, f"EHC review due {due.isoformat()}", due, summary, (evidence,)))
    return hits


def part_time_past_end(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    grace = int(rule.param("grace_days", 0))
    rows = session.execute(
        text(
            "SELECT p.id, p.child_id, p.provider, p.sessions_per_week, p.start_date, p.planned_end_date "
            "FROM provisions p "
            "WHERE p.deleted = 0 AND p.kind = 'part_time_timetable' AND p.end_date IS NULL "
            f"AND p.planned_end_date IS NOT NULL AND date(p.planned_end_date, '+{grace} days') < :today"
            f"{_scope('p', dirty_only)}"
        ),
        {"today": today.isoformat()},
    ).all()
    hits = []
    for row_id, child_id, provider, per_week, started, planned in rows:
        end = _day(planned)
        summary = (
            f"Part-time timetable ({per_week} sessions a week at {provider}) planned to end {end:%d %b %Y}, "
            "still running"
        )
        evidence = Evidence(
            "provisions",
            row_id,
            _day(started),
            f"Part-time timetable from {_day(started):%d %b %Y} to {end:%d %b %Y}",
            "school",
        )
        hits.append(Hit(child_id, f"provision {row_id} {end.isoformat()}", end, summary, (evidence,)))
    return hits


def police_contact(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    """Police contact or arrest within the last days, as the youth-justice indicator finds it (the same condition:
    `condition_sql.police_contact`). An amended entry counts by its latest version, and its alert is the first
    version's (the period names the entry it began as), so correcting a typo never raises a second alert."""
    kinds = rule.param("kinds", ["police_contact", "arrest"])
    within = int(rule.param("within_days", 14))
    since = datetime.combine(today - timedelta(days=within), datetime.min.time()).isoformat()
    before = (today + timedelta(days=1)).isoformat()
    rows = session.execute(
        text(
            "SELECT v.id, v.child_id, v.kind, v.occurred_at, v.summary, v.amends_id FROM events v "
            f"WHERE {condition_sql.police_contact('v', f'({_quoted(kinds)})', ':since', ':before')}"
            f"{_scope('v', dirty_only)}"
        ),
        {"since": since, "before": before},
    ).all()
    first = _first_versions(session, {r[5] for r in rows if r[5]})
    hits = []
    for row_id, child_id, kind, occurred, what, amends in rows:
        day = _day(occurred)
        words = "Arrest" if kind == "arrest" else "Police contact"
        summary = f"{words} on {day:%d %b %Y}: {what}"[:300]
        began = first[amends] if amends else row_id
        hits.append(
            Hit(child_id, f"event {began}", day, summary, (Evidence("events", row_id, day, summary, "youth_justice"),))
        )
    return hits


def _first_versions(session: Session, amended: set[str]) -> dict[str, str]:
    """Entry id -> the first version of it (following each amendment back, a few ids at a time; a chain longer
    than any real one stops where it got to)."""
    root = {entry: entry for entry in amended}
    todo = set(amended)
    for _ in range(50):
        if not todo:
            break
        sql = f"SELECT id, amends_id FROM events WHERE amends_id IS NOT NULL AND id IN ({_quoted(todo)})"
        parent: dict[str, str] = {row[0]: row[1] for row in session.execute(text(sql))}
        for entry, earliest in root.items():
            root[entry] = parent.get(earliest, earliest)
        todo = set(parent.values())
    return root


def referral_not_acknowledged(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    grace = int(rule.param("grace_days", 0))
    rows = session.execute(
        text(
            "SELECT r.id, r.child_id, r.service_name, r.sent_at, r.ack_within_days FROM referrals r "
            "WHERE r.deleted = 0 AND r.status = 'sent' AND r.sent_at IS NOT NULL AND r.acknowledged_at IS NULL "
            f"AND r.sent_at < :today{_scope('r', dirty_only)}"
        ),
        {"today": today.isoformat()},
    ).all()
    hits = []
    days = calendar.working_days_on(session.connection())
    for row_id, child_id, service, sent, within in rows:
        sent_at = datetime.fromisoformat(str(sent))
        due = acknowledgement_due(sent_at, int(within), days) + timedelta(days=grace)
        if today <= due:
            continue
        summary = f"Referral to {service} sent {sent_at:%d %b %Y}, not acknowledged by {due:%d %b %Y}"[:300]
        evidence = Evidence("referrals", row_id, sent_at.date(), summary, "referrals")
        hits.append(Hit(child_id, f"referral {row_id}", due, summary, (evidence,)))
    return hits
