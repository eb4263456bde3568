"""Attendance on the device: reading a child's weeks of marks, and keeping each child's derived year counts
(`attendance_totals`) current after every write or pull that touches `attendance_weeks`.

The counts are worked out by `casedesk.domain.attendance.summary` (the one place the DfE rules live); this module
only reads rows and stores the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from casedesk.domain.attendance.summary import is_persistent, is_severe, year_counts
from casedesk.domain.attendance.week import SESSIONS, Mark, session_day, week_marks
from casedesk.store.models import AttendanceTotalRow, AttendanceWeekRow, ChildRow, OrganisationRow
from casedesk.store.tables import mapped_table

WEEKS = mapped_table(AttendanceWeekRow)
TOTALS = mapped_table(AttendanceTotalRow)
_COLUMNS = [WEEKS.c.id, WEEKS.c.child_id, WEEKS.c.week_start, *(WEEKS.c[name] for name in SESSIONS)]


class Totals(NamedTuple):
    """A child's counts for the academic year of their latest mark (the caseload column). A named tuple holding
    the date as stored (ISO text): the caseload makes one per child, and parsing 50,000 dates it mostly never shows
    cost more than the rest of the column."""

    academic_year: int
    possible: int
    absent: int
    latest_text: str | None

    @property
    def latest(self) -> date | None:
        return None if self.latest_text is None else date.fromisoformat(self.latest_text)

    @property
    def absence_rate(self) -> float | None:
        return None if self.possible == 0 else 100.0 * self.absent / self.possible

    @property
    def attendance_rate(self) -> float | None:
        rate = self.absence_rate
        return None if rate is None else 100.0 - rate

    @property
    def persistent(self) -> bool:
        return is_persistent(self.absent, self.possible)

    @property
    def severe(self) -> bool:
        return is_severe(self.absent, self.possible)


def weeks_of(conn: Any, child_ids: Iterable[str]) -> dict[str, dict[date, dict[str, Any]]]:
    """child id → week start → the week row (id and session values), live rows only."""
    out: dict[str, dict[date, dict[str, Any]]] = {}
    ids = sorted(set(child_ids))
    for start in range(0, len(ids), 500):
        query = select(*_COLUMNS).where(WEEKS.c.child_id.in_(ids[start : start + 500]), WEEKS.c.deleted.is_(False))
        for row in conn.execute(query):
            out.setdefault(row.child_id, {})[row.week_start] = dict(row._mapping)
    return out


def marks_of(conn: Any, child_id: str) -> list[Mark]:
    """Every mark held for a child, in date order."""
    weeks = weeks_of(conn, [child_id]).get(child_id, {})
    out: list[Mark] = []
    for monday in sorted(weeks):
        out += week_marks(monday, weeks[monday])
    return out


def refresh_totals(conn: Any, child_ids: Iterable[str], today: date | None = None) -> None:
    """Work the caseload counts out again for these children from their weeks (inside the caller's transaction).

    The weeks are read through the driver's own cursor as (child, Monday, ten sessions): an import or a pulled
    page refreshes thousands of children, and SQLAlchemy's result rows cost more than the counting itself."""
    ids = sorted(set(child_ids))
    if not ids:
        return
    until = today or date.today()
    codes: dict[str, list[tuple[date, str]]] = {}
    days: dict[str, tuple[date, ...]] = {}  # Monday as stored → its sessions' days up to `until` (shared by all)
    cursor = _driver(conn).cursor()
    try:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for child_id, week_start, *sessions in cursor.execute(
                _WEEK_CODES.format(marks=",".join("?" * len(chunk))), chunk
            ):
                week = days.get(week_start)
                if week is None:
                    monday = date.fromisoformat(week_start)
                    week = days[week_start] = tuple(d for d in (monday + o for o in _OFFSETS) if d <= until)
                out = codes.setdefault(child_id, [])
                for day, value in zip(week, sessions, strict=False):  # sessions after `until` left out
                    if value:
                        out.append((day, value.split("|", 1)[0]))
    finally:
        cursor.close()
    rows = []
    for child_id in ids:
        counts = year_counts(codes.get(child_id, []))
        if counts is not None:
            rows.append(
                {
                    "child_id": child_id,
                    "academic_year": counts.start_year,
                    "possible": counts.possible,
                    "absent": counts.absent,
                    "latest": counts.latest,
                }
            )
    for start in range(0, len(ids), 500):
        conn.execute(delete(TOTALS).where(TOTALS.c.child_id.in_(ids[start : start + 500])))
    if rows:
        conn.execute(insert(TOTALS), rows)


_WEEK_CODES = (
    f"SELECT child_id, week_start, {', '.join(SESSIONS)} FROM attendance_weeks "
    "WHERE deleted = 0 AND child_id IN ({marks})"
)
_OFFSETS = tuple(session_day(date(2024, 9, 2), name)[0] - date(2024, 9, 2) for name in SESSIONS)


def _driver(conn: Any) -> Any:
    """The DB-API connection under a SQLAlchemy connection or session, inside its transaction."""
    connection = conn.connection() if isinstance(conn, Session) else conn
    return connection.connection.dbapi_connection


def all_totals(session: Session) -> dict[str, Totals]:
    """Every child's counts, for the caseload, read through the driver's own cursor: SQLAlchemy's result rows
    cost three times the query itself, and at 50,000 children that was most of the column's cost."""
    driver = session.connection().connection.dbapi_connection
    if driver is None:  # a closed connection: nothing to read
        return {}
    cursor = driver.cursor()
    try:
        rows = cursor.execute("SELECT child_id, academic_year, possible, absent, latest FROM attendance_totals")
        return {r[0]: Totals(r[1], r[2], r[3], r[4]) for r in rows}
    finally:
        cursor.close()


def child_ids_of_weeks(conn: Any, week_ids: Iterable[str]) -> set[str]:
    ids = sorted(set(week_ids))
    out: set[str] = set()
    for start in range(0, len(ids), 500):
        out.update(conn.execute(select(WEEKS.c.child_id).where(WEEKS.c.id.in_(ids[start : start + 500]))).scalars())
    return out


def pupils(conn: Any) -> tuple[list[Any], list[tuple[str, str]]]:
    """What an import matches a register against: live children (id, upn, names, date of birth, school) and
    schools with a URN (urn, organisation id)."""
    children = mapped_table(ChildRow)
    orgs = mapped_table(OrganisationRow)
    rows = conn.execute(
        select(
            children.c.id,
            children.c.upn,
            children.c.given_name,
            children.c.family_name,
            children.c.date_of_birth,
            children.c.current_school_id,
        ).where(children.c.deleted.is_(False))
    ).all()
    schools = conn.execute(select(orgs.c.urn, orgs.c.id).where(orgs.c.urn.is_not(None), orgs.c.deleted.is_(False)))
    return rows, [(str(urn), str(org_id)) for urn, org_id in schools]
