"""The cliff-edge cohort over time: at the end of each month, how many children held several risk-of-exclusion
indicators and no statutory support (the area's own rule, as the device's cohort page applies it), and at the
period's end by school and year group.

Each child's days on the edge and days with statutory support are kept as spans (`cliff_spans`, caught up with
the other facts), so a report reads only the spans that reach into the period, never every child's records: the
month-by-month table counts the children whose edge spans cover each month's end (those whose support spans cover
it too are the second column). The three tables print the same count (the children on the edge at the period's
end, as a cell of the first and the totals of the others) and are protected together.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import Connection, and_, select

from casedesk.domain.disclosure_joint import Part
from casedesk.domain.risk.config import bundled_config
from casedesk.server.reports import cliff_spans
from casedesk.server.reports.education import _year_order, year_label
from casedesk.server.reports.model import OWN, SCHOOL, Audience, Dashboard, Period, Spec, linked, month_label
from casedesk.server.reports.query import child, fact, ordered_labels, organisation_names, school_label

TITLE = "The cliff-edge cohort over time"


def month_ends(period: Period) -> list[date]:
    out = []
    for month in period.months:
        year, number = int(month[:4]), int(month[5:])
        out.append(min(date(year, number, calendar.monthrange(year, number)[1]), period.end))
    return out


def _mask(ends: list[date], start: date, end: date) -> int:
    """The month ends within [start, end], as bits."""
    low, high = bisect_left(ends, start), bisect_right(ends, end)
    return ((1 << high) - 1) & ~((1 << low) - 1)


def build(conn: Connection, period: Period, audience: Audience) -> Dashboard:
    config = bundled_config()
    ends = month_ends(period)
    joined = fact.join(child, and_(child.c.entity == "children", child.c.row_id == fact.c.child_id))
    stmt = (
        select(fact.c.child_id, fact.c.kind, fact.c.on_day, fact.c.until_day, child.c.school_id, child.c.on_day)
        .select_from(joined)
        .where(
            fact.c.entity == cliff_spans.ENTITY,
            fact.c.on_day <= ends[-1].isoformat(),
            fact.c.until_day >= ends[0].isoformat(),
        )
    )
    if audience.scope == SCHOOL:
        stmt = stmt.where(child.c.school_id == audience.org_id)
    elif audience.scope == OWN:
        stmt = stmt.where(child.c.org_id == audience.org_id)
    edge: dict[str, int] = defaultdict(int)
    support: dict[str, int] = defaultdict(int)
    about: dict[str, tuple[str | None, str | None]] = {}
    for child_id, kind, start, end, school, born in conn.execute(stmt):
        bits = _mask(ends, date.fromisoformat(start), date.fromisoformat(end))
        if kind == cliff_spans.EDGE:
            edge[child_id] |= bits
            about[child_id] = (school, born)
        else:
            support[child_id] |= bits
    on_edge: list[Counter[str]] = [Counter() for _ in ends]
    names = organisation_names(conn)
    last_school: Counter[str] = Counter()
    last_year: Counter[str] = Counter()
    last = len(ends) - 1
    for child_id, bits in edge.items():
        held = support.get(child_id, 0)
        for i in range(len(ends)):
            if not (bits >> i) & 1:
                continue
            supported = bool((held >> i) & 1)
            on_edge[i]["supported" if supported else "edge"] += 1
            if i == last and not supported:
                school, born = about[child_id]
                last_school[school_label(names, school)] += 1
                last_year[year_label(born, ends[i])] += 1
    schools, years = ordered_labels(last_school), sorted(last_year, key=_year_order)
    need, statutory = config.cliff_edge.min_indicators, sorted(config.cliff_edge.statutory_support)
    sections = linked(
        [
            Spec(
                "cohort_by_month",
                "Children on the cliff edge at the end of each month",
                "line",
                Part(
                    [[c["edge"], c["supported"]] for c in on_edge],
                    [month_label(m) for m in period.months],
                    ["On the cliff edge", "As many indicators, with statutory support"],
                    column_totals=False,
                ),
                note=f"On the cliff edge: {need} or more indicators and no statutory support "
                f"({', '.join(s.replace('_', ' ') for s in statutory)}) on the day.",
            ),
            Spec(
                "cohort_by_school",
                f"On the cliff edge on {ends[-1]:%d %b %Y}, by school",
                "bar",
                Part([[last_school[s]] for s in schools], schools, ["Children"], row_totals=False),
            ),
            Spec(
                "cohort_by_year",
                f"On the cliff edge on {ends[-1]:%d %b %Y}, by year group",
                "bar",
                Part([[last_year[y]] for y in years], years, ["Children"], row_totals=False),
            ),
        ],
        # the children on the edge at the period's end: a cell of the first table, the total of the others
        [[("cohort_by_month", (last, 0)), ("cohort_by_school", (-1, 0)), ("cohort_by_year", (-1, 0))]],
    )
    return Dashboard("cliff_edge", TITLE, period, audience, tuple(sections))
