"""Typing one attendance mark (a correction needs a reason: the original is kept), and choosing a register file
to import."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.attendance.codes import codes
from casedesk.ui.widgets import date_input, picked_date


class MarkDialog(QDialog):
    """One session's mark, typed: the current codes only (withdrawn ones come only from old registers)."""

    def __init__(self, parent: QWidget | None = None, day: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record an attendance mark")
        initial = day or date.today()
        self.day = date_input("dd MMM yyyy", QDate(initial.year, initial.month, initial.day))
        self.day.setMaximumDate(QDate.currentDate())
        self.half = QComboBox()
        self.half.addItems(["AM", "PM"])
        self.code = QComboBox()
        for code in codes().values():
            if not code.withdrawn:
                self.code.addItem(f"{code.code} — {code.description}", code.code)
        self.reason = QLineEdit(placeholderText="Needed when it replaces a mark already held")
        form = QFormLayout()
        form.addRow("Date", self.day)
        form.addRow("Session", self.half)
        form.addRow("Code", self.code)
        form.addRow("Reason", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        return {
            "day": picked_date(self.day),
            "half": self.half.currentText(),
            "code": self.code.currentData(),
            "reason": self.reason.text(),
        }


class ImportDialog(QDialog):
    """A school system's register export (long or wide CSV), optionally for a named school."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import an attendance register")
        self.path = QLineEdit()
        self.path.setAccessibleName("Register file")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.school = QLineEdit(placeholderText="URN; leave empty to use each child's current school")
        self.skip = QCheckBox("Leave out pupils who match no child here (they are listed)")
        form = QFormLayout()
        form.addRow("CSV file", row)
        form.addRow("School", self.school)
        form.addRow("", self.skip)
        hint = QLabel(
            "A row per session (UPN, date, session, code) or the register layout (a row per pupil, a column per "
            "session). Pupils are matched by UPN, then by name and date of birth. Nothing is imported if anything "
            "is wrong; every problem is listed with its row and column."
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Attendance register", "", "CSV files (*.csv);;All files (*)")
        if chosen:
            self.path.setText(chosen)

    def values(self) -> dict[str, Any]:
        return {
            "path": Path(self.path.text().strip()),
            "school_urn": self.school.text().strip() or None,
            "skip_unmatched": self.skip.isChecked(),
        }
