"""Needs checks: the levels of need found and the need domains flagged, month by month, by school and by area
(the child's postcode district), from completed checks only."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import Connection, func

from casedesk.domain import disclosure
from casedesk.domain.directory.model import domain_label
from casedesk.server.reports.extract import tag_list
from casedesk.server.reports.model import Audience, Dashboard, Period, Section, month_label, section
from casedesk.server.reports.query import (
    NO_AREA,
    child,
    fact,
    facts_in,
    month,
    ordered_labels,
    organisation_names,
    school_label,
)

LEVELS = (1, 2, 3, 4)
LEVEL_LABELS = tuple(f"Level {n}" for n in LEVELS)
TITLE = "Needs checks"


def build(conn: Connection, period: Period, audience: Audience) -> Dashboard:
    """Counted by the database, grouped by month, level, school and district (and separately by the domains a
    check flagged): what comes back is a few thousand groups, not a row per check."""
    day = month(fact.c.on_day)
    levels = facts_in(
        "triage_results", period, audience, day, fact.c.level, child.c.school_id, child.c.detail, func.count()
    ).group_by(day, fact.c.level, child.c.school_id, child.c.detail)
    flagged = facts_in("triage_results", period, audience, day, fact.c.tags, func.count()).group_by(day, fact.c.tags)
    names = organisation_names(conn)
    months = period.months
    by_month: dict[str, Counter[int]] = {m: Counter() for m in months}
    by_school: dict[str, Counter[int]] = defaultdict(Counter)
    by_area: dict[str, Counter[int]] = defaultdict(Counter)
    domains: dict[str, Counter[str]] = {m: Counter() for m in months}
    for when, level, school_id, district, n in conn.execute(levels):
        if level not in LEVELS:
            continue
        by_month[when][level] += n
        by_school[school_label(names, school_id)][level] += n
        by_area[district or NO_AREA][level] += n
    for when, codes, n in conn.execute(flagged):
        for domain in tag_list(codes):
            domains[when][domain] += n
    return Dashboard("needs", TITLE, period, audience, tuple(_sections(months, by_month, by_school, by_area, domains)))


def _grid(counter_rows: dict[str, Counter[int]], labels: list[str]) -> list[list[int]]:
    return [[counter_rows[label][n] for n in LEVELS] for label in labels]


def _sections(
    months: list[str],
    by_month: dict[str, Counter[int]],
    by_school: dict[str, Counter[int]],
    by_area: dict[str, Counter[int]],
    domains: dict[str, Counter[str]],
) -> list[Section]:
    schools, areas = ordered_labels(by_school), ordered_labels(by_area)
    parts = [
        (_grid(by_month, months), [month_label(m) for m in months]),
        (_grid(by_school, schools), schools),
        (_grid(by_area, areas), areas),
    ]
    tables = disclosure.protect_together(parts, LEVEL_LABELS)
    out = [
        Section("levels_by_month", "Levels of need found, month by month", "line", tables[0], True, True),
        Section("levels_by_school", "Levels of need by the child's school", "bar", tables[1], True, True),
        Section("levels_by_area", "Levels of need by area (postcode district)", "bar", tables[2], True, True),
    ]
    seen = sorted({d for counter in domains.values() for d in counter})
    if seen:
        out.append(
            section(
                "domains_by_month",
                "Need domains flagged, month by month",
                "line",
                [[domains[m][d] for d in seen] for m in months],
                [month_label(m) for m in months],
                [domain_label(d) for d in seen],
                row_totals=False,  # a check flags several domains: a month's domains do not add up to its checks
                note="A check can flag several domains, so a month's domains add up to more than its checks.",
            )
        )
    return out
