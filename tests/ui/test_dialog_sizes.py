"""Every dialog fits a 1366×768 laptop at 100% and 125% display scaling, and at 200% text size.

A dialog taller than the screen hides its own Save button (the referral dialog needed 887 px). Each dialog is
built as the app builds it, its layout's minimum size is asked for, and that must fit the space a laptop leaves
(screen less taskbar and title bar) in logical pixels. Long bodies scroll, so only the heading and the buttons
count towards the minimum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from casedesk.store.journal.conflicts import ConflictView
from casedesk.ui.caseload.new_child_dialog import NewChildDialog
from casedesk.ui.child.event_dialog import EventDialog
from casedesk.ui.context import AppContext
from casedesk.ui.referrals.dialog import ReferralDialog
from casedesk.ui.sync.page import ConflictDialog
from casedesk.ui.triage.wizard import TriageWizard
from casedesk.ui.unlock.first_run_dialog import FirstRunDialog
from casedesk.ui.unlock.unlock_dialog import UnlockDialog
from tests.ui.conftest import add_child

SCREEN = (1366, 768)
TASKBAR, TITLE_BAR = 48, 32  # physical pixels a desktop keeps for itself, the most common of Windows and GNOME


def available(scale: float) -> tuple[int, int]:
    """The logical size a maximised dialog can have on a 1366×768 screen at this display scaling."""
    return int(SCREEN[0] / scale), int((SCREEN[1] - TASKBAR) / scale) - TITLE_BAR


def _conflict() -> ConflictView:
    return ConflictView(
        conflict_id="c1",
        entity="children",
        row_id="r1",
        child_id="r1",
        field="address_line",
        critical=True,
        kept="12 Mill Lane",
        candidates=[
            {"value": "12 Mill Lane", "author": "Sam Tester"},
            {"value": "4 Station Road, Hebden Bridge", "author": "Alex Rivers"},
        ],
        state="open",
        resolution=None,
    )


def _dialogs(context: AppContext, tmp_path: Path) -> Iterator[tuple[str, Callable[[], QDialog]]]:
    child = add_child(context.col.db, "Ava", "Smith", date(2015, 3, 1))
    yield "referral", lambda: ReferralDialog(context, child, "Ava Smith", None, "Early Help Hub (sample)")
    yield "new child", lambda: NewChildDialog(context)
    yield "chronology entry", lambda: EventDialog()

    def visit() -> QDialog:
        dialog = EventDialog()
        dialog.kind.setCurrentIndex(dialog.kind.findData("home_visit"))
        return dialog

    yield "home visit", visit
    yield "conflict", lambda: ConflictDialog(_conflict())
    yield "unlock", lambda: UnlockDialog(context, context.db_path)
    yield "first run", lambda: FirstRunDialog(context, tmp_path / "new.db")

    def wizard() -> QDialog:
        dialog = TriageWizard(context, child, "Ava Smith")
        dialog.start_new()
        dialog.choose.chosen.emit(dialog.choose.current())  # on a question page every button shows
        return dialog

    yield "needs check", wizard


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
    for name, make in _dialogs(context, tmp_path):
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
    for name, make in _dialogs(context, tmp_path):
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
    for name, make in _dialogs(context, tmp_path):
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
