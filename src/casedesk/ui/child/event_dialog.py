"""Add a chronology entry, or amend one (the original stays; the amendment needs a reason). A home visit asks for
what a visit must record (who was seen, seen alone, the child's words, next actions) in fields of their own."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain import schema
from casedesk.domain.records import ChronologyEvent
from casedesk.domain.visits import VisitNote
from casedesk.domain.vocab import EventKind, Significance
from casedesk.ui.child.visit_fields import VisitFields
from casedesk.ui.palette import RED
from casedesk.ui.widgets import picked_datetime, resize_to_fit, scroll_body


class EventDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, amend: ChronologyEvent | None = None) -> None:
        super().__init__(parent)
        self.amending = amend
        self.setWindowTitle("Amend entry" if amend else "Add to chronology")
        self.kind = QComboBox()
        for kind in EventKind:
            self.kind.addItem(kind.label, kind.value)
        self.category = QComboBox()
        for category in schema.CHRONOLOGY_CATEGORIES:
            self.category.addItem(category.value.replace("_", " ").capitalize(), category.value)
        self.significance = QComboBox()
        for level in Significance:
            self.significance.addItem(level.value.capitalize(), level.value)
        self.when = QDateTimeEdit(QDateTime.currentDateTime(), calendarPopup=True)
        self.when.setMaximumDateTime(QDateTime.currentDateTime().addSecs(300))
        self.when.setDisplayFormat("dd MMM yyyy HH:mm")
        self.summary = QLineEdit()
        self.summary.setMaxLength(schema.record("events").by_name["summary"].max_length or 0)
        self.body = QPlainTextEdit()
        self.restricted = QCheckBox("Restricted: third-party information, kept within your organisation")
        self.restricted.setToolTip(
            "Never shared with other organisations, in sync, referral packs or exports; not even counted for them"
        )
        self.visit = VisitFields()
        self.visit.hide()
        self.reason = QLineEdit(placeholderText="Why is this entry being amended?")
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {RED};")
        form = QFormLayout()
        rows = [
            ("Kind", self.kind),
            ("Category", self.category),
            ("Significance", self.significance),
            ("When it happened", self.when),
            ("Summary", self.summary),
            ("Details", self.body),
            ("Sharing", self.restricted),
        ]
        if amend:
            rows.append(("Reason for amendment", self.reason))
            self.summary.setText(amend.summary)
            self.body.setPlainText(amend.body or "")
            self.restricted.setChecked(bool(amend.restricted))
            for combo in (self.kind, self.category, self.significance, self.when, self.restricted):
                combo.setEnabled(False)
            self.kind.setCurrentIndex(max(0, self.kind.findData(amend.kind)))
        details = QFormLayout()  # after the visit's own fields, so a visit reads top to bottom
        for label, widget in rows:
            widget.setAccessibleName(label)
            (details if widget in (self.body, self.reason, self.restricted) else form).addRow(label, widget)
        for part in (form, details):
            part.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        body = QWidget()
        fields = QVBoxLayout(body)
        fields.setContentsMargins(0, 0, 0, 0)
        if amend:
            note = QLabel("The original entry is kept and shown as amended; your amendment is added beside it.")
            note.setWordWrap(True)
            fields.addWidget(note)
        fields.addLayout(form)
        fields.addWidget(self.visit)
        fields.addLayout(details)
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll_body(body), 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        if not amend:
            self.kind.currentIndexChanged.connect(self._kind_changed)
        resize_to_fit(self, 640, 560)

    def _kind_changed(self) -> None:
        """A home visit shows its own fields; the summary suggests itself and "Details" holds anything else."""
        visiting = self.kind.currentData() == EventKind.HOME_VISIT
        self.visit.setVisible(visiting)
        self.body.setPlaceholderText("Anything else about the visit" if visiting else "")
        self.body.setMaximumHeight(110 if visiting else 16777215)
        if visiting and not self.summary.text().strip():
            self.summary.setText("Home visit")

    def is_visit(self) -> bool:
        return self.amending is None and self.kind.currentData() == EventKind.HOME_VISIT

    def visit_note(self) -> VisitNote:
        return self.visit.note(self.body.toPlainText())

    def _check(self) -> None:
        if not self.summary.text().strip():
            self.error.setText("Write a one-line summary.")
        elif self.amending and not self.reason.text().strip():
            self.error.setText("Say why the entry is amended.")
        elif self.is_visit() and self.visit_note().problems(date.today()):
            self.error.setText("\n".join(f"• {m}" for _, m in self.visit_note().problems(date.today())))
        else:
            self.accept()

    def values(self) -> dict[str, Any]:
        occurred = picked_datetime(self.when).astimezone(UTC)
        return {
            "kind": self.kind.currentData(),
            "category": self.category.currentData(),
            "significance": self.significance.currentData(),
            "occurred_at": occurred,
            "summary": self.summary.text().strip(),
            "body": self.visit_note().body() if self.is_visit() else self.body.toPlainText().strip() or None,
            "restricted": self.restricted.isChecked(),
        }
