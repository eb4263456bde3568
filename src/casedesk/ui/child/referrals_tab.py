"""A child's referrals on their record: where each stands and whether acknowledgement is overdue."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Changes
from casedesk.domain.referrals.workflow import ReferralStatus
from casedesk.services.referrals.service import ReferralListItem
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED
from casedesk.ui.widgets import EmptyState, read_only_table

HEADERS = ("Service", "Status", "Made", "Acknowledge by")
NO_REFERRALS = (
    "No referrals for this child yet. Each one appears here with where it stands and when the service should "
    "answer.\nTo make the first, choose \u201cFind a service to refer to\u2026\u201d below."
)


class ChildReferralsTab(QWidget):
    open_referral = Signal(str)
    find_services = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.child_id: str | None = None
        self.items: list[ReferralListItem] = []
        self.table = read_only_table(HEADERS, "The child's referrals")
        self.table.doubleClicked.connect(self._open)
        self.note = QLabel()
        find = QPushButton("Find a service to refer to…")
        find.clicked.connect(self.find_services)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(find)
        layout = QVBoxLayout(self)
        self.empty = EmptyState(self.table, NO_REFERRALS)
        layout.addWidget(self.empty, 1)
        layout.addLayout(row)
        context.runner.changes_applied.connect(self._on_changes)

    def show_child(self, child_id: str) -> None:
        self.child_id = child_id
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.referrals.listing(date.today(), child_id)).success(
                self._fill
            ).run()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if self.child_id and changes.touches("referrals"):
            self.show_child(self.child_id)

    def _fill(self, items: list[ReferralListItem]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            r = item.referral
            cells = (
                r.service_name,
                ReferralStatus(r.status).label,
                f"{r.created_at.astimezone():%d %b %Y}",
                (f"{item.due:%d %b %Y}" + (" — OVERDUE" if item.overdue else "")) if item.due else "",
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if item.overdue:
                    cell.setForeground(QColor(RED))
                self.table.setItem(row, column, cell)
        overdue = sum(i.overdue for i in items)
        self.empty.set_empty(not items)
        self.note.setText(
            ""
            if not items
            else ("1 referral" if len(items) == 1 else f"{len(items)} referrals")
            + (f", {overdue} waiting too long for acknowledgement" if overdue else "")
        )

    def _open(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self.items):
            self.open_referral.emit(self.items[index.row()].referral.id)
