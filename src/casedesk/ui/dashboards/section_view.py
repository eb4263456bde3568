"""One dashboard section on screen: its chart (lines for a trend, bars for a comparison) and its table beneath,
drawn from the server's JSON. A withheld count is a gap in a line and no bar, never a zero, and "c" in the table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from casedesk.domain.dashboards.export import header, rows, series
from casedesk.ui.palette import MUTED
from casedesk.ui.widgets import read_only_table

COLOURS = ("#1f3a5f", "#c8553d", "#2a9d8f", "#b8860b", "#8e7dbe", "#6c757d", "#f4a261", "#264653", "#9c6644")
MAX_BARS = 30  # more categories than this are unreadable as bars: the table beneath has them all


def build_chart(section: dict[str, Any]) -> QChart | None:
    labels, names, values = series(section)
    if not labels or not names:
        return None
    labels, values = labels[:MAX_BARS], [column[:MAX_BARS] for column in values]
    chart = QChart()
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    x_axis = QBarCategoryAxis()
    x_axis.append(labels)
    y_axis = QValueAxis()
    y_axis.setLabelFormat("%.0f" if section["chart"] != "rate_line" else "%.0f%%")
    top = max((v for column in values for v in column if v is not None), default=0.0)
    y_axis.setRange(0, max(1.0, top * 1.15))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    if section["chart"] in ("line", "rate_line"):
        for i, (name, column) in enumerate(zip(names, values, strict=True)):
            _add_lines(chart, name, column, QColor(COLOURS[i % len(COLOURS)]), x_axis, y_axis)
    else:
        bars = QBarSeries()
        for i, (name, column) in enumerate(zip(names, values, strict=True)):
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(COLOURS[i % len(COLOURS)]))
            bar_set.append([0.0 if v is None else v for v in column])  # withheld: no bar (the table says "c")
            bars.append(bar_set)
        chart.addSeries(bars)
        bars.attachAxis(x_axis)
        bars.attachAxis(y_axis)
    return chart


def _add_lines(
    chart: QChart, name: str, column: list[float | None], colour: QColor, x: QBarCategoryAxis, y: QValueAxis
) -> None:
    """One line per run of shown values, so a withheld month is a gap; only the first run is named in the legend."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(column):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((i, value))
    first = True
    for run in (r for r in runs if r):
        line = QLineSeries()
        line.setName(name)
        line.setPen(QPen(colour, 2.5))
        line.setPointsVisible(True)
        for i, value in run:
            line.append(float(i), value)
        chart.addSeries(line)
        line.attachAxis(x)
        line.attachAxis(y)
        if not first:
            for marker in chart.legend().markers(line):
                marker.setVisible(False)
        first = False


class SectionView(QWidget):
    def __init__(self, section: dict[str, Any]) -> None:
        super().__init__()
        self.section = section
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        title = QLabel(f"<b>{section['title']}</b>")
        title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(title)
        chart = build_chart(section)
        self.chart_view: QChartView | None = None
        if chart is not None:
            self.chart_view = QChartView(chart)
            self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.chart_view.setMinimumHeight(240)
            self.chart_view.setAccessibleName(f"Chart: {section['title']}")
            layout.addWidget(self.chart_view)
        heads = header(section)
        self.table = read_only_table(tuple(heads), f"Table: {section['title']}")
        body = rows(section)
        self.table.setRowCount(len(body))
        for r, row in enumerate(body):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(len(body))) + 4
        self.table.setFixedHeight(min(height, 420))
        layout.addWidget(self.table)
        if section.get("note"):
            note = QLabel(section["note"])
            note.setWordWrap(True)
            note.setStyleSheet(f"color: {MUTED};")
            layout.addWidget(note)
