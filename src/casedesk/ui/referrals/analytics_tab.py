"""Analytics for the local authority, in the app: the same suppressed tables as the PDF, and a button for it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFileDialog, QGridLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QWidget

from casedesk.domain.disclosure import LEGEND
from casedesk.services.referrals.analytics import ReferralAnalytics
from casedesk.ui.context import AppContext


class AnalyticsTab(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tables: list[QTableWidget] = []
        self.save = QPushButton("Save as PDF…")
        self.save.clicked.connect(self.save_pdf)
        self.grid = QGridLayout(self)
        self.grid.addWidget(self.summary, 0, 0, 1, 2)
        self.grid.addWidget(self.save, 0, 2)

    def showEvent(self, event: QShowEvent) -> None:
        """Counted when looked at, not at every unlock."""
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.referrals.analytics()).success(self._show).run()

    def _show(self, result: ReferralAnalytics) -> None:
        self.summary.setText(
            f"<b>{result.total:,} referrals.</b> Inappropriate referrals (declined as not fitting the service): "
            f"<b>{result.inappropriate_rate}</b>. {LEGEND}"
        )
        for table in self.tables:
            table.deleteLater()
        self.tables = []
        for index, counts in enumerate(result.tables):
            rows = counts.display()
            table = QTableWidget(len(rows), 2)
            table.setHorizontalHeaderLabels([counts.title, "Referrals"])
            table.verticalHeader().hide()
            table.horizontalHeader().setStretchLastSection(False)
            table.setColumnWidth(0, 330)
            for row, (label, shown) in enumerate(rows):
                table.setItem(row, 0, QTableWidgetItem(label))
                table.setItem(row, 1, QTableWidgetItem(shown))
            self.grid.addWidget(table, 1 + index // 2, index % 2)
            self.tables.append(table)

    def save_path(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, "Save analytics", "referral-analytics.pdf", "PDF (*.pdf)")
        return Path(path) if path else None

    def save_pdf(self) -> None:
        out = self.save_path()
        if out is None or not self.context.unlocked:
            return
        self.context.runner.query(lambda col: col.referrals.write_analytics_pdf(out)).success(
            lambda _: self.summary.setText(self.summary.text() + f"<br>Saved {out.name}.")
        ).run()
