"""Outcomes for the local authority, in the app: the meeting and plan counts with small numbers suppressed."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QTableWidget, QTableWidgetItem, QWidget

from casedesk.domain import disclosure
from casedesk.services.meetings.outcomes import MeetingOutcomes
from casedesk.ui.context import AppContext


class OutcomesTab(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Outcomes summary")
        self.tables: list[QTableWidget] = []
        self.grid = QGridLayout(self)
        self.grid.addWidget(self.summary, 0, 0, 1, 2)

    def showEvent(self, event: QShowEvent) -> None:
        """Counted when looked at, not at every unlock."""
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.meetings.outcomes(date.today())).success(self._show).run()

    def _show(self, result: MeetingOutcomes) -> None:
        self.summary.setText(
            f"<b>{result.meetings:,} meetings.</b> Actions done by "
            f"their due date: <b>{result.on_time_rate}</b>. {disclosure.LEGEND}"
        )
        for table in self.tables:
            table.deleteLater()
        self.tables = []
        for index, counts in enumerate(result.tables):
            rows = counts.display()
            table = QTableWidget(len(rows), 2)
            table.setAccessibleName(counts.title)
            table.setHorizontalHeaderLabels([counts.title, "Count"])
            table.verticalHeader().hide()
            table.setColumnWidth(0, 300)
            for row, (label, shown) in enumerate(rows):
                table.setItem(row, 0, QTableWidgetItem(label))
                table.setItem(row, 1, QTableWidgetItem(shown))
            self.grid.addWidget(table, 1 + index // 2, index % 2)
            self.tables.append(table)
