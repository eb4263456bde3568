"""The cliff-edge cohort over time: at the end of each month, how many children held several risk-of-exclusion
indicators and no statutory support (the area's own rule, `resources/risk/indicators.json`, as the device's cohort
page applies it: `casedesk.store.risk_repo`), and at the period's end by school and year group.

Each indicator becomes, per child, the spans of days on which a record makes it present (a suspension counts for
`within_days` after it, a status period while it runs and `within_days` after it ends); a month's end counts the
spans over it. From the server's records, the same ones the device reads: absence, exclusions, statuses and SEN
needs (primary or secondary, on status periods and EHC plans), school moves, provision, needs checks, youth-justice
outcomes and police contacts or arrests (an amended entry by its latest version); an issued EHC plan not ceased is
statutory support, as an EHC plan status is.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, literal_column, or_, select

from casedesk.domain.risk.config import Indicator, bundled_config
from casedesk.server.reports import attendance_months
from casedesk.server.reports.education import _year_order, year_label
from casedesk.server.reports.extract import POLICE_KINDS, tag_list
from casedesk.server.reports.model import Audience, Dashboard, Period, Section, month_label, section
from casedesk.server.reports.query import fact, ordered_labels, organisation_names, school_label, scoped

TITLE = "The cliff-edge cohort over time"
# The records the indicators read as (child, kind, tags, start, end); police events and needs checks apart.
ENTITIES = (
    "exclusions",
    "status_periods",
    "managed_moves",
    "enrolments",
    "provisions",
    "youth_justice_outcomes",
    "ehc_plans",
)
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
    horizon = max((ind.within_days or 0) for ind in config.indicators)
    rows = _rows(conn, period, horizon)
    # per child and indicator, the month ends (bit i: ends[i]) on which the indicator is present
    present: dict[str, dict[str, int]] = defaultdict(dict)
    for ind in config.indicators:
        # absence: persistent (10% or more, the DfE's measure) over the academic year to each month's end
        masks = _absent(conn, period) if ind.kind == "absence" else _masks(ind, rows, ends)
        for child_id, mask in masks.items():
            if child_id in held and mask:
                present[child_id][ind.id] = mask
    statutory = set(config.cliff_edge.statutory_support)
    support: dict[str, int] = defaultdict(int)
    for child_id, kind, _tags, start, end in (*rows["status_periods"], *rows["ehc_plans"]):
        if kind in statutory and start:
            support[child_id] |= _mask(ends, start, end or FOREVER)
    need = config.cliff_edge.min_indicators
    on_edge: list[Counter[str]] = [Counter() for _ in ends]
    names = organisation_names(conn)
    last_school: Counter[str] = Counter()
    last_year: Counter[str] = Counter()
    last = len(ends) - 1
    for child_id, by_indicator in present.items():
        if len(by_indicator) < need:
            continue
        enough = _at_least(list(by_indicator.values()), need)
        for i in range(len(ends)):
            if not (enough >> i) & 1:
                continue
            supported = bool((support.get(child_id, 0) >> i) & 1)
            on_edge[i]["supported" if supported else "edge"] += 1
            if i == last and not supported:
                school, dob = held[child_id]
                last_school[school_label(names, school)] += 1
                last_year[year_label(dob, ends[i])] += 1
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


def _rows(conn: Connection, period: Period, horizon: int) -> Rows:
    """What the indicators read: each entity's (child, kind, detail, start, end) up to the period's end that can
    still count within `horizon` days before its start, and each child's possible and missed sessions month by
    month from the academic year the period starts in."""
    end = period.end.isoformat()
    earliest = (period.start - timedelta(days=horizon)).isoformat()
    out: Rows = {}
    for entity in ENTITIES:
        stmt = select(fact.c.child_id, fact.c.kind, fact.c.tags, fact.c.on_day, fact.c.until_day).where(
            fact.c.entity == entity, fact.c.on_day <= end
        )
        if entity == "enrolments":
            stmt = stmt.where(fact.c.until_day >= earliest)  # a school left long ago is no recent move
        elif entity in ("exclusions", "managed_moves", "youth_justice_outcomes"):  # counted from the day
            stmt = stmt.where(fact.c.on_day >= earliest)
        else:
            stmt = stmt.where(or_(fact.c.until_day.is_(None), fact.c.until_day >= earliest))
        out[entity] = [(c, k, d, _d(a), _d(b)) for c, k, d, a, b in conn.execute(stmt).all()]
    config = bundled_config()
    check = next((i for i in config.indicators if i.kind == "needs_check"), None)
    flagged: Any = literal_column("0") == literal_column("1")
    if check is not None:
        flagged = or_(
            fact.c.level >= int(check.params.get("min_level", 3)),
            *(fact.c.tags.like(f"%,{code},%") for code in check.codes("domains")),
        )
    checks = conn.execute(
        select(fact.c.child_id, fact.c.on_day, flagged)
        .where(fact.c.entity == "triage_results", fact.c.on_day <= end, fact.c.on_day >= earliest)
        .order_by(fact.c.child_id, fact.c.on_day)
    ).all()
    out["triage_results"] = [(c, _d(a), bool(f)) for c, a, f in checks]
    out["events"] = _police(conn, earliest, end)
    return out


def _police(conn: Connection, earliest: str, end: str) -> list[tuple[Any, ...]]:
    """Police contacts and arrests, each by its latest version: an entry another amends is left out, and the
    amending entry counts when it is itself a contact or an arrest (as `condition_sql.police_contact`)."""
    rows = conn.execute(
        select(fact.c.row_id, fact.c.child_id, fact.c.kind, fact.c.on_day, fact.c.other_id).where(
            fact.c.entity == "events", fact.c.on_day <= end
        )
    ).all()
    amended = {other for *_, other in rows if other}
    return [
        (child, kind, None, _d(day), None)
        for row_id, child, kind, day, _ in rows
        if row_id not in amended and kind in POLICE_KINDS and day and day >= earliest
    ]


def _absent(conn: Connection, period: Period) -> dict[str, int]:
    """Child → the months of the period at whose end the child was persistently absent over the academic year so
    far (kept per child and month by `attendance_months`, so only those months are read)."""
    months = {m: i for i, m in enumerate(period.months)}
    rows = conn.execute(
        select(fact.c.child_id, fact.c.on_day).where(
            fact.c.entity == attendance_months.ENTITY,
            fact.c.on_day.between(f"{period.months[0]}-01", period.end.isoformat()),
            fact.c.kind.in_(("persistent", "severe")),
        )
    ).all()
    out: dict[str, int] = defaultdict(int)
    for child_id, day in rows:
        if day[:7] in months:
            out[child_id] |= 1 << months[day[:7]]
    return out


def _at_least(masks: list[int], need: int) -> int:
    """The bits set in at least `need` of the masks (counting bit by bit, all bits at once)."""
    held = [0] * (need + 1)  # held[k]: bits set in at least k masks so far
    held[0] = -1
    for bits in masks:
        for k in range(need, 0, -1):
            held[k] |= held[k - 1] & bits
    return held[need]


def _mask(ends: list[date], start: date, end: date) -> int:
    """The month ends within [start, end], as bits."""
    low, high = bisect_left(ends, start), bisect_right(ends, end)
    return ((1 << high) - 1) & ~((1 << low) - 1)


def _masks(ind: Indicator, rows: Rows, ends: list[date]) -> dict[str, int]:
    """Child → the month ends on which this indicator is present (at least `min_count` of its records count)."""
    found: dict[str, list[int]] = defaultdict(list)
    for child_id, (start, end) in _spans(ind, rows, ends):
        bits = _mask(ends, start, end)
        if bits:
            found[child_id].append(bits)
    if ind.min_count <= 1:
        out = {}
        for child_id, masks in found.items():
            combined = 0
            for bits in masks:
                combined |= bits
            out[child_id] = combined
        return out
    return {
        child_id: sum(1 << i for i in range(len(ends)) if sum((m >> i) & 1 for m in masks) >= ind.min_count)
        for child_id, masks in found.items()
    }


def _spans(ind: Indicator, rows: Rows, ends: list[date]) -> list[tuple[str, Span]]:
    """(child, span of days on which this record makes the indicator present) for every record it counts."""
    within = ind.within_days
    out: list[tuple[str, Span]] = []
    if ind.kind == "exclusions":
        kinds = set(ind.codes("exclusion_kinds"))
        out = [(c, (a, _after(a, within))) for c, k, _, a, _ in rows["exclusions"] if k in kinds and a]
    elif ind.kind in ("statuses", "youth_justice", "sen_need"):
        by_kind = _by_kind(rows)
        if ind.kind == "sen_need":
            needs = set(ind.codes("needs"))
            held = [r for k in ("sen_support", "ehc_plan") for r in by_kind.get(k, ()) if needs & set(tag_list(r[2]))]
            out = [(c, _period(a, b, ind)) for c, _, _, a, b in held if a]
            plans = [r for r in rows["ehc_plans"] if needs & set(tag_list(r[2]))]
            out += [(c, (a, b or FOREVER)) for c, _, _, a, b in plans if a]  # a plan while it is in force
        else:
            chosen = [r for k in ind.codes("statuses") for r in by_kind.get(k, ())]
            out = [(c, _period(a, b, ind)) for c, _, _, a, b in chosen if a]
        if ind.kind == "youth_justice":
            out += [(c, (a, _after(a, within))) for c, _, _, a, _ in rows["youth_justice_outcomes"] if a]
            kinds = set(ind.codes("event_kinds"))
            out += [(c, (a, _after(a, within))) for c, k, _, a, _ in rows["events"] if k in kinds and a]
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
    return out


def _by_kind(rows: Rows) -> dict[str, list[tuple[Any, ...]]]:
    """The status periods by kind, grouped once (several indicators read them)."""
    if "status_periods_by_kind" not in rows:
        grouped: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for row in rows["status_periods"]:
            grouped[row[1]].append(row)
        rows["status_periods_by_kind"] = [(kind, found) for kind, found in grouped.items()]
    return dict(rows["status_periods_by_kind"])


def _period(start: date, end: date | None, ind: Indicator) -> Span:
    if end is None:
        return (start, FOREVER)
    return (start, end if ind.current_only else _after(end, ind.within_days))


def _needs_check_spans(ind: Indicator, checks: list[tuple[Any, ...]]) -> list[tuple[str, Span]]:
    """A child's latest check counts from its day until the next check (or `within_days`), when it is at the level
    or flags one of the domains (`flagged`, worked out by the database). `checks` are in child and day order."""
    out = []
    for i, (child_id, day, flagged) in enumerate(checks):
        if day is None or not flagged:
            continue
        until = _after(day, ind.within_days)
        following = checks[i + 1] if i + 1 < len(checks) and checks[i + 1][0] == child_id else None
        if following is not None and following[1] is not None:
            until = min(until, following[1] - timedelta(days=1))
        if until >= day:
            out.append((child_id, (day, until)))
    return out
