"""Small form dialogs for recording education: each is a list of labelled inputs whose `values()` are the
keyword arguments of an education use case (`col.education`). The school picker searches the register."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casedesk.ui.child import record_form
from casedesk.ui.context import AppContext
from casedesk.ui.widgets import date_input, picked_date

DATE_FORMAT = "dd MMM yyyy"


def choice(items: Iterable[tuple[str, object]], none: str | None = None) -> QComboBox:
    combo = QComboBox()
    if none is not None:
        combo.addItem(none, None)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def day_input(initial: date | None = None) -> QDateEdit:
    field = date_input(DATE_FORMAT)
    field.setDate(QDate(initial) if initial else QDate.currentDate())
    return field


class OptionalDate(QWidget):
    """A date that may not have happened yet: unticked means none."""

    def __init__(self, label: str, initial: date | None = None) -> None:
        super().__init__()
        self.given = QCheckBox(label)
        self.field = day_input(initial)
        self.given.setChecked(initial is not None)
        self.field.setEnabled(initial is not None)
        self.given.toggled.connect(self.field.setEnabled)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # one line high, like a date
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.given)
        row.addWidget(self.field, 1)

    def value(self) -> date | None:
        return picked_date(self.field) if self.given.isChecked() else None

    def set_value(self, day: date | None) -> None:
        self.given.setChecked(day is not None)
        if day is not None:
            self.field.setDate(QDate(day))


class SchoolPicker(QWidget):
    """Type part of a school's name, URN or postcode; the register's open schools that match are listed."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.search = QLineEdit(placeholderText="Search the schools register: name, URN or postcode")
        self.search.setAccessibleName("Search schools")
        self.results = QListWidget()
        self.results.setAccessibleName("Schools found")
        self.results.setMinimumHeight(140)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        self.search.textChanged.connect(self.look_up)
        self.look_up("")

    def look_up(self, text: str) -> None:
        self.context.runner.query(lambda col: col.education.search_schools(text)).success(self._show).run()

    def _show(self, schools: list[dict[str, Any]]) -> None:
        self.results.clear()
        for school in schools:
            words = [school["name"], f"URN {school['urn']}" if school.get("urn") else ""]
            words += [school.get("phase") or "", school.get("postcode") or ""]
            item = QListWidgetItem(" · ".join(w for w in words if w))
            item.setData(256, school["id"])
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def value(self) -> str | None:
        item = self.results.currentItem()
        return str(item.data(256)) if item is not None else None


class FormDialog(record_form.FormDialog):
    """The casework form dialog built from a list of (key, label, input): `values()` reads every input by its key."""

    def __init__(self, parent: QWidget | None, title: str, fields: list[tuple[str, str, QWidget]]) -> None:
        super().__init__(parent, title)
        for key, label, widget in fields:
            self._add(key, label, widget, partial(read, widget))
        self.finish()

    @property
    def inputs(self) -> dict[str, QWidget]:
        return self.fields


def read(widget: QWidget) -> Any:
    if isinstance(widget, (SchoolPicker, OptionalDate)):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QDateEdit):
        return picked_date(widget)
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip() or None
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    raise TypeError(f"no value for {type(widget).__name__}")


def note_input() -> QPlainTextEdit:
    field = QPlainTextEdit()
    field.setFixedHeight(70)
    return field


def sessions_input(minimum: int, maximum: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    return spin
