"""My actions: the plan actions I own and every action on the plans I lead, overdue first, each with where it
stands; mark one done with a note (it goes to the child's chronology) or started, or open the child."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from casedesk.domain.meetings.rules import ActionState
from casedesk.domain.records import Changes
from casedesk.services.meetings.actions import ActionItem, counts
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.plan_dialogs import done_dialog
from casedesk.ui.palette import RED
from casedesk.ui.widgets import EmptyState, read_only_table

HEADERS = ("Due", "Where it stands", "Action", "Child", "Who", "Why it is here")
NO_ACTIONS = (
    "No actions for you. Actions you own on a plan, and every action on the plans you lead, appear here with "
    "their due dates, overdue ones first.\nPlans are started on the child's Meetings and plans tab."
)
PLAN_ENTITIES = {"plans", "plan_actions"}


class MyActionsView(QWidget):
    open_child = Signal(str)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.items: list[ActionItem] = []
        self.heading = QLabel()
        self.heading.setAccessibleName("My actions summary")
        self.finished = QCheckBox("Show finished actions")
        self.finished.toggled.connect(lambda _on: self.reload())
        self.table = read_only_table(HEADERS, "My actions")
        self.table.doubleClicked.connect(lambda _index: self._open())
        self.empty = EmptyState(self.table, NO_ACTIONS)
        self.done_button = QPushButton("Mark done…")
        self.done_button.clicked.connect(self.mark_done)
        self.start_button = QPushButton("Mark started")
        self.start_button.clicked.connect(self.mark_started)
        open_child = QPushButton("Open the child")
        open_child.clicked.connect(self._open)
        self.message = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.finished)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        for button in (self.done_button, self.start_button, open_child):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty, 1)
        layout.addLayout(row)
        context.runner.changes_applied.connect(self._on_changes)

    def reload(self) -> None:
        if self.context.unlocked:
            finished = self.finished.isChecked()
            self.context.runner.query(lambda col: col.plans.mine(date.today(), finished=finished)).success(
                self._fill
            ).run()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.entities & PLAN_ENTITIES:
            self.reload()

    def _fill(self, items: list[ActionItem]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            a = item.action
            why = "Yours" + (" · on a plan you lead" if item.leading else "") if item.mine else "On a plan you lead"
            cells = (f"{a.due_on:%d %b %Y}", item.state.label, a.what, item.child_name, a.owner_name, why)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if item.state is ActionState.OVERDUE:
                    cell.setForeground(QColor(RED))
                self.table.setItem(row, column, cell)
        self.table.resizeColumnToContents(0)
        self.empty.set_empty(not items)
        tally = counts(items)
        self.heading.setText(
            f"{tally.get(ActionState.OVERDUE, 0)} overdue · {tally.get(ActionState.DUE_SOON, 0)} due within a week · "
            f"{sum(1 for i in items if i.live)} still to do"
        )

    def current(self) -> ActionItem | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _open(self) -> None:
        item = self.current()
        if item is not None:
            self.open_child.emit(item.action.child_id)

    def mark_done(self) -> None:
        item = self.current()
        if item is None or not item.live:
            self.message.setText("Choose an action still to do.")
            return
        dialog = done_dialog(self, item.action.what)
        if dialog.exec():
            values, action_id = dialog.values(), item.action.id
            self.context.runner.op(
                lambda col: col.plans.complete_action(action_id, values["done_on"], values["note"] or "")
            ).success(lambda _r: self.message.setText("Marked done; the note is in the child's chronology.")).failure(
                lambda error: self.message.setText(str(error))
            ).run(initiator=self)

    def mark_started(self) -> None:
        item = self.current()
        if item is None or not item.live:
            self.message.setText("Choose an action still to do.")
            return
        action_id = item.action.id
        self.context.runner.op(lambda col: col.plans.start_action(action_id)).failure(
            lambda error: self.message.setText(str(error))
        ).run(initiator=self)
