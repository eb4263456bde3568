"""The records behind each risk-of-exclusion indicator, found set-based in SQL.

Each indicator kind (`casedesk.domain.risk.config`) becomes one SELECT whose rows are its evidence, in one shape:
(child, entity, row id, date, end date, code, extra, number). The same SELECT serves both uses, so the cohort and
a child's Overview can never disagree:

- `evidence`: the rows themselves, for one child (the Overview card lists exactly these);
- `present`: grouped by child in SQLite (`HAVING count(*) >= min_count`), all indicators in one statement, for
  the cohort over every child — never a query or a Python loop per child over everything.

Dates are compared as the ISO text the device stores (dates `YYYY-MM-DD`, moments ISO-8601 UTC).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from casedesk.domain.risk.config import Indicator
from casedesk.store import condition_sql


class EvidenceRow(NamedTuple):
    child_id: str
    entity: str
    row_id: str
    on: date
    until: date | None
    code: str | None
    extra: str | None
    number: int | None


Params = dict[str, Any]
_COLUMNS = "child_id, entity, row_id, on_day, until_day, code, extra, number"


def _in(name: str, values: Iterable[str], params: Params) -> str:
    """`(:name_0, :name_1…)` with the values bound (an empty list matches nothing)."""
    names = []
    for i, value in enumerate(values):
        params[f"{name}_{i}"] = value
        names.append(f":{name}_{i}")
    return f"({', '.join(names) or 'NULL'})"


def _since(ind: Indicator, today: date, p: str, params: Params) -> str:
    """The first day that counts (the far past when the indicator looks at every record)."""
    params[f"{p}since"] = (today - timedelta(days=ind.within_days)).isoformat() if ind.within_days else "0000-00-00"
    return f":{p}since"


def _absence(ind: Indicator, today: date, p: str, params: Params) -> str:
    params[f"{p}pa"] = float(ind.params.get("persistent_percent", 10))
    since = _since(ind, today, p, params)
    return f"""
        SELECT child_id, 'attendance' AS entity, child_id AS row_id, latest AS on_day, NULL AS until_day,
               CAST(academic_year AS TEXT) AS code, CAST(possible AS TEXT) AS extra, absent AS number
        FROM attendance_totals
        WHERE {condition_sql.persistent_absence("attendance_totals", f":{p}pa")} AND latest >= {since}"""


def _exclusions(ind: Indicator, today: date, p: str, params: Params) -> str:
    since = _since(ind, today, p, params)
    return f"""
        SELECT x.child_id, 'exclusions', x.id, x.first_day, NULL, x.kind, o.name, x.sessions
        FROM exclusions x LEFT JOIN organisations o ON o.id = x.school_id
        WHERE x.deleted = 0 AND x.kind IN {_in(p + "kind", ind.codes("exclusion_kinds"), params)}
          AND x.first_day >= {since} AND x.first_day <= :today"""


def _period_window(ind: Indicator, alias: str, p: str, today: date, params: Params) -> str:
    if ind.current_only:
        return f"{alias}.start_date <= :today AND ({alias}.end_date IS NULL OR {alias}.end_date >= :today)"
    since = _since(ind, today, p, params)
    return f"{alias}.start_date <= :today AND ({alias}.end_date IS NULL OR {alias}.end_date >= {since})"


def _statuses(ind: Indicator, today: date, p: str, params: Params) -> str:
    return f"""
        SELECT s.child_id, 'status_periods', s.id, s.start_date, s.end_date, s.kind, s.detail, NULL
        FROM status_periods s
        WHERE s.deleted = 0 AND s.kind IN {_in(p + "kind", ind.codes("statuses"), params)}
          AND {_period_window(ind, "s", p, today, params)}"""


def _sen_need(ind: Indicator, today: date, p: str, params: Params) -> str:
    needs = _in(p + "need", ind.codes("needs"), params)
    return f"""
        SELECT s.child_id, 'status_periods', s.id, s.start_date, s.end_date, s.kind, s.detail, NULL
        FROM status_periods s
        WHERE s.deleted = 0 AND s.kind IN ('sen_support', 'ehc_plan')
          AND (s.detail IN {needs} OR s.secondary_detail IN {needs})
          AND {_period_window(ind, "s", p, today, params)}
        UNION ALL
        SELECT e.child_id, 'ehc_plans', e.id, e.issued_on, e.ceased_on, 'ehc_plan',
               CASE WHEN e.primary_need IN {needs} THEN e.primary_need ELSE e.secondary_need END, NULL
        FROM ehc_plans e
        WHERE e.deleted = 0 AND e.issued_on IS NOT NULL AND e.issued_on <= :today
          AND (e.primary_need IN {needs} OR e.secondary_need IN {needs})
          AND (e.ceased_on IS NULL OR e.ceased_on >= :today)"""


def _moves(ind: Indicator, today: date, p: str, params: Params) -> str:
    since = _since(ind, today, p, params)
    sql = f"""
        SELECT n.child_id, 'enrolments', n.id, n.end_date, NULL, n.leaving_reason, o.name, NULL
        FROM enrolments n LEFT JOIN organisations o ON o.id = n.school_id
        WHERE n.deleted = 0 AND n.leaving_reason IN {_in(p + "why", ind.codes("leaving_reasons"), params)}
          AND n.end_date >= {since} AND n.end_date <= :today"""
    if ind.params.get("managed_moves", True):
        sql += f"""
        UNION ALL
        SELECT m.child_id, 'managed_moves', m.id, m.start_date, m.outcome_date, m.outcome, o.name, NULL
        FROM managed_moves m LEFT JOIN organisations o ON o.id = m.host_school_id
        WHERE m.deleted = 0 AND m.start_date >= {since} AND m.start_date <= :today"""
    return sql


def _provisions(ind: Indicator, today: date, p: str, params: Params) -> str:
    if ind.current_only:
        window = "v.start_date <= :today AND (v.end_date IS NULL OR v.end_date >= :today)"
    else:
        window = f"v.start_date <= :today AND (v.end_date IS NULL OR v.end_date >= {_since(ind, today, p, params)})"
    return f"""
        SELECT v.child_id, 'provisions', v.id, v.start_date, v.planned_end_date, v.kind, v.provider,
               v.sessions_per_week
        FROM provisions v
        WHERE v.deleted = 0 AND v.kind IN {_in(p + "kind", ind.codes("provision_kinds"), params)} AND {window}"""


def _youth_justice(ind: Indicator, today: date, p: str, params: Params) -> str:
    """Outcomes, the status, and police contacts or arrests (found through the events' kind-and-date index: the
    moments are ISO text, so whole-day bounds compare as text)."""
    since = _since(ind, today, p, params)
    params["tomorrow"] = (today + timedelta(days=1)).isoformat()
    parts = [
        f"""
        SELECT y.child_id, 'youth_justice_outcomes', y.id, y.outcome_on, y.end_date, y.kind, y.offence, NULL
        FROM youth_justice_outcomes y
        WHERE y.deleted = 0 AND y.outcome_on >= {since} AND y.outcome_on <= :today"""
    ]
    if ind.codes("statuses"):
        parts.append(_statuses(ind, today, p, params))
    if ind.codes("event_kinds"):
        kinds = _in(p + "ev", ind.codes("event_kinds"), params)
        parts.append(f"""
        SELECT e.child_id, 'events', e.id, substr(e.occurred_at, 1, 10), NULL, e.kind, e.summary, NULL
        FROM events e
        WHERE {condition_sql.police_contact("e", kinds, since, ":tomorrow")}""")
    return "\n        UNION ALL".join(parts)


def _needs_check(ind: Indicator, today: date, p: str, params: Params) -> str:
    """The child's latest recorded needs check, when it is at the level or scores one of the domains."""
    since = _since(ind, today, p, params)
    params[f"{p}level"] = int(ind.params.get("min_level", 3))
    domains = _in(p + "dom", ind.codes("domains"), params)
    scored = "FROM json_each(t.outcome, '$.domains') d WHERE CAST(json_extract(d.value, '$.score') AS REAL) > 0"
    return f"""
        SELECT t.child_id, 'triage_results', t.id, substr(t.completed_at, 1, 10), NULL, CAST(t.level AS TEXT),
               (SELECT group_concat(json_extract(d.value, '$.name'), '; ') {scored}), NULL
        FROM triage_results t
        WHERE t.deleted = 0 AND t.state = 'complete' AND substr(t.completed_at, 1, 10) >= {since}
          AND t.completed_at = (SELECT max(l.completed_at) FROM triage_results l
                                WHERE l.child_id = t.child_id AND l.deleted = 0 AND l.state = 'complete')
          AND (t.level >= :{p}level
               OR EXISTS (SELECT 1 {scored} AND json_extract(d.value, '$.id') IN {domains}))"""


KINDS: dict[str, Callable[[Indicator, date, str, Params], str]] = {
    "absence": _absence,
    "exclusions": _exclusions,
    "statuses": _statuses,
    "sen_need": _sen_need,
    "moves": _moves,
    "provisions": _provisions,
    "youth_justice": _youth_justice,
    "needs_check": _needs_check,
}


def _select(ind: Indicator, today: date, index: int, params: Params) -> str:
    """The indicator's evidence rows for every child (a tombstoned child's rows too: `evidence` asks for a live
    child and the cohort builds rows only for live ones). A union takes its column names from its first SELECT,
    so an empty one with the names leads it."""
    inner = KINDS[ind.kind](ind, today, f"i{index}_", params)
    names = ", ".join(f"NULL AS {name}" for name in _COLUMNS.split(", "))
    return f"SELECT {_COLUMNS} FROM (SELECT {names} WHERE 0 UNION ALL {inner})"


def evidence(
    session: Session, indicators: Iterable[Indicator], child_id: str, today: date
) -> dict[str, list[EvidenceRow]]:
    """Indicator id → this child's evidence rows, oldest first (an indicator short of its `min_count` is left out)."""
    out: dict[str, list[EvidenceRow]] = {}
    for index, ind in enumerate(indicators):
        params: Params = {"today": today.isoformat(), "child": child_id}
        sql = f"SELECT * FROM ({_select(ind, today, index, params)}) WHERE child_id = :child ORDER BY on_day, row_id"
        rows = [
            EvidenceRow(
                r.child_id,
                r.entity,
                r.row_id,
                date.fromisoformat(r.on_day),
                date.fromisoformat(r.until_day) if r.until_day else None,
                r.code,
                r.extra,
                r.number,
            )
            for r in session.execute(text(sql), params)
            if r.on_day
        ]
        if len(rows) >= ind.min_count:
            out[ind.id] = rows
    return out


def present(session: Session, indicators: Iterable[Indicator], today: date) -> dict[str, list[str]]:
    """Child id → the ids of the indicators present, for every live child, in one statement grouped in SQLite."""
    params: Params = {"today": today.isoformat()}
    parts = []
    for index, ind in enumerate(indicators):
        params[f"n{index}"] = ind.min_count
        params[f"id{index}"] = ind.id
        parts.append(
            f"SELECT :id{index} AS indicator, child_id FROM ({_select(ind, today, index, params)}) "
            f"WHERE on_day IS NOT NULL GROUP BY child_id HAVING count(*) >= :n{index}"
        )
    if not parts:
        return {}
    found: dict[str, list[str]] = {}
    for indicator, child_id in session.execute(text(" UNION ALL ".join(parts)), params):
        found.setdefault(child_id, []).append(indicator)
    return found


def statutory_support(session: Session, kinds: Iterable[str], today: date) -> dict[str, set[str]]:
    """Child id → the statutory support held today (status kinds; an issued, unceased EHC plan counts as one)."""
    params: Params = {"today": today.isoformat()}
    wanted = list(kinds)
    sql = f"""
        SELECT child_id, kind FROM status_periods
        WHERE deleted = 0 AND kind IN {_in("kind", wanted, params)}
          AND start_date <= :today AND (end_date IS NULL OR end_date >= :today)"""
    if "ehc_plan" in wanted:
        sql += """
        UNION ALL SELECT child_id, 'ehc_plan' FROM ehc_plans
        WHERE deleted = 0 AND issued_on IS NOT NULL AND issued_on <= :today
          AND (ceased_on IS NULL OR ceased_on >= :today)"""
    found: dict[str, set[str]] = {}
    for child_id, kind in session.execute(text(sql), params):
        found.setdefault(child_id, set()).add(kind)
    return found


class ChildBasics(NamedTuple):
    id: str
    name: str  # preferred (or given) name and family name
    date_of_birth: str  # as stored: ISO text
    school_id: str | None
    school: str | None
    family_name: str


def children_basics(session: Session) -> list[ChildBasics]:
    """Every live child with the few columns the cohort shows."""
    sql = """
        SELECT c.id, coalesce(c.preferred_name, c.given_name) || ' ' || c.family_name, c.date_of_birth,
               c.current_school_id, o.name, c.family_name
        FROM children c LEFT JOIN organisations o ON o.id = c.current_school_id AND o.deleted = 0
        WHERE c.deleted = 0"""
    return [ChildBasics(*r) for r in session.execute(text(sql))]
