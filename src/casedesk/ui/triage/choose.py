"""The wizard's first page: which questionnaire to use, with its description and its sample-content notice.

The notice is shown before the first question because the bundled check is sample content an area must
configure; a teacher should know that before relying on its level.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from casedesk.domain.triage.model import Questionnaire
from casedesk.services.triage.questionnaires import QuestionnaireEntry
from casedesk.ui.palette import AMBER, MUTED


class ChoosePage(QWidget):
    chosen = Signal(object)  # Questionnaire, on double-click

    def __init__(self) -> None:
        super().__init__()
        self.choices = QListWidget()
        self.choices.setAccessibleName("Questionnaires")
        self.choices.setMaximumHeight(120)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setAccessibleName("About this check")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Which check do you want to use?"))
        layout.addWidget(self.choices)
        layout.addWidget(self.about)
        layout.addStretch(1)
        self.choices.currentRowChanged.connect(self._describe)
        self.choices.itemDoubleClicked.connect(lambda _item: self.chosen.emit(self.current()))

    def set_entries(self, entries: list[QuestionnaireEntry]) -> None:
        self.choices.clear()
        for entry in entries:
            item = QListWidgetItem(f"{entry.title} (version {entry.version}, {entry.source})")
            item.setData(Qt.ItemDataRole.UserRole, entry.questionnaire)
            self.choices.addItem(item)
        self.choices.setCurrentRow(0)

    def current(self) -> Questionnaire | None:
        item = self.choices.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _describe(self, row: int) -> None:
        item = self.choices.item(row)
        q: Questionnaire | None = item.data(Qt.ItemDataRole.UserRole) if item else None
        if q is None:
            self.about.clear()
            return
        size = f"{len(q.sections)} sections, at most {sum(1 for _ in q.questions())} questions"
        self.about.setText(
            f"<p>{html.escape(q.description)}</p><p style='color:{MUTED}'>{size}.</p>"
            f"<p style='color:{AMBER}'><b>Please note:</b> {html.escape(q.notice)}</p>"
        )
