"""The Dashboards page: the local authority's dashboards (needs checks, directory searches and gaps, referrals,
exclusions and absence, the cliff-edge cohort) from the server, for a date range and — for the area — one school,
each section a chart with its table beneath; the shown dashboard as CSV, every dashboard as a PDF pack.

Counts come from the server already protected (small ones withheld, "c"); the page never sees a record.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from casedesk.ui.context import AppContext
from casedesk.ui.dashboards.section_view import SectionView
from casedesk.ui.palette import MUTED, RED

INTRO = (
    "Counts for the area from every organisation's records, never records themselves. Counts from 1 to 4 are "
    "withheld (c), and more where a total would give one away; rates are withheld over fewer than 10 children."
)
WHOLE = "All schools"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DashboardsPage(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.current: dict[str, Any] | None = None
        self.views: list[SectionView] = []  # the sections shown, in order
        self.index: dict[str, Any] | None = None
        self.heading = QLabel("<h3>Dashboards</h3>")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        self.report = QComboBox()
        self.report.setAccessibleName("Dashboard")
        today = date.today()
        self.start = QDateEdit(_qdate(date(today.year - 1, today.month, 1)))
        self.end = QDateEdit(_qdate(today))
        for edit, name in ((self.start, "From"), (self.end, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
            edit.setAccessibleName(name)
        self.school = QComboBox()
        self.school.setAccessibleName("School")
        for combo in (self.report, self.school):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.show_button = QPushButton("Show")
        self.show_button.clicked.connect(self.load)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button = QPushButton("PDF pack…")
        self.pdf_button.clicked.connect(self.export_pdf)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Dashboards message")
        self.sections = QWidget()
        self.sections_layout = QVBoxLayout(self.sections)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.sections)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        controls = QHBoxLayout()
        for widget in (self.report, QLabel("from"), self.start, QLabel("to"), self.end, self.school):
            controls.addWidget(widget)
        controls.addWidget(self.show_button)
        controls.addStretch(1)
        controls.addWidget(self.csv_button)
        controls.addWidget(self.pdf_button)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll_area, 1)
        self._enable(False)

    # -- loading -----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        """When the page is shown: learn which dashboards and schools this user may see, then show the first."""
        if not self.context.unlocked:
            return
        if self.index is not None:
            return self.load()
        self.say("Asking the server…")
        self.context.runner.query(lambda col: col.dashboards.index()).on_network().success(self._indexed).failure(
            self._failed
        ).run()

    def _indexed(self, index: dict[str, Any]) -> None:
        self.index = index
        self.heading.setText(f"<h3>Dashboards — {index['audience']}</h3>")
        self.report.clear()
        for entry in index["reports"]:
            self.report.addItem(entry["title"], entry["name"])
        self.school.clear()
        schools = index["schools"]
        if len(schools) != 1:
            self.school.addItem(WHOLE, None)
        for school in schools:
            self.school.addItem(school["name"], school["id"])
        self.school.setVisible(bool(schools))
        self.load()

    def filters(self) -> tuple[date, date, str | None]:
        return _day(self.start.date()), _day(self.end.date()), self.school.currentData()

    def load(self) -> None:
        name = self.report.currentData()
        if not name:
            return
        start, end, school = self.filters()
        self._enable(False)
        self.say("Counting…")
        self.context.runner.query(lambda col: col.dashboards.fetch(name, start, end, school)).on_network().success(
            self.show_dashboard
        ).failure(self._failed).run()

    def show_dashboard(self, dashboard: dict[str, Any]) -> None:
        self.current = dashboard
        while self.sections_layout.count():
            item = self.sections_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:  # off the page now: deleteLater alone leaves it drawn until the loop runs again
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.views = [SectionView(section) for section in dashboard["sections"]]
        for view in self.views:
            self.sections_layout.addWidget(view)
        for note in dashboard.get("notes", ()):
            label = QLabel(note)
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {MUTED};")
            self.sections_layout.addWidget(label)
        self.sections_layout.addStretch(1)
        self.say(
            f"{dashboard['title']}, {dashboard['from']} to {dashboard['to']}, figures for {dashboard['audience']}."
        )
        self._enable(True)

    def _failed(self, error: BaseException) -> None:
        self._enable(self.index is not None)
        self.say(str(error), error=True)

    def _enable(self, on: bool) -> None:
        for button in (self.show_button, self.csv_button, self.pdf_button):
            button.setEnabled(on or (button is self.show_button and self.index is not None))
        self.csv_button.setEnabled(on and self.current is not None)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {RED};" if error else "")
        self.message.setText(text)

    # -- export ------------------------------------------------------------------------------------------------
    def ask_path(self, title: str, suggested: str, pattern: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, pattern)
        return Path(path) if path else None

    def export_csv(self) -> None:
        dashboard = self.current
        if dashboard is None:
            return
        path = self.ask_path(
            "Export CSV", f"{dashboard['name']}-{dashboard['from']}-{dashboard['to']}.csv", "CSV (*.csv)"
        )
        if path is None:
            return
        self.context.runner.query(lambda col: col.dashboards.write_csv(path, [dashboard])).success(
            lambda _: self.say(f"Saved {path.name}.")
        ).failure(self._failed).run()

    def export_pdf(self) -> None:
        if self.index is None:
            return
        start, end, school = self.filters()
        path = self.ask_path("Save the PDF pack", f"dashboards-{start}-{end}.pdf", "PDF (*.pdf)")
        if path is None:
            return
        names = [entry["name"] for entry in self.index["reports"]]
        self.say("Preparing the PDF pack…")

        def pack(col: Any) -> Path:
            dashboards = [col.dashboards.fetch(name, start, end, school) for name in names]
            col.dashboards.write_pdf(path, dashboards)
            return path

        self.context.runner.query(pack).on_network().success(lambda p: self.say(f"Saved {p.name}.")).failure(
            self._failed
        ).run()
