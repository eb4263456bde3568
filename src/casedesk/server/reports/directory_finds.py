"""What directory searches find: how many services each search returned, which services turn up in the results
and which people open, from the anonymous usage records devices keep (`services.directory.usage`: a search's
criteria with the number of services it found and the first few by id; a service opened from the results). A
search kept before devices recorded what it found counts as "Not recorded".

How many services a search found splits the same searches as the month-by-month table, so `directory` protects
the two together. Which services turn up and are opened: a search lists several services, so that table has no
totals, and each count is protected on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func

from casedesk.domain import disclosure
from casedesk.server.reports.extract import OPENED
from casedesk.server.reports.model import Audience, Period, Section
from casedesk.server.reports.query import fact, facts_in

BUCKETS = ("No service", "1–5 services", "6–20 services", "More than 20", "Not recorded")
TOP = 12
OTHER = "Other services"


def _bucket() -> ColumnElement[Any]:
    n = fact.c.n1
    return case(
        (n.is_(None), 4),
        (n == 0, 0),
        (n <= 5, 1),
        (n <= 20, 2),
        else_=3,
    )


def found_counts(conn: Connection, period: Period, audience: Audience, sources: Sequence[str]) -> list[list[int]]:
    """Searches by how many services they found (rows: `BUCKETS`) and where they were made (columns: `sources`;
    any other source counts as the first, as the month-by-month table counts it)."""
    bucket = _bucket()
    stmt = (
        facts_in("directory_searches", period, audience, bucket, fact.c.kind, func.count(), school="recorder")
        .where(fact.c.kind != OPENED)
        .group_by(bucket, fact.c.kind)
    )
    counts = [[0] * len(sources) for _ in BUCKETS]
    for row, source, n in conn.execute(stmt):
        counts[int(row)][sources.index(source) if source in sources else 0] += n
    return counts


def services_section(conn: Connection, period: Period, audience: Audience, names: dict[str, str]) -> Section:
    """The services that turned up most in searches' results, and how often each was opened."""
    stmt = facts_in(
        "directory_searches", period, audience, fact.c.kind, fact.c.extra, fact.c.other_id, school="recorder"
    ).where(fact.c.n1.is_not(None) | (fact.c.kind == OPENED))
    shown: Counter[str] = Counter()
    opened: Counter[str] = Counter()
    for kind, extra, service in conn.execute(stmt):
        if kind == OPENED:
            opened[service] += 1
        elif isinstance(extra, dict):
            shown.update(set(extra.get("services") or ()))
    ranked = sorted(set(shown) | set(opened), key=lambda s: (-shown[s], -opened[s], names.get(s, s)))
    top, rest = ranked[:TOP], ranked[TOP:]
    rows = [names.get(s, "A service no longer in the directory") for s in top]
    counts = [[shown[s], opened[s]] for s in top]
    if rest:
        rows.append(OTHER)
        counts.append([sum(shown[s] for s in rest), sum(opened[s] for s in rest)])
    table = disclosure.protect(
        counts, rows, ["In a search's first results", "Opened"], row_totals=False, column_totals=False
    )
    return Section(
        "services_found",
        "What searches found: the services in the results, and those opened",
        "bar",
        table,
        False,
        False,
        note="A search keeps the first ten services it listed; a search lists several services, so the column "
        "does not add up to the searches.",
    )
