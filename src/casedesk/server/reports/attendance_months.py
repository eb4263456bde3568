"""Each child's attendance month by month, kept beside the week facts so the dashboards never read every week.

A fact per child and month (`attendance_months`): the month's possible and missed sessions (n1, n2; a week counts
in the month it starts in) and, over the academic year to the month's end, whether the child was persistently
(10% or more) or severely (50% or more) absent (`kind`). Rebuilt for the children whose weeks a catch-up touched,
from their week facts, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from casedesk.domain.attendance.summary import is_persistent, is_severe
from casedesk.server.db import report_facts

ENTITY = "attendance_months"
WEEKS = "attendance_weeks"
_NAMESPACE = uuid.UUID("3f0c9a52-6a55-4f0e-9d7e-2b8f6c1d5a10")
_CHUNK = 500
f = report_facts


def _academic_year(month: str) -> int:
    year, number = int(month[:4]), int(month[5:7])
    return year if number >= 9 else year - 1


def _facts(child_id: str, weeks: list[tuple[str, int, int, str | None]]) -> Iterator[dict[str, Any]]:
    """The month facts of one child from their weeks (in day order)."""
    months: dict[str, list[Any]] = {}
    for day, possible, missed, school in weeks:
        entry = months.setdefault(day[:7], [0, 0, None])
        entry[0] += possible or 0
        entry[1] += missed or 0
        entry[2] = school or entry[2]
    year, total_possible, total_missed = None, 0, 0
    for month in sorted(months):
        possible, missed, school = months[month]
        if _academic_year(month) != year:
            year, total_possible, total_missed = _academic_year(month), 0, 0
        total_possible += possible
        total_missed += missed
        band = (
            "severe"
            if is_severe(total_missed, total_possible)
            else "persistent"
            if is_persistent(total_missed, total_possible)
            else None
        )
        yield {
            "entity": ENTITY,
            "row_id": str(uuid.uuid5(_NAMESPACE, f"{child_id}:{month}")),
            "child_id": child_id,
            "school_id": school,
            "on_day": f"{month}-01",
            "kind": band,
            "n1": possible,
            "n2": missed,
        }


def _write(conn: Connection, rows: Iterable[Any]) -> None:
    batch: list[dict[str, Any]] = []
    child: str | None = None
    weeks: list[tuple[str, int, int, str | None]] = []
    columns = [c.name for c in f.columns]

    def flush_child() -> None:
        if child is not None and weeks:
            batch.extend({name: fact.get(name) for name in columns} for fact in _facts(child, weeks))

    for child_id, day, possible, missed, school in rows:
        if child_id != child:
            flush_child()
            child, weeks = child_id, []
            if len(batch) >= 2000:
                conn.execute(insert(f), batch)
                batch = []
        weeks.append((day, possible, missed, school))
    flush_child()
    if batch:
        conn.execute(insert(f), batch)


def _weeks(*where: Any) -> Any:
    return (
        select(f.c.child_id, f.c.on_day, f.c.n1, f.c.n2, f.c.school_id)
        .where(f.c.entity == WEEKS, f.c.on_day.is_not(None), *where)
        .order_by(f.c.child_id, f.c.on_day)
    )


def rebuild(conn: Connection, child_ids: Iterable[str]) -> None:
    ids = sorted({c for c in child_ids if c})
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(delete(f).where(f.c.entity == ENTITY, f.c.child_id.in_(chunk)))
        _write(conn, conn.execute(_weeks(f.c.child_id.in_(chunk))).all())
