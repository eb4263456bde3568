"""Each child's days on the cliff edge, kept as facts so the cohort over time reads only those.

The area's rule (`resources/risk/indicators.json`, as the device's cohort applies it: `casedesk.store.risk_repo`):
a child is on the cliff edge on a day when `min_indicators` or more risk-of-exclusion indicators are present that
day and no statutory support is. From a child's facts, each indicator becomes the spans of days a record makes it
present (a suspension counts for `within_days` after it, a status period while it runs and `within_days` after it
ends, a month persistently absent over the academic year so far for that month's days, a needs check until the
next one); the days on which enough overlap are the child's `edge` spans, the days with statutory support its
`support` spans. The records read: absence (the attendance months), exclusions, statuses and SEN needs (primary or
secondary, on status periods and EHC plans), school moves, provision, needs checks, youth-justice outcomes and
police contacts or arrests (an amended entry by its latest version); an issued EHC plan not ceased is statutory
support, as an EHC plan status is.

Spans depend on nothing but the child's facts, so `facts` rebuilds them for the children whose records a catch-up
touched, in the same step, and the dashboard (`cliff_edge`) counts the spans over each month's end.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from casedesk.domain.risk.config import Indicator, RiskConfig, bundled_config
from casedesk.server.db import report_facts
from casedesk.server.reports import attendance_months
from casedesk.server.reports.extract import POLICE_KINDS, tag_list

ENTITY = "cliff_spans"
EDGE, SUPPORT = "edge", "support"
# The facts the rule reads; a change to any of them changes the child's spans.
SOURCES = (
    "exclusions",
    "status_periods",
    "managed_moves",
    "enrolments",
    "provisions",
    "youth_justice_outcomes",
    "ehc_plans",
    "events",
    "triage_results",
    attendance_months.ENTITY,
)
FOREVER = date.max
_NAMESPACE = uuid.UUID("8d3b7c1e-2f4a-4c55-9e0d-6a1f2b3c4d5e")
_CHUNK = 500
Row = tuple[Any, ...]  # (kind, tags, start, end, row_id, other_id, level) of one fact
Span = tuple[date, date]  # both days included
f = report_facts


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _after(day: date, days: int | None) -> date:
    if days is None:
        return FOREVER
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return FOREVER


def rebuild(conn: Connection, child_ids: Iterable[str], config: RiskConfig | None = None) -> None:
    """Replace the spans of these children with ones worked out from their facts now."""
    config = config or bundled_config()
    ids = sorted({c for c in child_ids if c})
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(delete(f).where(f.c.entity == ENTITY, f.c.child_id.in_(chunk)))
        rows = conn.execute(
            select(
                f.c.child_id,
                f.c.entity,
                f.c.kind,
                f.c.tags,
                f.c.on_day,
                f.c.until_day,
                f.c.row_id,
                f.c.other_id,
                f.c.level,
            )
            .where(f.c.child_id.in_(chunk), f.c.entity.in_(SOURCES))
            .order_by(f.c.child_id, f.c.on_day)
        ).all()
        by_child: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for child_id, entity, kind, tags, on_day, until_day, row_id, other_id, level in rows:
            by_child[child_id][entity].append((kind, tags, _d(on_day), _d(until_day), row_id, other_id, level))
        batch = []
        for child_id, facts in by_child.items():
            edge, support = child_spans(config, facts)
            for kind, spans in ((EDGE, edge), (SUPPORT, support)):
                for a, b in spans:
                    batch.append(_fact(child_id, kind, a, b))
        if batch:
            conn.execute(insert(f), batch)


def _fact(child_id: str, kind: str, start: date, end: date) -> dict[str, Any]:
    fact: dict[str, Any] = {c.name: None for c in f.columns}
    fact.update(
        entity=ENTITY,
        row_id=str(uuid.uuid5(_NAMESPACE, f"{child_id}:{kind}:{start}")),
        child_id=child_id,
        kind=kind,
        on_day=start.isoformat(),
        until_day=end.isoformat(),
    )
    return fact


def child_spans(config: RiskConfig, facts: dict[str, list[Row]]) -> tuple[list[Span], list[Span]]:
    """(the days on the edge: enough indicators at once, the days with statutory support) of one child."""
    present = [_at_least(_spans(ind, facts), ind.min_count) for ind in config.indicators]
    edge = _at_least([s for spans in present for s in spans], config.cliff_edge.min_indicators)
    statutory = set(config.cliff_edge.statutory_support)
    held = [
        (a, b or FOREVER) for k, _, a, b, *_ in (*facts["status_periods"], *facts["ehc_plans"]) if k in statutory and a
    ]
    return edge, _at_least(held, 1)


def _at_least(spans: list[Span], need: int) -> list[Span]:
    """The days covered by `need` or more of the spans, as disjoint spans in order."""
    if need <= 0 or len(spans) < need:
        return []
    events: list[tuple[int, int]] = []
    for a, b in spans:
        if a <= b:
            events += [(a.toordinal(), 1), (b.toordinal() + 1, -1)]
    events.sort()
    out: list[Span] = []
    depth, opened = 0, 0
    for day, step in events:
        before = depth
        depth += step
        if before < need <= depth:
            opened = day
        elif depth < need <= before:
            end = date.fromordinal(day - 1) if day - 1 <= FOREVER.toordinal() else FOREVER
            if out and out[-1][1].toordinal() + 1 >= opened:
                out[-1] = (out[-1][0], end)
            else:
                out.append((date.fromordinal(opened), end))
    return out


def _spans(ind: Indicator, facts: dict[str, list[Row]]) -> list[Span]:
    """The spans of days on which each record this indicator counts makes it present."""
    within = ind.within_days
    if ind.kind == "absence":  # persistent (10% or more) over the academic year to the month's end: that month
        return [(a, _month_end(a)) for k, _, a, *_ in facts[attendance_months.ENTITY] if k and a]
    if ind.kind == "exclusions":
        kinds = set(ind.codes("exclusion_kinds"))
        return [(a, _after(a, within)) for k, _, a, *_ in facts["exclusions"] if k in kinds and a]
    if ind.kind == "provisions":
        kinds = set(ind.codes("provision_kinds"))
        return [_period(a, b, ind) for k, _, a, b, *_ in facts["provisions"] if k in kinds and a]
    if ind.kind == "moves":
        reasons = set(ind.codes("leaving_reasons"))
        out = [(b, _after(b, within)) for k, _, _, b, *_ in facts["enrolments"] if k in reasons and b]
        if ind.params.get("managed_moves", True):
            out += [(a, _after(a, within)) for _, _, a, *_ in facts["managed_moves"] if a]
        return out
    if ind.kind == "needs_check":
        return _needs_check(ind, facts["triage_results"])
    if ind.kind == "sen_need":
        needs = set(ind.codes("needs"))
        held = [
            r for r in facts["status_periods"] if r[0] in ("sen_support", "ehc_plan") and needs & set(tag_list(r[1]))
        ]
        out = [_period(a, b, ind) for _, _, a, b, *_ in held if a]
        plans = [r for r in facts["ehc_plans"] if needs & set(tag_list(r[1]))]
        return out + [(a, b or FOREVER) for _, _, a, b, *_ in plans if a]  # a plan while it is in force
    statuses = set(ind.codes("statuses"))
    out = [_period(a, b, ind) for k, _, a, b, *_ in facts["status_periods"] if k in statuses and a]
    if ind.kind == "youth_justice":
        out += [(a, _after(a, within)) for _, _, a, *_ in facts["youth_justice_outcomes"] if a]
        kinds = set(ind.codes("event_kinds")) & POLICE_KINDS
        amended = {r[5] for r in facts["events"] if r[5]}
        out += [
            (a, _after(a, within))
            for k, _, a, _, row_id, *_ in facts["events"]
            if k in kinds and a and row_id not in amended
        ]
    return out


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _period(start: date, end: date | None, ind: Indicator) -> Span:
    if end is None:
        return (start, FOREVER)
    return (start, end if ind.current_only else _after(end, ind.within_days))


def _needs_check(ind: Indicator, checks: list[Row]) -> list[Span]:
    """A check counts from its day until the next check (or `within_days`), when it is at the level or flags one of
    the domains. `checks` are in day order."""
    level, domains = int(ind.params.get("min_level", 3)), set(ind.codes("domains"))
    out = []
    for i, (_, tags, day, *_rest) in enumerate(checks):
        found = checks[i][6]
        if day is None or not ((found or 0) >= level or domains & set(tag_list(tags))):
            continue
        until = _after(day, ind.within_days)
        following = checks[i + 1][2] if i + 1 < len(checks) else None
        if following is not None:
            until = min(until, following - timedelta(days=1))
        if until >= day:
            out.append((day, until))
    return out
