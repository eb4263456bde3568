"""A year of attendance at a glance: a month per row, each school day two half-cells (AM, PM) coloured by what the
mark means, the code and its meaning on hover, term starts marked; and a weekly attendance chart (Qt Charts).

Colour is never the only signal: unauthorised absence is also hatched, not-counted sessions dotted, and every
half-cell says its code and meaning on hover (and the tab beside it gives the figures in words).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QEvent, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from casedesk.domain.attendance.codes import Category, lookup
from casedesk.domain.attendance.summary import Summary, terms
from casedesk.domain.attendance.week import Mark

HALF = 12  # width of one session's half-cell
CELL = 2 * HALF + 3
ROW = 22
LABEL = 44
TOP = 18
MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)

COLOURS: dict[Category | None, str] = {
    Category.PRESENT: "#3a9b4f",
    Category.APPROVED: "#2b7bb9",
    Category.AUTHORISED: "#e0a526",
    Category.UNAUTHORISED: "#c4314b",
    Category.NOT_COUNTED: "#a19f9d",
    Category.ADMINISTRATIVE: "#d2d0ce",
    None: "#ffffff",  # a school day with no mark
}
PATTERNS = {Category.UNAUTHORISED: Qt.BrushStyle.BDiagPattern, Category.NOT_COUNTED: Qt.BrushStyle.Dense6Pattern}
WEEKEND = "#f3f2f1"
TERM_LINE = "#323130"


class AttendanceCalendar(QWidget):
    """The academic year starting in September of `start_year`, September at the top."""

    def __init__(self) -> None:
        super().__init__()
        self.start_year = date.today().year if date.today().month >= 9 else date.today().year - 1
        self.marks: dict[tuple[date, str], Mark] = {}
        self.until = date.today()
        self.term_starts: dict[date, str] = {}
        self.school_names: dict[str, str] = {}
        self.setMouseTracking(True)
        self.setAccessibleName("Attendance calendar")
        self.setMinimumSize(self.sizeHint())

    def sizeHint(self) -> QSize:
        return QSize(LABEL + 31 * CELL + 8, TOP + 12 * ROW + 6)

    def show_year(
        self, start_year: int, marks: list[Mark], school_names: dict[str, str] | None = None, until: date | None = None
    ) -> None:
        """Show a year; days after `until` (today) have no cells: nothing can be marked there yet."""
        self.start_year = start_year
        self.until = until or date.today()
        self.marks = {(m.day, m.half): m for m in marks}
        self.term_starts = {t.start: t.name for t in terms(start_year)}
        self.school_names = school_names or {}
        self.setAccessibleDescription(f"{len(marks)} marks in {start_year}/{(start_year + 1) % 100:02d}")
        self.update()

    # -- geometry ----------------------------------------------------------------------------------------------
    def _month(self, row: int) -> tuple[int, int]:
        month = MONTHS[row]
        return (self.start_year if month >= 9 else self.start_year + 1), month

    def day_at(self, x: int, y: int) -> tuple[date, str] | None:
        """The day and session ("AM"/"PM") under a point, if any."""
        row, column = (y - TOP) // ROW, (x - LABEL) // CELL
        if y < TOP or x < LABEL or not (0 <= row < 12 and 0 <= column < 31):
            return None
        year, month = self._month(row)
        try:
            day = date(year, month, column + 1)
        except ValueError:
            return None
        offset = (x - LABEL) - column * CELL
        if offset >= 2 * HALF:
            return None
        return day, "AM" if offset < HALF else "PM"

    def cell_rect(self, day: date, half: str) -> QRect:
        row = MONTHS.index(day.month)
        x = LABEL + (day.day - 1) * CELL + (0 if half == "AM" else HALF)
        return QRect(x, TOP + row * ROW + 2, HALF - 1, ROW - 5)

    # -- drawing -----------------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() - 2))
        painter.setFont(small)
        painter.setPen(QColor("#605e5c"))
        for column in range(31):
            painter.drawText(
                QRect(LABEL + column * CELL, 0, 2 * HALF, TOP), Qt.AlignmentFlag.AlignCenter, str(column + 1)
            )
        for row in range(12):
            year, month = self._month(row)
            painter.setPen(QColor("#323130"))
            painter.drawText(
                QRect(0, TOP + row * ROW, LABEL - 4, ROW),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                date(year, month, 1).strftime("%b %y"),
            )
            for number in range(1, 32):
                try:
                    day = date(year, month, number)
                except ValueError:
                    break
                self._paint_day(painter, day)
        painter.end()

    def _paint_day(self, painter: QPainter, day: date) -> None:
        for half in ("AM", "PM"):
            rect = self.cell_rect(day, half)
            if day.weekday() >= 5 or day > self.until:
                painter.fillRect(rect, QColor(WEEKEND))
                continue
            mark = self.marks.get((day, half))
            code = lookup(mark.code) if mark else None
            category = code.category if code else None
            painter.fillRect(rect, QColor(COLOURS[category]))
            if category in PATTERNS:
                painter.fillRect(rect, QBrush(QColor("#ffffff"), PATTERNS[category]))
            painter.setPen(QPen(QColor("#c8c6c4"), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        if day in self.term_starts:
            am = self.cell_rect(day, "AM")
            painter.fillRect(QRect(am.left() - 3, am.top() - 2, 2, am.height() + 4), QColor(TERM_LINE))

    # -- hover -------------------------------------------------------------------------------------------------
    def describe(self, day: date, half: str) -> str:
        lines = [f"{day:%A %d %B %Y} {half}"]
        if day in self.term_starts:
            lines.append(f"{self.term_starts[day]} term begins")
        mark = self.marks.get((day, half))
        if mark is None:
            lines.append("Weekend" if day.weekday() >= 5 else ("Not yet" if day > self.until else "No mark"))
            return "\n".join(lines)
        code = lookup(mark.code)
        meaning = code.description if code else "unknown code"
        lines.append(f"{mark.code}: {meaning}")
        if code is not None:
            lines.append(code.category.label + (" — a withdrawn code" if code.withdrawn else ""))
        school = self.school_names.get(mark.school_id or "", "")
        lines.append(("Imported" if mark.source == "import" else "Typed") + (f" · {school}" if school else ""))
        return "\n".join(lines)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.day_at(event.pos().x(), event.pos().y())
            if found is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.describe(*found), self)
            return True
        return super().event(event)


def weekly_chart(weeks: list[Summary], start: date, end: date) -> QChartView:
    """Attendance per school week as a line, with the 90% line below which a child is persistently absent.

    The x axis counts days from 1 September, labelled at each month's start (a date axis spaces its ticks evenly
    and would label two ticks in one month)."""
    chart = QChart()
    chart.setTitle("Attendance each week (%)")
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    line, dots = QLineSeries(), QScatterSeries()
    line.setName("Attendance")
    dots.setMarkerSize(6)
    for week in weeks:
        if week.attendance_rate is None:
            continue
        x = (week.start - start).days + 2  # midweek
        line.append(QPointF(x, week.attendance_rate))
        dots.append(QPointF(x, week.attendance_rate))
    days = (end - start).days + 1
    threshold = QLineSeries()
    threshold.setName("90% (below: persistent absence)")
    threshold.append(QPointF(0, 90.0))
    threshold.append(QPointF(days, 90.0))
    threshold.setPen(QPen(QColor(COLOURS[Category.UNAUTHORISED]), 1.5, Qt.PenStyle.DashLine))
    line.setPen(QPen(QColor(COLOURS[Category.APPROVED]), 2))
    dots.setColor(QColor(COLOURS[Category.APPROVED]))
    x_axis, y_axis = QCategoryAxis(), QValueAxis()
    x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    month = start
    while month <= end:
        x_axis.append(month.strftime("%b"), (month - start).days)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    x_axis.setRange(0, days)
    y_axis.setRange(0, 100)
    y_axis.setLabelFormat("%d")
    y_axis.setTickCount(6)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for series in (threshold, line, dots):
        chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
    chart.legend().markers(dots)[0].setVisible(False)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    view.setAccessibleName("Weekly attendance chart")
    return view
