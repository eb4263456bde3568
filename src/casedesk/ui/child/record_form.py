"""A small form dialog the casework dialogs are built from: labelled fields by name, read back as one dict.

Optional dates have a tick box ("Not yet" unticked), so an unknown date is never saved as today by accident.
The service checks every value again; the dialog only makes the likely mistakes hard (dates before a start).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.records import Worker
from casedesk.ui.widgets import date_input, picked_date, resize_to_fit, scroll_body


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class FormDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, intro: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._layout = QVBoxLayout(self)
        self._intro: QLabel | None = None
        if intro:
            self._intro = QLabel(intro)
            self._intro.setWordWrap(True)
            self._layout.addWidget(self._intro)
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self._readers: dict[str, Any] = {}
        self.fields: dict[str, QWidget] = {}
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> FormDialog:
        """Put the fields in a scroll area (a long form on a small screen scrolls; the buttons stay in view)."""
        self._layout.addWidget(scroll_body(self.body), 1)
        self._layout.addWidget(self.buttons)
        room = 80 + (self._intro.sizeHint().height() if self._intro is not None else 0)
        resize_to_fit(self, 560, self.body.sizeHint().height() + room)
        return self

    def _add(self, name: str, label: str, widget: QWidget, reader: Any, row: QWidget | None = None) -> None:
        widget.setAccessibleName(label)
        self.fields[name] = widget
        self._readers[name] = reader
        self.form.addRow(label, row or widget)

    def add_date(
        self,
        name: str,
        label: str,
        value: date | None = None,
        *,
        optional: bool = False,
        minimum: date | None = None,
    ) -> QDateEdit:
        edit = date_input("dd MMM yyyy", qdate(value or date.today()))
        if minimum is not None:
            edit.setMinimumDate(qdate(minimum))
        if not optional:
            self._add(name, label, edit, lambda: picked_date(edit))
            return edit
        known = QCheckBox("Known")
        known.setAccessibleName(f"{label} known")
        known.setChecked(value is not None)
        edit.setEnabled(value is not None)
        known.toggled.connect(edit.setEnabled)
        row = QWidget()
        row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # one line high, like a date
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(known)
        box.addWidget(edit, 1)
        self.fields[f"{name}__known"] = known
        self._add(name, label, edit, lambda: picked_date(edit) if known.isChecked() else None, row)
        return edit

    def add_choice(self, name: str, label: str, items: Iterable[tuple[str, object]], value: object = None) -> QComboBox:
        combo = QComboBox()
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        self._add(name, label, combo, combo.currentData)
        return combo

    def add_worker(self, name: str, label: str, workers: dict[str, Worker], value: str | None = None) -> QComboBox:
        people = sorted(workers.values(), key=lambda w: w.name)
        items = [("— nobody named —", None)] + [(w.name + (f" ({w.role})" if w.role else ""), w.id) for w in people]
        return self.add_choice(name, label, items, value)

    def add_text(self, name: str, label: str, value: str | None = None) -> QLineEdit:
        edit = QLineEdit(value or "")
        self._add(name, label, edit, lambda: edit.text().strip() or None)
        return edit

    def add_long(self, name: str, label: str, value: str | None = None) -> QPlainTextEdit:
        edit = QPlainTextEdit(value or "")
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(72)
        self._add(name, label, edit, lambda: edit.toPlainText().strip() or None)
        return edit

    def values(self) -> dict[str, Any]:
        return {name: read() for name, read in self._readers.items()}


def end_date_dialog(parent: QWidget | None, title: str, what: str, start: date) -> FormDialog:
    dialog = FormDialog(parent, title, f"When did {what} end?")
    dialog.add_date("end", "Ended on", max(date.today(), start), minimum=start)
    return dialog.finish()


def ask_end_date(parent: QWidget | None, title: str, what: str, start: date) -> date | None:
    """Ask when something ended (today unless changed; never before it started). None: the user cancelled."""
    dialog = end_date_dialog(parent, title, what, start)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    value = dialog.values()["end"]
    return value if isinstance(value, date) else None
