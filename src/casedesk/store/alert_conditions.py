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

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from casedesk.domain.alerts.model import Evidence, Hit, Rule
from casedesk.domain.attendance.codes import Category, codes
from casedesk.domain.attendance.summary import academic_year_of, terms, year_label
from casedesk.domain.attendance.week import SESSIONS

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


# (child id) -> the latest mark's day, and each recent week: (monday, week row id, the ten sessions' codes)
RecentWeeks = dict[str, tuple[date, list[tuple[date, str, list[str]]]]]
_CODES = " || ',' || ".join(f"coalesce({_code(f'w.{s}')}, '')" for s in SESSIONS)
_HALVES = tuple((i // 2, "AM" if i % 2 == 0 else "PM") for i in range(len(SESSIONS)))  # SESSIONS' order


def recent_weeks(session: Session, weeks: int, today: date, dirty_only: bool) -> RecentWeeks:
    """Each child's last `weeks` (or more) weeks of codes, for children marked within the last `weeks` + 1 weeks:
    one read shared by every attendance rule of an evaluation (kept in the session's `info` and reused while it
    covers the weeks asked for; callers keep the weeks they need with `window`). The latest mark comes from the
    counts each device keeps per child (`attendance_totals`), so no query walks a child's whole year; a session's
    code is cut out of its `CODE|SCHOOL|SOURCE` value in SQL."""
    held = session.info.get("alert_weeks")
    if held is not None and held[0] >= weeks and held[1:3] == (today, dirty_only):
        loaded: RecentWeeks = held[3]
        return loaded
    recent = (today - timedelta(days=7 * weeks + 7)).isoformat()
    out: RecentWeeks = {}
    for child_id, latest, monday, row_id, marks in session.execute(
        text(
            f"SELECT w.child_id, t.latest, w.week_start, w.id, {_CODES} FROM attendance_totals t "
            "JOIN attendance_weeks w ON w.child_id = t.child_id "
            f"AND w.week_start > date(t.latest, '-{7 * weeks} days') AND w.week_start <= t.latest "
            f"WHERE t.latest >= :recent AND w.deleted = 0{_scope('t', dirty_only)} ORDER BY w.child_id, w.week_start"
        ),
        {"recent": recent},
    ):
        entry = out.get(child_id)
        if entry is None:
            entry = out[child_id] = (date.fromisoformat(latest), [])
        entry[1].append((date.fromisoformat(monday), row_id, marks.split(",")))
    session.info["alert_weeks"] = (weeks, today, dirty_only, out)
    return out


def window(
    loaded: RecentWeeks, weeks: int, today: date
) -> Iterator[tuple[str, date, list[tuple[date, str, list[str]]]]]:
    """(child, latest mark, the last `weeks` weeks) for the children marked within the last `weeks` + 1 weeks."""
    recent = today - timedelta(days=7 * weeks + 7)
    for child_id, (latest, rows) in loaded.items():
        if latest < recent:
            continue
        start = latest - timedelta(days=7 * weeks)
        if rows[0][0] > start:
            yield child_id, latest, rows
        else:
            yield child_id, latest, [w for w in rows if w[0] > start]


def warm(session: Session, rules: Iterable[Rule], today: date, dirty_only: bool) -> None:
    """Read the recent weeks once, as far back as the evaluation's attendance rules need."""
    needed = [_weeks_of(rule) for rule in rules if rule.kind in ("attendance_window", "consecutive_absences")]
    if needed:
        recent_weeks(session, max(needed), today, dirty_only)


def _weeks_of(rule: Rule) -> int:
    if rule.kind == "consecutive_absences":
        return int(rule.param("sessions", 6)) // 10 + 2
    return int(rule.param("weeks", 4))


def attendance_window(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    weeks = _weeks_of(rule)
    at_least = rule.param("absent_sessions_at_least", None)
    below = rule.param("attendance_below_percent", None)
    counted, absent = _code_lists(bool(rule.param("unauthorised_only", False)))
    hits = []
    for child_id, latest, rows in window(recent_weeks(session, weeks, today, dirty_only), weeks, today):
        missed = possible = 0
        for _, _, marks in rows:
            for code in marks:
                if code in counted:
                    possible += 1
                    missed += code in absent
        if not possible or not missed:
            continue
        rate = 100.0 * (possible - missed) / possible
        if (at_least is not None and missed < int(at_least)) or (below is not None and rate >= float(below)):
            continue
        shown = [
            _session_evidence(monday + timedelta(days=offset), half, code, row_id)
            for monday, row_id, marks in rows
            for code, (offset, half) in zip(marks, _HALVES, strict=True)
            if code in absent
        ]
        first = rows[0][0]
        summary = (
            f"{missed} of {possible} possible sessions missed in the {weeks} week(s) from {first:%d %b %Y} "
            f"({rate:.1f}% attendance)"
        )
        if len(shown) > MAX_EVIDENCE:
            summary += f"; the latest {MAX_EVIDENCE} are listed"
        met_on = shown[-1].on if shown else latest
        hits.append(Hit(child_id, _term_of(rows[-1][0]), met_on, summary, tuple(shown[-MAX_EVIDENCE:])))
    return hits


def consecutive_absences(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    """A run of marked sessions in a row, each with one of the codes; sessions that are not possible sessions (and
    unmarked ones) neither extend nor break a run. Only runs in the child's latest weeks are looked for."""
    needed = int(rule.param("sessions", 6))
    run_codes = set(rule.param("codes", ["N", "O"]))
    weeks = _weeks_of(rule)
    candidates = [
        (child_id, rows[0][0])
        for child_id, _, rows in window(recent_weeks(session, weeks, today, dirty_only), weeks, today)
        if sum(code in run_codes for _, _, marks in rows for code in marks) >= needed
    ]
    if not candidates:
        return []
    table = codes()
    # Read further back than the window, so a run that began before it keeps its first session (and its alert).
    since = (min(first for _, first in candidates) - timedelta(weeks=8)).isoformat()
    ids = [child_id for child_id, _ in candidates]
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
            for name, (offset, half) in zip(SESSIONS, _HALVES, strict=True):
                if row[name]:
                    day = monday + timedelta(days=offset)
                    out.setdefault(row["child_id"], []).append((day, half, row[name].split("|", 1)[0], row["id"]))
    return out
