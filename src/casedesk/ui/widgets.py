"""Small widget helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox


def filter_combo(any_label: str, items: Iterable[tuple[str, object]]) -> QComboBox:
    """A filter drop-down whose first entry ("Any …") means no filter; its accessible name says what it filters."""
    combo = QComboBox()
    combo.setAccessibleName(any_label.replace("Any", "Filter by"))
    combo.addItem(any_label, None)
    for label, value in items:
        combo.addItem(label, value)
    return combo
