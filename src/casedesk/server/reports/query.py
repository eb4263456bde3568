"""The SQL the dashboards share: their facts in a period, each with the child's own fact beside it, scoped to
who asks (the area, one school, or what one organisation recorded), and the names of organisations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, literal_column, select

from casedesk.server.db import records, report_facts
from casedesk.server.reports.model import OWN, SCHOOL, Audience, Period

NO_SCHOOL = "No school recorded"
NO_AREA = "No postcode recorded"

fact = report_facts.alias("f")
child = report_facts.alias("c")


def month(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """ "YYYY-MM" of an ISO day; the positions are literal so PostgreSQL sees the same expression in GROUP BY."""
    return func.substr(column, literal_column("1"), literal_column("7"))


def facts_in(
    entity: str,
    period: Period,
    audience: Audience,
    *columns: ColumnElement[Any],
    school: str = "child",
) -> Select[Any]:
    """`columns` of the facts of `entity` counted on a day in `period`, joined to their child's fact (alias `c`).
    `school` says which school a school's own figures follow: the child's current school ("child"), the one the
    record names ("record") or the organisation that recorded it ("recorder": a referral's referrer)."""
    start, end = period.bounds
    joined = fact.outerjoin(child, and_(child.c.entity == "children", child.c.row_id == fact.c.child_id))
    stmt = select(*columns).select_from(joined).where(fact.c.entity == entity, fact.c.on_day.between(start, end))
    column = {"child": child.c.school_id, "record": fact.c.school_id, "recorder": fact.c.org_id}[school]
    return scoped(stmt, audience, column)


def scoped(stmt: Select[Any], audience: Audience, school_column: ColumnElement[Any]) -> Select[Any]:
    if audience.scope == SCHOOL:
        return stmt.where(school_column == audience.org_id)
    if audience.scope == OWN:
        return stmt.where(fact.c.org_id == audience.org_id)
    return stmt


def organisation_names(conn: Connection) -> dict[str, str]:
    """Every organisation's name by id (schools, services' organisations): a few hundred rows."""
    rows = conn.execute(
        select(records.c.row_id, records.c.data["name"].as_string()).where(records.c.entity == "organisations")
    ).all()
    return {row_id: name or "Unnamed organisation" for row_id, name in rows}


def school_label(names: dict[str, str], school_id: str | None) -> str:
    if not school_id:
        return NO_SCHOOL
    return names.get(school_id, "A school not in the directory")


def ordered_labels(counts: dict[str, Any], last: tuple[str, ...] = (NO_SCHOOL, NO_AREA)) -> list[str]:
    """Labels in alphabetical order, the "not recorded" ones last."""
    return sorted(counts, key=lambda label: (label in last, label.lower()))
