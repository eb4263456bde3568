"""What each kind of alert condition finds: one set-based query per rule over the whole caseload, or over the
children marked in `alert_dirty` (those whose records changed since they were last evaluated).

Each finder returns a `Hit` per child and period with the records that met the rule and their dates. A finder
reads only the child's records, never the device or who evaluates, so two devices holding the same records find
the same hits. `today` decides only *whether* a time-bound condition holds (a PEP date passed, an arrest within
the last days), never what the hit says: the period and the evidence come from the records.

Attendance is read from `attendance_codes` (each week's session codes alone, kept by triggers from the week rows'
`CODE|SCHOOL|SOURCE` values), classified by the DfE code table; only the children a rule fires for are read
session by session from the week rows for the evidence.
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


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _term_of(day: date) -> str:
    year = academic_year_of(day)
    term = next(t for t in terms(year) if t.start <= day <= t.end)
    return f"{year_label(year)} {term.name.lower()}"


# (child id) -> the latest mark's day, and each recent week: (monday, week row id, its codes `O,N,,/,…` in
# SESSIONS' order). The codes stay one string until a rule needs them: most weeks of most children are alike
# (everyone present), so rules count each distinct string once (`_tally`).
RecentWeeks = dict[str, tuple[date, list[tuple[date, str, str]]]]
_HALVES = tuple((i // 2, "AM" if i % 2 == 0 else "PM") for i in range(len(SESSIONS)))  # SESSIONS' order


def recent_weeks(session: Session, weeks: int, today: date, dirty_only: bool) -> RecentWeeks:
    """Each child's last `weeks` (or more) weeks of codes, for children marked within the last `weeks` + 1 weeks:
    one read shared by every attendance rule of an evaluation (kept in the session's `info` and reused while it
    covers the weeks asked for; callers keep the weeks they need with `window`). The latest mark comes from the
    counts each device keeps per child (`attendance_totals`), and the codes from `attendance_codes` (the week rows'
    codes alone, kept by triggers), so nothing reads the wide week rows or walks a child's whole year. Read through
    the driver's own cursor: at 200,000 rows SQLAlchemy's result rows cost as much as the query."""
    held = session.info.get("alert_weeks")
    if held is not None and held[0] >= weeks and held[1:3] == (today, dirty_only):
        loaded: RecentWeeks = held[3]
        return loaded
    recent = (today - timedelta(days=7 * weeks + 7)).isoformat()
    out: RecentWeeks = {}
    days: dict[str, date] = {}  # the same few Mondays and latest days recur for every child: parsed once each
    driver = session.connection().connection.dbapi_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        rows = cursor.execute(
            "SELECT c.child_id, t.latest, c.week_start, c.week_id, c.codes FROM attendance_totals t "
            "JOIN attendance_codes c ON c.child_id = t.child_id "
            f"AND c.week_start > date(t.latest, '-{7 * weeks} days') AND c.week_start <= t.latest "
            f"WHERE t.latest >= :recent{_scope('t', dirty_only)} ORDER BY c.child_id, c.week_start",
            {"recent": recent},
        )
        for child_id, latest, monday, row_id, marks in rows:
            entry = out.get(child_id)
            if entry is None:
                entry = out[child_id] = (days.get(latest) or days.setdefault(latest, date.fromisoformat(latest)), [])
            entry[1].append((days.get(monday) or days.setdefault(monday, date.fromisoformat(monday)), row_id, marks))
    finally:
        cursor.close()
    session.info["alert_weeks"] = (weeks, today, dirty_only, out)
    return out


def window(loaded: RecentWeeks, weeks: int, today: date) -> Iterator[tuple[str, date, list[tuple[date, str, str]]]]:
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


def _tally(counted: set[str], absent: set[str]) -> dict[str, tuple[int, int]]:
    """A memo: a week's codes -> (possible sessions, absences) under these code sets."""

    class Tally(dict[str, tuple[int, int]]):
        def __missing__(self, marks: str) -> tuple[int, int]:
            split = marks.split(",")
            found = self[marks] = (sum(c in counted for c in split), sum(c in absent for c in split))
            return found

    return Tally()


def held_keys(session: Session) -> set[tuple[str, str, str]]:
    """(rule, child, period) of the alerts held, set by evaluation (`remember_held`): a finder skips working out
    the explanation and evidence of a hit already held, which is most of them once a day."""
    held: set[tuple[str, str, str]] = session.info.get("alert_held", set())
    return held


def remember_held(session: Session, keys: set[tuple[str, str, str]]) -> None:
    session.info["alert_held"] = keys


def warm(session: Session, rules: Iterable[Rule], today: date, dirty_only: bool) -> None:
    """Read the recent weeks once, as far back as the evaluation's attendance rules need."""
    needed = [_weeks_of(rule) for rule in rules if rule.kind in ("attendance_window", "consecutive_absences")]
    if needed:
        recent_weeks(session, max(needed), today, dirty_only)


def _weeks_of(rule: Rule) -> int:
    if rule.kind == "consecutive_absences":
        return int(rule.param("sessions", 6)) // 10 + 2
    return int(rule.param("weeks", 4))


def _limited_to(session: Session, rule: Rule, today: date) -> set[str] | None:
    """The children a rule limited to some (`only_for`: e.g. looked-after children) can fire for: those holding one
    of the statuses today; None when it is for every child. Read first, so no explanation is worked out for a child
    the rule would then leave out."""
    if not rule.only_for:
        return None
    sql = (
        "SELECT DISTINCT child_id FROM status_periods WHERE deleted = 0 "
        f"AND kind IN ({_quoted(rule.only_for)}) AND start_date <= :today AND (end_date IS NULL OR end_date >= :today)"
    )
    return {r[0] for r in session.execute(text(sql), {"today": today.isoformat()})}


def attendance_window(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    weeks = _weeks_of(rule)
    among = _limited_to(session, rule, today)
    at_least = rule.param("absent_sessions_at_least", None)
    below = rule.param("attendance_below_percent", None)
    counted, absent = _code_lists(bool(rule.param("unauthorised_only", False)))
    tally = _tally(counted, absent)
    held = held_keys(session)
    hits = []
    for child_id, latest, rows in window(recent_weeks(session, weeks, today, dirty_only), weeks, today):
        if among is not None and child_id not in among:
            continue
        missed = possible = 0
        for _, _, marks in rows:
            week = tally[marks]
            possible += week[0]
            missed += week[1]
        if not possible or not missed:
            continue
        rate = 100.0 * (possible - missed) / possible
        if (at_least is not None and missed < int(at_least)) or (below is not None and rate >= float(below)):
            continue
        period = _term_of(rows[-1][0])
        if (rule.id, child_id, period) in held:
            hits.append(Hit(child_id, period, latest, "", ()))  # held: nothing more to work out
            continue
        shown = [
            _session_evidence(monday + timedelta(days=offset), half, code, row_id)
            for monday, row_id, marks in rows
            for code, (offset, half) in zip(marks.split(","), _HALVES, strict=True)
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
        hits.append(Hit(child_id, period, met_on, summary, tuple(shown[-MAX_EVIDENCE:])))
    return hits


def consecutive_absences(session: Session, rule: Rule, today: date, dirty_only: bool) -> list[Hit]:
    """A run of marked sessions in a row, each with one of the codes; sessions that are not possible sessions (and
    unmarked ones) neither extend nor break a run. Only runs in the child's latest weeks are looked for."""
    needed = int(rule.param("sessions", 6))
    run_codes = set(rule.param("codes", ["N", "O"]))
    weeks = _weeks_of(rule)
    tally = _tally(run_codes, run_codes)
    among = _limited_to(session, rule, today)
    candidates = [
        (child_id, rows[0][0])
        for child_id, _, rows in window(recent_weeks(session, weeks, today, dirty_only), weeks, today)
        if (among is None or child_id in among) and sum(tally[marks][0] for _, _, marks in rows) >= needed
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
