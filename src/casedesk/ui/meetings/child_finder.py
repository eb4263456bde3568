"""Find a child to add to a meeting or a panel: type 3 or more letters of a name or identifier, pick from the
children found (double-click or "Add child")."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from casedesk.domain.records import Child
from casedesk.ui.context import AppContext

ID_ROLE = 256


class ChildFinder(QWidget):
    chosen = Signal(object)  # the Child

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.search = QLineEdit(placeholderText="Find a child: 3 or more letters of a name or identifier")
        self.search.setAccessibleName("Find a child")
        self.found = QListWidget()
        self.found.setAccessibleName("Children found")
        self.found.setMaximumHeight(90)
        add = QPushButton("Add child")
        add.clicked.connect(self.add_current)
        self.found.itemDoubleClicked.connect(lambda _item: self.add_current())
        self.search.textChanged.connect(self.look_up)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.found)

    def look_up(self, text: str) -> None:
        self.context.runner.query(lambda col: col.meetings.find_children(text)).success(self._show).run()

    def _show(self, children: list[Child]) -> None:
        self.found.clear()
        for child in children:
            item = QListWidgetItem(f"{child.display_name} · born {child.date_of_birth:%d %b %Y}")
            item.setData(ID_ROLE, child)
            self.found.addItem(item)
        if self.found.count():
            self.found.setCurrentRow(0)

    def add_current(self) -> None:
        item = self.found.currentItem()
        if item is not None:
            self.chosen.emit(item.data(ID_ROLE))
