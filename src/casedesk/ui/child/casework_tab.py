"""What the SEND, Care and Youth justice tabs share: the child they show, a table helper and how they write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QWidget

from casedesk.services.children import ChildView
from casedesk.services.collection import Collection
from casedesk.ui.context import AppContext
from casedesk.ui.widgets import EmptyState

FLAG_COLOUR = QColor("#9a3412")


def day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def fill(table: QTableWidget, rows: Sequence[Sequence[str]], flagged: Sequence[bool] = ()) -> None:
    """Rows of text; a flagged row (late, overdue) is shown in the warning colour. A table shown in an
    `EmptyState` gives way to its sentence while it has no rows."""
    holder = table.parentWidget()
    if isinstance(holder, EmptyState):
        holder.set_empty(not rows)
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if r < len(flagged) and flagged[r]:
                item.setForeground(FLAG_COLOUR)
            table.setItem(r, c, item)


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600; margin-top: 6px;")
    return label


class CaseworkTab(QWidget):
    message = Signal(str)  # what the page's message line says after a write

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.view: ChildView | None = None

    @property
    def child_id(self) -> str | None:
        return self.view.child.id if self.view else None

    def show_child(self, view: ChildView, today: date) -> None:
        """Each tab extends this to fill its tables from `view`."""
        self.view = view

    def write(self, fn: Callable[[Collection], Any], done: str) -> None:
        self.context.runner.op(fn).success(lambda _: self.message.emit(done)).failure(self._failed).run(initiator=self)

    def _failed(self, error: BaseException) -> None:
        self.message.emit(str(error))
        QMessageBox.warning(self, "CaseDesk", str(error))

    def confirm(self, warnings: list[str]) -> bool:
        """Warn about what would not hang together (domain/coherence.py); the user decides."""
        if not warnings:
            return True
        answer = QMessageBox.question(
            self,
            "Check the record",
            "\n\n".join(warnings) + "\n\nRecord it anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def named(self, role: str) -> str | None:
        """The child's current named worker in this role (the default a dialog offers), if any."""
        if self.view is None:
            return None
        today = date.today()
        return next((i.worker_id for i in self.view.involvements if i.role == role and i.is_current(today)), None)

    @staticmethod
    def selected_row(table: QTableWidget) -> int | None:
        rows = {i.row() for i in table.selectedIndexes()}
        return rows.pop() if len(rows) == 1 else None
