"""Statuses and involvements over time: tables of periods with start and end, current ones first."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.vocab import SEN_PRIMARY_NEEDS, InvolvementRole, StatusKind, label_of
from casedesk.services.children import ChildView
from casedesk.ui.widgets import EmptyState, read_only_table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))


class StatusesTab(QWidget):
    add_requested = Signal()
    end_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.table = read_only_table(("Status", "Detail", "From", "To", "Current"), "Statuses")
        self._ids: list[str] = []
        add, end = QPushButton("Add status…"), QPushButton("End selected…")
        add.clicked.connect(self.add_requested)
        end.clicked.connect(self._end)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(add)
        buttons.addWidget(end)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        self.empty = EmptyState(
            self.table,
            "No statuses recorded for this child. Statuses such as child in need, a child protection plan, looked "
            "after or an EHC plan appear here with their dates.\n"
            "To record one, choose \u201cAdd status\u2026\u201d above.",
        )
        layout.addWidget(self.empty)

    def show_child(self, view: ChildView, today: date) -> None:
        periods = sorted(view.statuses, key=lambda p: (not p.is_current(today), p.start_date), reverse=False)
        self._ids = [p.id for p in periods]
        _fill(
            self.table,
            [
                (
                    label_of(StatusKind, p.kind),
                    SEN_PRIMARY_NEEDS.get(p.detail or "", p.detail or ""),
                    f"{p.start_date:%d %b %Y}",
                    f"{p.end_date:%d %b %Y}" if p.end_date else "",
                    "Yes" if p.is_current(today) else "",
                )
                for p in periods
            ],
        )
        self.empty.set_empty(not periods)

    def _end(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) == 1:
            self.end_requested.emit(self._ids[rows.pop()])


class InvolvementsTab(QWidget):
    add_requested = Signal()
    edit_requested = Signal(str)
    end_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.table = read_only_table(("Organisation", "Named worker", "Role", "From", "To"), "Involvements")
        self._ids: list[str] = []
        add, edit, end = QPushButton("Add involvement…"), QPushButton("Edit selected…"), QPushButton("End selected…")
        add.clicked.connect(self.add_requested)
        edit.clicked.connect(lambda: self._emit_selected(self.edit_requested))
        end.clicked.connect(lambda: self._emit_selected(self.end_requested))
        self.table.doubleClicked.connect(lambda _: self._emit_selected(self.edit_requested))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (add, edit, end):
            buttons.addWidget(button)
        self.empty = EmptyState(
            self.table,
            "No agencies or named workers recorded for this child. Each agency involved appears here with its "
            "named worker, their role and the dates.\n"
            "To record one, choose \u201cAdd involvement\u2026\u201d above.",
        )
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)

    def show_child(self, view: ChildView, today: date) -> None:
        involvements = sorted(view.involvements, key=lambda i: (not i.is_current(today), i.start_date))
        self._ids = [i.id for i in involvements]
        _fill(
            self.table,
            [
                (
                    view.organisations[i.organisation_id].name if i.organisation_id in view.organisations else "",
                    view.workers[i.worker_id].name if i.worker_id in view.workers else "",
                    label_of(InvolvementRole, i.role),
                    f"{i.start_date:%d %b %Y}",
                    f"{i.end_date:%d %b %Y}" if i.end_date else "",
                )
                for i in involvements
            ],
        )
        self.empty.set_empty(not involvements)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _emit_selected(self, signal: Any) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) == 1:
            signal.emit(self._ids[rows.pop()])
