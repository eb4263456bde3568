"""The audit across children: choose by child, user, organisation, action and dates; see the server's access log
joined with this computer's audit; export the selection as CSV or PDF (each export audited).

Shown on the Audit page to auditors and managers, and in a dialog ("Audit across children…") administrators open
from the Administration page; the search runs on the network pool.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.audit_search import ACTIONS, AuditFilters, AuditSelection
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED
from casedesk.ui.widgets import filling, read_only_table

HEADERS = ("When (UTC)", "Source", "Child", "Organisation", "User", "Action", "Detail")


def _day(edit: QDateEdit, on: QCheckBox) -> date | None:
    if not on.isChecked():
        return None
    day = edit.date()
    return date(day.year(), day.month(), day.day())


class AuditSearchPanel(QWidget):
    """The search, its table and its exports: embedded in the Audit page, and in the dialog administrators open."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.selection: AuditSelection | None = None
        self.child = QLineEdit()
        self.child.setPlaceholderText("a name or the child's id")
        self.child.setAccessibleName("Child")
        self.user = QLineEdit()
        self.user.setAccessibleName("User")
        self.organisation = QComboBox()
        self.organisation.setAccessibleName("Organisation")
        self.organisation.addItem("Any organisation", "")
        self.action = QComboBox()
        self.action.setAccessibleName("Action")
        self.action.addItem("Any action", "")
        for key, label in ACTIONS.items():
            self.action.addItem(label, key)
        today = QDate.currentDate()
        self.since, self.since_on = QDateEdit(today.addMonths(-1)), QCheckBox("From")
        self.until, self.until_on = QDateEdit(today), QCheckBox("To")
        for edit, name in ((self.since, "From day"), (self.until, "To day")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
            edit.setAccessibleName(name)
        self.since_on.setChecked(True)
        form = QFormLayout()
        form.addRow("Child", self.child)
        form.addRow("User", self.user)
        form.addRow("Organisation", self.organisation)
        form.addRow("Action", self.action)
        days = QHBoxLayout()
        for widget in (self.since_on, self.since, self.until_on, self.until):
            days.addWidget(widget)
        days.addStretch(1)
        form.addRow("Dates", days)
        self.search_button = QPushButton("Search")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.table = read_only_table(HEADERS, "Audit entries")
        header = self.table.horizontalHeader()
        for column in range(len(HEADERS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.summary.setAccessibleName("Selection")
        self.csv_button = QPushButton("Export CSV…")
        self.pdf_button = QPushButton("Export PDF…")
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.search_button)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.csv_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._enable()

    def load_organisations(self) -> None:
        self.context.runner.query(lambda col: col.audit_search.organisations()).success(self._organisations).run(self)

    def _organisations(self, names: dict[str, str]) -> None:
        for org_id, name in sorted(names.items(), key=lambda kv: kv[1].casefold()):
            self.organisation.addItem(name, org_id)

    def filters(self) -> AuditFilters:
        return AuditFilters(
            child=self.child.text(),
            user=self.user.text(),
            organisation=str(self.organisation.currentData() or ""),
            action=str(self.action.currentData() or ""),
            since=_day(self.since, self.since_on),
            until=_day(self.until, self.until_on),
        )

    def search(self) -> None:
        filters = self.filters()
        self.summary.setText("Searching…")
        run = self.context.runner.query(lambda col: col.audit_search.search(filters)).on_network()
        run.success(self.show_selection).failure(self._failed).run(self)

    def show_selection(self, selection: AuditSelection) -> None:
        self.selection = selection
        with filling(self.table, len(selection.rows)):
            for r, row in enumerate(selection.rows):
                cells = (
                    f"{row.at:%d %b %Y %H:%M}",
                    row.source,
                    row.child or row.child_id,
                    row.organisation,
                    row.user,
                    ACTIONS.get(row.action, row.action),
                    row.detail,
                )
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)
                    self.table.setItem(r, c, item)
        overrides = f"; {len(selection.overrides)} break-glass override(s) in the period" if selection.overrides else ""
        count = len(selection.rows)
        words = f"{count:,} {'entry' if count == 1 else 'entries'} ({selection.selection}){overrides}."
        self.summary.setText(words + (f" {selection.note}" if selection.note else ""))
        self._enable()

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(str(error))

    def _enable(self) -> None:
        shown = self.selection is not None
        self.csv_button.setEnabled(shown)
        self.pdf_button.setEnabled(shown)

    def export(self, kind: str, path: Path | None = None) -> None:
        selection = self.selection
        if selection is None:
            return
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export the audit", f"audit.{kind}", f"{kind.upper()} (*.{kind})"
            )
            if not chosen:
                return
            path = Path(chosen)
        write = "write_csv" if kind == "csv" else "write_pdf"
        saved = f"Saved {len(selection.rows):,} entries to {path} (OFFICIAL-SENSITIVE)."
        run = self.context.runner.op(lambda col: getattr(col.audit_search, write)(selection, path))
        run.success(lambda _: self.summary.setText(saved)).failure(self._failed).run(self)
