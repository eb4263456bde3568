"""The child's Audit tab: who has seen, printed, exported, shared or changed this record.

The lines come from `col.audit.child_audit` (this device's audit joined with the server's access log, fetched on
the network pool); this only shows them, filtered by what was done, and says when the server's part is missing.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.audit_trail import KINDS, ChildAudit
from casedesk.ui.context import AppContext
from casedesk.ui.palette import MUTED
from casedesk.ui.widgets import EmptyState, filling, read_only_table

HEADERS = ("When", "What", "Who", "Where", "Detail")
EVERYTHING = "Everything"
NOTHING_YET = (
    "Nothing is recorded about this child yet. Each time someone opens, prints, exports, shares or changes the "
    "record, and each time another organisation's device receives it, a line appears here."
)


class AuditTab(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.child_id: str | None = None
        self.audit: ChildAudit | None = None
        self.what = QComboBox()
        self.what.setAccessibleName("Show what was done")
        self.what.addItems([EVERYTHING, *KINDS])
        self.what.currentIndexChanged.connect(self._fill)
        self.refresh = QPushButton("Refresh")
        self.refresh.clicked.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.what)
        top.addStretch(1)
        top.addWidget(self.refresh)
        self.table = read_only_table(HEADERS, "Who has seen, printed, exported, shared or changed this record")
        fit = QHeaderView.ResizeMode.ResizeToContents
        for column in (0, 1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(column, fit)
        self.empty = EmptyState(self.table, NOTHING_YET)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        self.note.setAccessibleName("About the server's access log")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.note)

    def show_child(self, child_id: str) -> None:
        self.child_id = child_id
        self.audit = None
        self.table.setRowCount(0)
        self.reload()

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None or not self.context.unlocked:
            return
        self.note.setText("Asking the server for its access log…")
        self.refresh.setEnabled(False)
        self.context.runner.query(lambda col: col.audit.child_audit(child_id)).on_network().success(
            self._loaded
        ).failure(self._failed).run()

    def _loaded(self, audit: ChildAudit) -> None:
        if audit.child_id != self.child_id:
            return
        self.audit = audit
        self.refresh.setEnabled(True)
        sources = "this device's audit and the server's access log"
        self.note.setText(audit.server_note or f"From {sources}. Times are shown in this computer's time zone.")
        self._fill()

    def _failed(self, error: BaseException) -> None:
        self.refresh.setEnabled(True)
        self.note.setText(f"The audit could not be read: {error}")

    def _fill(self, *_: object) -> None:
        if self.audit is None:
            return
        choice = self.what.currentText()
        lines = self.audit.only(None if choice == EVERYTHING else choice)
        with filling(self.table, len(lines)):
            for row, line in enumerate(lines):
                cells = (f"{line.at.astimezone():%d %b %Y %H:%M}", line.what, line.who, line.where, line.detail)
                for column, text in enumerate(cells):
                    cell = QTableWidgetItem(text)
                    cell.setToolTip(text)
                    self.table.setItem(row, column, cell)
        message = NOTHING_YET if not self.audit.lines else f"Nothing of this kind ({choice.lower()}) is recorded."
        self.empty.set_empty(not lines, message)
