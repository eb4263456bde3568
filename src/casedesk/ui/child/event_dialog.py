"""Add a chronology entry, or amend one (the original stays; the amendment needs a reason)."""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from casedesk.domain.records import ChronologyEvent
from casedesk.domain.vocab import DataCategory, EventKind, Significance


class EventDialog(QDialog):
    def __init__(self, parent=None, amend: ChronologyEvent | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.amending = amend
        self.setWindowTitle("Amend entry" if amend else "Add to chronology")
        self.kind = QComboBox()
        for kind in EventKind:
            self.kind.addItem(kind.label, kind.value)
        self.category = QComboBox()
        for category in DataCategory:
            self.category.addItem(category.value.replace("_", " ").capitalize(), category.value)
        self.significance = QComboBox()
        for level in Significance:
            self.significance.addItem(level.value.capitalize(), level.value)
        self.when = QDateTimeEdit(QDateTime.currentDateTime(), calendarPopup=True)
        self.when.setMaximumDateTime(QDateTime.currentDateTime().addSecs(300))
        self.when.setDisplayFormat("dd MMM yyyy HH:mm")
        self.summary = QLineEdit()
        self.summary.setMaxLength(300)
        self.body = QPlainTextEdit()
        self.reason = QLineEdit(placeholderText="Why is this entry being amended?")
        self.error = QLabel()
        self.error.setStyleSheet("color: #a4262c;")
        form = QFormLayout()
        rows = [
            ("Kind", self.kind),
            ("Category", self.category),
            ("Significance", self.significance),
            ("When it happened", self.when),
            ("Summary", self.summary),
            ("Details", self.body),
        ]
        if amend:
            rows.append(("Reason for amendment", self.reason))
            self.summary.setText(amend.summary)
            self.body.setPlainText(amend.body or "")
            for combo in (self.kind, self.category, self.significance, self.when):
                combo.setEnabled(False)
            self.kind.setCurrentIndex(max(0, self.kind.findData(amend.kind)))
        for label, widget in rows:
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if amend:
            note = QLabel("The original entry is kept and shown as amended; your amendment is added beside it.")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _check(self) -> None:
        if not self.summary.text().strip():
            self.error.setText("Write a one-line summary.")
        elif self.amending and not self.reason.text().strip():
            self.error.setText("Say why the entry is amended.")
        else:
            self.accept()

    def values(self) -> dict:  # type: ignore[type-arg]
        occurred = self.when.dateTime().toPython().astimezone(UTC)
        return {
            "kind": self.kind.currentData(),
            "category": self.category.currentData(),
            "significance": self.significance.currentData(),
            "occurred_at": occurred,
            "summary": self.summary.text().strip(),
            "body": self.body.toPlainText().strip() or None,
        }
