"""The fields a home visit records, shown in the chronology entry dialog when the kind is "Home visit": who was
seen, whether the child was seen alone, the child's own words, and next actions with owners and dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.visits import SEEN_ALONE, NextAction, VisitNote
from casedesk.ui.child.form import typed_date

ACTION_HEADERS = ("What is to be done", "Who will do it", "By when (dd/mm/yyyy)")


class VisitFields(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("The visit", parent)
        self.who_was_seen = QLineEdit(placeholderText="e.g. Finley, his mother and her partner")
        self.seen_alone = QComboBox()
        self.seen_alone.addItem("Choose…", "")
        for code, label in SEEN_ALONE.items():
            self.seen_alone.addItem(label, code)
        self.childs_words = QPlainTextEdit(placeholderText="What the child said, as they said it")
        self.childs_words.setFixedHeight(70)
        self.next_actions = QTableWidget(0, len(ACTION_HEADERS))
        self.next_actions.setHorizontalHeaderLabels(ACTION_HEADERS)
        self.next_actions.verticalHeader().hide()
        self.next_actions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.next_actions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.next_actions.setFixedHeight(110)
        self.next_actions.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between its cells
        add, remove = QPushButton("Add an action"), QPushButton("Remove the chosen action")
        add.clicked.connect(self.add_action)
        remove.clicked.connect(self._remove_action)
        for widget, name in (
            (self.who_was_seen, "Who was seen"),
            (self.seen_alone, "Child seen alone"),
            (self.childs_words, "The child's own words"),
            (self.next_actions, "Next actions"),
            (add, "Add a next action"),
            (remove, "Remove the chosen next action"),
        ):
            widget.setAccessibleName(name)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Who was seen", self.who_was_seen)
        form.addRow("Child seen alone", self.seen_alone)
        form.addRow("The child's own words", self.childs_words)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.next_actions)
        layout.addLayout(buttons)

    def add_action(self, what: str = "", owner: str = "", due: str = "") -> None:
        row = self.next_actions.rowCount()
        self.next_actions.insertRow(row)
        for column, text in enumerate((what, owner, due)):
            self.next_actions.setItem(row, column, QTableWidgetItem(text))

    def _remove_action(self) -> None:
        rows = sorted({i.row() for i in self.next_actions.selectedIndexes()}, reverse=True)
        for row in rows:
            self.next_actions.removeRow(row)

    def note(self, notes: str = "") -> VisitNote:
        actions = []
        for row in range(self.next_actions.rowCount()):
            items = [self.next_actions.item(row, c) for c in range(3)]
            cells = [item.text() if item is not None else "" for item in items]
            if not any(c.strip() for c in cells):
                continue  # an empty row left over is not an action
            due = typed_date(cells[2])
            actions.append(NextAction(cells[0], cells[1], due if isinstance(due, date) else None))
        return VisitNote(
            who_was_seen=self.who_was_seen.text(),
            seen_alone=self.seen_alone.currentData() or "",
            childs_words=self.childs_words.toPlainText(),
            actions=tuple(actions),
            notes=notes,
        )
