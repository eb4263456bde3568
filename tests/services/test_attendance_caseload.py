"""The caseload's attendance column and absence badges follow the marks held, after an import and after a
correction, from the derived counts (never a year of weeks read per child)."""

from __future__ import annotations

from datetime import date, timedelta

from casedesk.domain.attendance.week import Mark
from casedesk.services.attendance.marks import write_marks
from casedesk.services.attendance.service import AttendanceService
from casedesk.services.caseload import CaseloadFilter, load_caseload
from casedesk.store.database import Database
from tests.factories import add_child

MONDAY = date(2025, 3, 3)
TODAY = date(2025, 7, 1)


def _fortnight(codes: str) -> list[Mark]:
    """Twenty sessions over two weeks from MONDAY, one character per session ('.' present)."""
    days = [MONDAY + timedelta(days=n) for n in range(14) if (MONDAY + timedelta(days=n)).weekday() < 5]
    slots = [(d, h) for d in days for h in ("AM", "PM")]
    return [Mark(d, h, "/" if c == "." else c) for (d, h), c in zip(slots, codes, strict=True)]


def test_column_and_badges(db: Database) -> None:
    steady = add_child(db, "Ada", "Steady", date(2012, 1, 1))
    persistent = add_child(db, "Ben", "Often", date(2012, 1, 2))
    severe = add_child(db, "Cy", "Rarely", date(2012, 1, 3))
    unmarked = add_child(db, "Di", "None", date(2012, 1, 4))
    with db.unit_of_work("tester") as uow:
        write_marks(uow, [(steady, m) for m in _fortnight("." * 19 + "I")], reason="test", today=TODAY)
        write_marks(uow, [(persistent, m) for m in _fortnight("." * 18 + "OO")], reason="test", today=TODAY)
        write_marks(uow, [(severe, m) for m in _fortnight("." * 8 + "DD" + "N" * 10)], reason="test", today=TODAY)
    rows = {r.child_id: r for r in load_caseload(db, TODAY)}
    assert rows[steady].attendance is not None and rows[steady].attendance.attendance_rate == 95.0
    assert rows[steady].absence_badges == ()
    assert rows[persistent].absence_badges == ("PA",) and "PA" in rows[persistent].badges
    assert rows[severe].attendance is not None and (
        rows[severe].attendance.possible,
        rows[severe].attendance.absent,
    ) == (18, 10)
    assert rows[severe].absence_badges == ("SA",)
    assert rows[unmarked].attendance is None and rows[unmarked].absence_badges == ()
    every = list(rows.values())
    assert {r.child_id for r in CaseloadFilter(status="persistent_absence").apply(every)} == {persistent, severe}
    assert [r.child_id for r in CaseloadFilter(status="severe_absence").apply(every)] == [severe]

    # a correction (an illness reported late) lifts the flag
    AttendanceService(db, "tester").record_mark(
        persistent, MONDAY + timedelta(days=11), "PM", "I", reason="note from GP", today=TODAY
    )
    AttendanceService(db, "tester").record_mark(
        persistent, MONDAY + timedelta(days=11), "AM", "/", reason="register error", today=TODAY
    )
    assert {r.child_id: r for r in load_caseload(db, TODAY)}[persistent].absence_badges == ()
