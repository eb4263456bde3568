"""Every dialog fits a 1366×768 laptop at 100% and 125% display scaling, and at 200% text size.

A dialog taller than the screen hides its own Save button (the referral dialog needed 887 px). Each dialog is
built as the app builds it, its layout's minimum size is asked for, and that must fit the space a laptop leaves
(screen less taskbar and title bar) in logical pixels. Long bodies scroll, so only the heading and the buttons
count towards the minimum.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from casedesk.ui.context import AppContext
from tests.ui.dialogs import every_dialog

SCREEN = (1366, 768)
TASKBAR, TITLE_BAR = 48, 32  # physical pixels a desktop keeps for itself, the most common of Windows and GNOME


def available(scale: float) -> tuple[int, int]:
    """The logical size a maximised dialog can have on a 1366×768 screen at this display scaling."""
    return int(SCREEN[0] / scale), int((SCREEN[1] - TASKBAR) / scale) - TITLE_BAR


def _minimum(dialog: QWidget) -> tuple[int, int]:
    hint = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
    return hint.width(), hint.height()


@pytest.fixture
def big_text(qapp: QApplication) -> Iterator[None]:
    font = qapp.font()
    bigger = QFont(font)
    bigger.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(bigger)
    yield
    qapp.setFont(font)


@pytest.mark.parametrize("scale", [1.0, 1.25])
def test_every_dialog_fits_a_laptop_screen(qtbot, context: AppContext, tmp_path: Path, scale: float) -> None:  # type: ignore[no-untyped-def]
    width, height = available(scale)
    too_big = {}
    for name, make in every_dialog(context, tmp_path):
        dialog = make()
        qtbot.addWidget(dialog)
        need = _minimum(dialog)
        if need[0] > width or need[1] > height:
            too_big[name] = need
        dialog.deleteLater()
    assert not too_big, f"minimum sizes over {width}×{height}: {too_big}"


def test_every_dialog_fits_at_200_percent_text(qtbot, context: AppContext, tmp_path: Path, big_text: None) -> None:  # type: ignore[no-untyped-def]
    width, height = available(1.0)
    too_big = {}
    for name, make in every_dialog(context, tmp_path):
        dialog = make()
        qtbot.addWidget(dialog)
        need = _minimum(dialog)
        if need[0] > width or need[1] > height:
            too_big[name] = need
        dialog.deleteLater()
    assert not too_big, f"minimum sizes over {width}×{height} with text at 200%: {too_big}"


def test_every_dialog_opens_no_larger_than_a_laptop_screen(qtbot, context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The size a dialog opens at, before any screen clamps it, leaves its buttons on a 1366×768 screen."""
    width, height = available(1.0)
    too_big = {}
    for name, make in every_dialog(context, tmp_path):
        dialog = make()
        qtbot.addWidget(dialog)
        resized = dialog.testAttribute(Qt.WidgetAttribute.WA_Resized)
        size = dialog.size() if resized else dialog.sizeHint()
        if size.width() > width or size.height() > height:
            too_big[name] = (size.width(), size.height())
        dialog.deleteLater()
    assert not too_big, f"opening sizes over {width}×{height}: {too_big}"


def test_the_window_fits_at_200_percent_text(qtbot, context: AppContext, big_text: None) -> None:  # type: ignore[no-untyped-def]
    """With text twice the size, every page of the main window still fits the laptop screen (lists scroll)."""
    from casedesk.ui.main_window import PAGES, MainWindow

    width, height = available(1.0)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    too_big = {}
    for page in PAGES:
        window.nav.setCurrentRow(PAGES.index(page))
        need = _minimum(window)
        if need[0] > width or need[1] > height:
            too_big[page] = need
    assert not too_big, f"minimum window sizes over {width}×{height} with text at 200%: {too_big}"
