"""The Attendance tab over a real encrypted database: the summaries, the flag in words, the calendar's half-cells
coloured by category with the code on hover and term starts marked, and the weekly chart."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCharts import QLineSeries
from PySide6.QtGui import QColor

from casedesk.domain.attendance.codes import Category
from casedesk.domain.attendance.week import Mark
from casedesk.services.attendance.marks import write_marks
from casedesk.ui.child.attendance_calendar import COLOURS
from casedesk.ui.child.attendance_tab import AttendanceTab
from casedesk.ui.context import AppContext
from tests.factories import add_child

FIRST, LAST = date(2024, 9, 2), date(2025, 7, 18)


def _code(day: date, half: str) -> str:
    if day.month == 3 and day.weekday() == 0:
        return "O"  # Mondays in March: unauthorised
    if day.month == 11 and day.day in (5, 6):
        return "I"
    if day == date(2025, 2, 3):
        return "#"
    return "/" if half == "AM" else "\\"


def test_tab_shows_the_year_calendar_and_chart(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child = add_child(context.col.db, "Kai", "Brennan", date(2011, 3, 4), sex="M")
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    marks = [Mark(d, h, _code(d, h)) for d in days if d.weekday() < 5 for h in ("AM", "PM")]
    with context.col.db.unit_of_work("tester") as uow:
        write_marks(uow, [(child, m) for m in marks], reason="test")
    tab = AttendanceTab(context)
    qtbot.addWidget(tab)
    tab.resize(1300, 900)
    tab.show()
    tab.show_child(child)

    assert tab.year.currentText() == "2024/25"
    assert [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())] == [
        "2024/25",
        "Autumn",
        "Spring",
        "Summer",
        "Last four weeks",
    ]
    view = tab.shown
    assert view is not None
    year = view.summaries.year
    assert tab.table.item(0, 1).text() == str(year.possible) and year.not_counted == 2  # the closure day
    assert year.unauthorised == 2 * 5 and year.authorised == 4  # five Mondays in March, two days ill
    assert tab.flag.text() == ""  # 14 of 442 missed: not persistent
    assert "2016/17" in tab.national.text() and "Year 9" in tab.national.text()  # born March 2011

    image = tab.calendar.grab().toImage()
    present = tab.calendar.cell_rect(date(2024, 10, 1), "AM").center()
    ill = tab.calendar.cell_rect(date(2024, 11, 5), "PM").center()
    weekend = tab.calendar.cell_rect(date(2024, 10, 5), "AM").center()
    assert QColor(image.pixel(present)).name() == COLOURS[Category.PRESENT]
    assert QColor(image.pixel(ill)).name() == COLOURS[Category.AUTHORISED]
    assert QColor(image.pixel(weekend)).name() != COLOURS[None]
    assert tab.calendar.day_at(present.x(), present.y()) == (date(2024, 10, 1), "AM")
    hover = tab.calendar.describe(date(2025, 3, 3), "PM")
    assert "O: Absent in other or unknown circumstances" in hover and "Unauthorised absence" in hover
    assert "Spring term begins" in tab.calendar.describe(date(2025, 1, 1), "AM")

    lines = [s for s in tab.chart.chart().series() if isinstance(s, QLineSeries) and s.name() == "Attendance"]
    assert len(lines) == 1 and lines[0].count() == len(view.weeks) > 30
    march = [p.y() for p in lines[0].points()][26:30]
    assert all(80.0 <= y <= 90.0 for y in march)  # a Monday lost each week in March: 8 of 10 sessions


def test_caseload_shows_the_attendance_column_and_badges(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from casedesk.services.caseload import load_caseload
    from casedesk.ui.caseload.model import ATTENDANCE_COLUMN, COLUMNS, STATUSES, CaseloadModel

    child = add_child(context.col.db, "Ben", "Often", date(2012, 1, 2))
    add_child(context.col.db, "Di", "None", date(2012, 1, 4))
    days = [date(2025, 3, 3) + timedelta(days=n) for n in range(5)]
    marks = [Mark(d, h, "O" if d == days[0] else "/") for d in days for h in ("AM", "PM")]
    with context.col.db.unit_of_work("tester") as uow:
        write_marks(uow, [(child, m) for m in marks], reason="test", today=date(2025, 7, 1))
    model = CaseloadModel()
    model.set_rows(sorted(load_caseload(context.col.db, date(2025, 7, 1)), key=lambda r: r.name))
    assert COLUMNS[ATTENDANCE_COLUMN].header == "Attendance"
    often, none = (model.index(r, ATTENDANCE_COLUMN) for r in range(2))
    assert model.data(often) == "80.0%" and model.data(none) == ""
    assert "2 of 10 possible sessions missed" in model.data(often, Qt.ItemDataRole.ToolTipRole)
    assert "PA" in model.data(model.index(0, STATUSES)).split()
    assert "Persistent absence" in model.data(model.index(0, STATUSES), Qt.ItemDataRole.ToolTipRole)
    assert model.data(none, Qt.ItemDataRole.ToolTipRole) == "No attendance marks"


def test_overview_card_flags_persistent_absence_and_opens_the_tab(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from casedesk.ui.child.view import ChildPage

    child = add_child(context.col.db, "Kai", "Brennan", date(2011, 3, 4))
    empty = add_child(context.col.db, "Lea", "Marks", date(2011, 3, 5))
    days = [
        date(2025, 3, 3) + timedelta(days=n) for n in range(12) if (date(2025, 3, 3) + timedelta(days=n)).weekday() < 5
    ]
    marks = [Mark(d, h, "N" if d == days[0] else "/") for d in days for h in ("AM", "PM")]
    with context.col.db.unit_of_work("Sam Tester") as uow:
        write_marks(uow, [(child, m) for m in marks], reason="test")
    page = ChildPage(context)
    qtbot.addWidget(page)
    page.show_child(empty)
    card = page.overview.card("attendance")
    assert card is not None and card.card.lines == ("No attendance marks held.",)
    page.show_child(child)
    card = page.overview.card("attendance")
    assert card is not None
    assert card.card.lines[0] == "2024/25: 90.0% attendance, 2 of 20 possible sessions missed (2 unauthorised)"
    assert card.card.flags == ("Persistent absence (10% or more missed)",)
    assert card.card.recorded_by == "Sam Tester" and "(2016/17)" in card.card.lines[-1]
    card.open_button.click()
    assert page.tabs.currentWidget() is page.attendance
