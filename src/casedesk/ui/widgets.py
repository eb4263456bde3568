"""Small widget helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget


def filter_combo(any_label: str, items: Iterable[tuple[str, object]]) -> QComboBox:
    """A filter drop-down whose first entry ("Any …") means no filter; its accessible name says what it filters."""
    combo = QComboBox()
    combo.setAccessibleName(any_label.replace("Any", "Filter by"))
    combo.addItem(any_label, None)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def read_only_table(headers: tuple[str, ...], accessible_name: str) -> QTableWidget:
    """A list of records to read and pick one from: whole rows, one at a time, not editable, no row numbers,
    columns sharing the width (callers size columns differently where a page needs it)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table
