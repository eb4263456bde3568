"""What each kind of alert condition finds: one set-based query per rule over the whole caseload, or over the
children marked in `alert_dirty` (those whose records changed since they were last evaluated).

Each finder returns a `Hit` per child and period with the records that met the rule and their dates. A finder
reads only the child's records, never the device or who evaluates, so two devices holding the same records find
the same hits. `today` decides only *whether* a time-bound condition holds (a PEP date passed, an arrest within
the last days), never what the hit says: the period and the evidence come from the records.

Attendance is counted in SQL over the week rows (`CODE|SCHOOL|SOURCE` per session): a session's code is the text
before the first `|`, classified by the DfE code table, so 50,000 children's recent weeks are counted without a
Python loop over every mark; only the children a rule fires for are read session by session for the evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from casedesk.domain.alerts.model import Evidence, Hit, Rule
from casedesk.domain.attendance.codes import Category, codes
from casedesk.domain.attendance.summary import academic_year_of, terms, year_label
from casedesk.domain.attendance.week import SESSIONS, session_day

MAX_EVIDENCE = 20  # sessions listed one by one; beyond that the summary carries the count


def _scope(alias: str, dirty_only: bool) -> str:
    return f" AND {alias}.child_id IN (SELECT child_id FROM alert_dirty)" if dirty_only else ""


def _quoted(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))


def _code_lists(unauthorised_only: bool) -> tuple[set[str], set[str]]:
    """(codes of possible sessions, codes of absences) from the DfE table."""
    table = codes().values()
    counted = {c.code for c in table if c.category.counted}
    if unauthorised_only:
        return counted, {c.code for c in table if c.category == Category.UNAUTHORISED}
    return counted, {c.code for c in table if c.category.absent}


def _session_evidence(day: date, half: str, code: str, row_id: str) -> Evidence:
    known = codes().get(code)
    meaning = known.description if known else code
    return Evidence("attendance_weeks", row_id, day, f"{day:%a %d %b %Y} {half}: {code} — {meaning}", "attendance")


def _code(column: str) -> str:
    return f"substr({column}, 1, instr({column}, '|') - 1)"


def _counts(codes_in: str, alias: str = "w") -> str:
    return " + ".join(f"(CASE WHEN {_code(f'{alias}.{s}')} IN ({codes_in}) THEN 1 ELSE 0 END)" for s in SESSIONS)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _term_of(day: date) -> str:
    year = academic_year_of(day)
    term = next(t for t in terms(year) if t.start <= day <= t.end)
    return f"{year_label(year)} {term.name.lower()}"


def attendance_window(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    weeks = int(rule.param("weeks", 4))
    at_least = rule.param("absent_sessions_at_least", None)
    below = rule.param("attendance_below_percent", None)
    counted, absent = _code_lists(bool(rule.param("unauthorised_only", False)))
    recent = (today - timedelta(days=7 * weeks + 7)).isoformat()
    rows = session.execute(
        text(
            "WITH latest AS (SELECT child_id, max(week_start) AS last FROM attendance_weeks w "
            f"WHERE deleted = 0{_scope('w', dirty_only)} GROUP BY child_id HAVING max(week_start) >= :recent) "
            f"SELECT w.child_id, min(w.week_start) AS first, l.last AS last, "
            f"sum({_counts(_quoted(absent))}) AS absent, sum({_counts(_quoted(counted))}) AS possible "
            "FROM attendance_weeks w JOIN latest l ON l.child_id = w.child_id "
            f"WHERE w.deleted = 0 AND w.week_start > date(l.last, '-{7 * weeks} days') GROUP BY w.child_id"
        ),
        {"recent": recent},
    ).all()
    met = []
    for child_id, first, last, missed, possible in rows:
        if not possible or not missed:
            continue
        rate = 100.0 * (possible - missed) / possible
        if at_least is not None and missed < int(at_least):
            continue
        if below is not None and rate >= float(below):
            continue
        met.append((child_id, _day(first), _day(last), int(missed), int(possible), rate))
    since = min((m[1] for m in met), default=today).isoformat()
    sessions = _all_sessions(session, [m[0] for m in met], since)
    hits = []
    for child_id, first, last, missed, possible, rate in met:
        shown = [
            _session_evidence(*held)
            for held in sessions.get(child_id, [])
            if held[2] in absent and first <= held[0] <= last + timedelta(days=6)
        ]
        summary = (
            f"{missed} of {possible} possible sessions missed in the {weeks} week(s) from {first:%d %b %Y} "
            f"({rate:.1f}% attendance)"
        )
        met_on = shown[-1].on if shown else last
        hits.append(Hit(child_id, _term_of(last), met_on, summary, tuple(shown[-MAX_EVIDENCE:])))
    return hits


def consecutive_absences(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    """A run of marked sessions in a row, each with one of the codes; sessions that are not possible sessions (and
    unmarked ones) neither extend nor break a run. Only runs in the child's latest weeks are looked for."""
    needed = int(rule.param("sessions", 6))
    run_codes = set(rule.param("codes", ["N", "O"]))
    weeks = needed // 10 + 2
    recent = (today - timedelta(days=7 * weeks + 7)).isoformat()
    rows = session.execute(
        text(
            "WITH latest AS (SELECT child_id, max(week_start) AS last FROM attendance_weeks w "
            f"WHERE deleted = 0{_scope('w', dirty_only)} GROUP BY child_id HAVING max(week_start) >= :recent) "
            f"SELECT w.child_id, min(w.week_start) FROM attendance_weeks w JOIN latest l ON l.child_id = w.child_id "
            f"WHERE w.deleted = 0 AND w.week_start > date(l.last, '-{7 * weeks} days') GROUP BY w.child_id "
            f"HAVING sum({_counts(_quoted(run_codes))}) >= :needed"
        ),
        {"recent": recent, "needed": needed},
    ).all()
    if not rows:
        return []
    table = codes()
    # Read further back than the window, so a run that began before it keeps its first session (and its alert).
    since = (min(_day(r[1]) for r in rows) - timedelta(weeks=8)).isoformat()
    ids = [r[0] for r in rows]
    sessions = _all_sessions(session, ids, since)
    hits = []
    for child_id in ids:
        run: list[tuple[date, str, str, str]] = []
        latest: list[tuple[date, str, str, str]] = []  # the newest run long enough
        for held in sessions.get(child_id, []):
            known = table.get(held[2])
            if known is not None and not known.category.counted:
                continue
            if held[2] in run_codes:
                run.append(held)
                if len(run) >= needed:
                    latest = run
            else:
                run = []
        run = latest
        if not run:
            continue
        first = run[0]  # the run's first session names the period, so a run that goes on stays one alert
        marked = ", ".join(sorted({held[2] for held in run[:needed]}))
        summary = f"{needed} or more sessions in a row from {first[0]:%d %b %Y} {first[1]} marked {marked}"
        evidence = tuple(_session_evidence(*held) for held in run[:needed])
        hits.append(Hit(child_id, f"run from {first[0].isoformat()} {first[1]}", run[needed - 1][0], summary, evidence))
    return hits


def _all_sessions(session: Session, child_ids: list[str], since: str) -> dict[str, list[tuple[date, str, str, str]]]:
    out: dict[str, list[tuple[date, str, str, str]]] = {}
    for start in range(0, len(child_ids), 500):
        chunk = child_ids[start : start + 500]
        rows = session.execute(
            text(
                f"SELECT id, child_id, week_start, {', '.join(SESSIONS)} FROM attendance_weeks "
                f"WHERE deleted = 0 AND week_start >= :since AND child_id IN ({_quoted(chunk)}) ORDER BY week_start"
            ),
            {"since": since},
        ).mappings()
        for row in rows:
            monday = _day(row["week_start"])
            for name in SESSIONS:
                if row[name]:
                    day, half = session_day(monday, name)
                    out.setdefault(row["child_id"], []).append((day, half, row[name].split("|", 1)[0], row["id"]))
    return out
