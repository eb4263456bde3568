"""The cliff-edge cohort over time: at the end of each month, how many children held several risk-of-exclusion
indicators and no statutory support (the area's own rule, `resources/risk/indicators.json`, as the device's cohort
page applies it), and at the period's end by school and year group.

Each indicator becomes, per child, the spans of days on which a record makes it present (a suspension counts for
`within_days` after it, a status period while it runs and `within_days` after it ends); a month's end counts the
spans over it. From the server's records: absence, exclusions, statuses and SEN need, school moves, provision and
needs checks. Youth-justice outcomes, police contacts and EHC plan records are not counted here yet (the status
periods for youth justice and EHC plans are).
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from casedesk.domain.attendance.summary import academic_year_of
from casedesk.domain.risk.config import Indicator, bundled_config
from casedesk.server.reports.education import _year_order, year_label
from casedesk.server.reports.model import Audience, Dashboard, Period, Section, month_label, section
from casedesk.server.reports.query import fact, ordered_labels, organisation_names, school_label, scoped

TITLE = "The cliff-edge cohort over time"
FOREVER = date.max
Span = tuple[date, date]


def month_ends(period: Period) -> list[date]:
    out = []
    for month in period.months:
        year, number = int(month[:4]), int(month[5:])
        out.append(min(date(year, number, calendar.monthrange(year, number)[1]), period.end))
    return out


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _after(day: date, days: int | None) -> date:
    if days is None:
        return FOREVER
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return FOREVER


def build(conn: Connection, period: Period, audience: Audience) -> Dashboard:
    config = bundled_config()
    stmt = scoped(
        select(fact.c.row_id, fact.c.school_id, fact.c.on_day).where(fact.c.entity == "children"),
        audience,
        fact.c.school_id,
    )
    held = {row_id: (school, dob) for row_id, school, dob in conn.execute(stmt)}
    ends = month_ends(period)
    spans: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    support: dict[str, list[Span]] = defaultdict(list)
    rows = _rows(conn, period)
    for ind in config.indicators:
        for child_id, span in _spans(ind, rows, ends):
            if child_id in held:
                spans[child_id][ind.id].append(span)
    statutory = set(config.cliff_edge.statutory_support)
    for child_id, kind, _detail, start, end in rows["status_periods"]:
        if kind in statutory and child_id in held and start:
            support[child_id].append((start, end or FOREVER))
    need = config.cliff_edge.min_indicators
    minimum = {ind.id: ind.min_count for ind in config.indicators}
    on_edge: list[Counter[str]] = [Counter() for _ in ends]
    names = organisation_names(conn)
    last_school: Counter[str] = Counter()
    last_year: Counter[str] = Counter()
    for child_id, by_indicator in spans.items():
        if len(by_indicator) < need:
            continue
        for i, day in enumerate(ends):
            present = sum(
                1
                for ind_id, found in by_indicator.items()
                if sum(1 for a, b in found if a <= day <= b) >= minimum[ind_id]
            )
            if present < need:
                continue
            supported = any(a <= day <= b for a, b in support.get(child_id, ()))
            on_edge[i]["supported" if supported else "edge"] += 1
            if i == len(ends) - 1 and not supported:
                school, dob = held[child_id]
                last_school[school_label(names, school)] += 1
                last_year[year_label(dob, day)] += 1
    schools, years = ordered_labels(last_school), sorted(last_year, key=_year_order)
    sections: list[Section] = [
        section(
            "cohort_by_month",
            "Children on the cliff edge at the end of each month",
            "line",
            [[c["edge"], c["supported"]] for c in on_edge],
            [month_label(m) for m in period.months],
            ["On the cliff edge", "As many indicators, with statutory support"],
            column_totals=False,
            note=f"On the cliff edge: {need} or more indicators and no statutory support "
            f"({', '.join(s.replace('_', ' ') for s in sorted(statutory))}) on the day.",
        ),
        section(
            "cohort_by_school",
            f"On the cliff edge on {ends[-1]:%d %b %Y}, by school",
            "bar",
            [[last_school[s]] for s in schools],
            schools,
            ["Children"],
            row_totals=False,
        ),
        section(
            "cohort_by_year",
            f"On the cliff edge on {ends[-1]:%d %b %Y}, by year group",
            "bar",
            [[last_year[y]] for y in years],
            years,
            ["Children"],
            row_totals=False,
        ),
    ]
    return Dashboard("cliff_edge", TITLE, period, audience, tuple(sections))


Rows = dict[str, list[tuple[Any, ...]]]


def _rows(conn: Connection, period: Period) -> Rows:
    """What the indicators read: each entity's (child, kind, detail, start, end) up to the period's end, and
    each child's possible and missed sessions month by month from the academic year the period starts in."""
    end = period.end.isoformat()
    out: Rows = {}
    for entity in ("exclusions", "status_periods", "managed_moves", "enrolments", "provisions"):
        result = conn.execute(
            select(fact.c.child_id, fact.c.kind, fact.c.detail, fact.c.on_day, fact.c.until_day).where(
                fact.c.entity == entity, fact.c.on_day <= end
            )
        )
        out[entity] = [(c, k, d, _d(a), _d(b)) for c, k, d, a, b in result]
    checks = conn.execute(
        select(fact.c.child_id, fact.c.level, fact.c.extra, fact.c.on_day).where(
            fact.c.entity == "triage_results", fact.c.on_day <= end
        )
    )
    out["triage_results"] = sorted(
        ((c, lv, ex, _d(a)) for c, lv, ex, a in checks), key=lambda r: (r[0], r[3] or date.min)
    )
    first = date(academic_year_of(period.start), 9, 1).isoformat()
    month = func.substr(fact.c.on_day, 1, 7)
    sums = conn.execute(
        select(fact.c.child_id, month, func.sum(fact.c.n1), func.sum(fact.c.n2))
        .where(fact.c.entity == "attendance_weeks", fact.c.on_day.between(first, end))
        .group_by(fact.c.child_id, month)
    )
    out["attendance"] = [(c, m, int(p or 0), int(a or 0)) for c, m, p, a in sums]
    return out


def _spans(ind: Indicator, rows: Rows, ends: list[date]) -> list[tuple[str, Span]]:
    """(child, span of days on which this record makes the indicator present) for every record it counts."""
    within = ind.within_days
    out: list[tuple[str, Span]] = []
    if ind.kind == "exclusions":
        kinds = set(ind.codes("exclusion_kinds"))
        out = [(c, (a, _after(a, within))) for c, k, _, a, _ in rows["exclusions"] if k in kinds and a]
    elif ind.kind in ("statuses", "youth_justice", "sen_need"):
        if ind.kind == "sen_need":
            needs = set(ind.codes("needs"))
            chosen = [r for r in rows["status_periods"] if r[1] in ("sen_support", "ehc_plan") and r[2] in needs]
        else:
            kinds = set(ind.codes("statuses"))
            chosen = [r for r in rows["status_periods"] if r[1] in kinds]
        out = [(c, _period(a, b, ind)) for c, _, _, a, b in chosen if a]
    elif ind.kind == "provisions":
        kinds = set(ind.codes("provision_kinds"))
        out = [(c, _period(a, b, ind)) for c, k, _, a, b in rows["provisions"] if k in kinds and a]
    elif ind.kind == "moves":
        reasons = set(ind.codes("leaving_reasons"))
        out = [(c, (b, _after(b, within))) for c, k, _, _, b in rows["enrolments"] if k in reasons and b]
        if ind.params.get("managed_moves", True):
            out += [(c, (a, _after(a, within))) for c, _, _, a, _ in rows["managed_moves"] if a]
    elif ind.kind == "needs_check":
        out = _needs_check_spans(ind, rows["triage_results"])
    elif ind.kind == "absence":
        out = _absence_spans(ind, rows["attendance"], ends)
    return out


def _period(start: date, end: date | None, ind: Indicator) -> Span:
    if end is None:
        return (start, FOREVER)
    return (start, end if ind.current_only else _after(end, ind.within_days))


def _needs_check_spans(ind: Indicator, checks: list[tuple[Any, ...]]) -> list[tuple[str, Span]]:
    """A child's latest check counts from its day until the next check (or `within_days`), when it is at the level
    or flags one of the domains."""
    level, domains = int(ind.params.get("min_level", 3)), set(ind.codes("domains"))
    out = []
    for i, (child_id, lv, extra, day) in enumerate(checks):
        if day is None:
            continue
        following = checks[i + 1] if i + 1 < len(checks) and checks[i + 1][0] == child_id else None
        until = _after(day, ind.within_days)
        if following is not None and following[3] is not None:
            until = min(until, following[3] - timedelta(days=1))
        flagged = set(extra) if isinstance(extra, list) else set()
        if ((lv or 0) >= level or flagged & domains) and until >= day:
            out.append((child_id, (day, until)))
    return out


def _absence_spans(ind: Indicator, months: list[tuple[Any, ...]], ends: list[date]) -> list[tuple[str, Span]]:
    """Persistent absence over the academic year to date, judged at each month's end: present on that day only."""
    share = float(ind.params.get("persistent_percent", 10))
    by_child: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for child_id, month, possible, missed in months:
        by_child[child_id].append((month, possible, missed))
    out = []
    keys = [f"{d:%Y-%m}" for d in ends]
    for child_id, found in by_child.items():
        found.sort()
        labels = [m for m, _, _ in found]
        for day, key in zip(ends, keys, strict=True):
            first = f"{academic_year_of(day)}-09"
            upto = found[: bisect_right(labels, key)]
            possible = sum(p for m, p, _ in upto if m >= first)
            missed = sum(a for m, _, a in upto if m >= first)
            if possible and missed * 100.0 >= share * possible:
                out.append((child_id, (day, day)))
    return out
