"""Every control can be reached from the keyboard and has a name a screen reader can say, on every page and in
every dialog (a name of its own, its visible text, or the label that names it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from casedesk.services.demo.load import seed_demo
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import PAGES, MainWindow
from tests.ui.dialogs import every_dialog

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView)


def _named_by_label(root: QWidget) -> set[int]:
    return {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}


def _controls(root: QWidget) -> Iterator[QWidget]:
    for widget in root.findChildren(QWidget):
        if isinstance(widget, CONTROLS) and widget.isVisibleTo(root) and not isinstance(widget.parent(), QTabBar):
            if widget.objectName().startswith("qt_"):  # Qt's own parts (scroll bar buttons, calendar popups)
                continue
            if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):  # the line edit inside an editable box
                continue
            if isinstance(widget, QHeaderView):  # part of its table, which carries the name
                continue
            yield widget


def problems(root: QWidget) -> list[str]:
    """Controls with no spoken name, or that the keyboard cannot reach."""
    labelled = _named_by_label(root)
    found = []
    for widget in _controls(root):
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        where = f"{type(widget).__name__} in {type(widget.parent()).__name__}"
        if not (widget.accessibleName().strip() or text.strip() or id(widget) in labelled):
            found.append(f"no name: {where} {widget.toolTip()!r}")
        if widget.isEnabled() and widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            found.append(f"not reachable by keyboard: {where} {text or widget.accessibleName()!r}")
    return found


def test_every_page_of_the_window(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    seed_demo(context.col.db, children=20, seed=2)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    found = {}
    for page in PAGES:
        if page == "Child":
            window.open_child(window.caseload.model.row_at(0).child_id)
        window.nav.setCurrentRow(PAGES.index(page))
        shown = window.stack.currentWidget()
        tabs = shown.findChildren(QTabBar)
        for bar in tabs or [None]:
            for index in range(bar.count() if bar else 1):
                if bar is not None:
                    bar.setCurrentIndex(index)
                for problem in problems(shown):
                    found.setdefault(page, []).append(problem)
    found.update({"window": problems(window.nav.parentWidget())} if problems(window.nav.parentWidget()) else {})
    assert not found, "\n".join(f"{k}: {p}" for k, v in found.items() for p in v)


def test_every_dialog(qtbot, context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found = {}
    for name, make in every_dialog(context, tmp_path):
        dialog = make()
        qtbot.addWidget(dialog)
        if problems(dialog):
            found[name] = problems(dialog)
        dialog.deleteLater()
    assert not found, "\n".join(f"{k}: {p}" for k, v in found.items() for p in v)
