"""The window at 1366×768, the screen of most council laptops: every page fits beside the navigation without a
horizontal scroll bar, before a child is chosen and with a child whose name is long. The window's pages share one
scroll area, so one page too wide (the child page's header, once) put a scroll bar under every page."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from casedesk.services.demo.load import seed_demo
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow


def _room(window: MainWindow) -> tuple[int, int]:
    """(the width the widest page needs, the width the window gives the pages)."""
    return window.stack.minimumSizeHint().width(), window.page_area.viewport().width()


def test_every_page_fits_a_1366_by_768_window(qtbot: QtBot, context: AppContext) -> None:
    seed_demo(context.col.db, children=10, seed=3)
    with context.col.db.unit_of_work("tester") as uow:
        long_named = uow.insert(
            "children",
            {
                "given_name": "Alexandria-Rose Philippa",
                "family_name": "Montgomery-Fitzwilliam-Oyelaran",
                "date_of_birth": date(2014, 3, 2),
            },
        )
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.page_area.viewport().width() > 0)
    needed, given = _room(window)
    assert needed <= given, f"before a child is chosen the pages need {needed} px of {given}"
    window.open_child(long_named)
    needed, given = _room(window)
    assert needed <= given, f"with a long name the pages need {needed} px of {given}"
    qtbot.waitUntil(lambda: not window.page_area.horizontalScrollBar().isVisible(), timeout=3000)
    for page in (window.child, window.caseload, window.referrals):
        window.show_page(page)
        qtbot.wait(50)
        assert not window.page_area.verticalScrollBar().isVisible(), f"{type(page).__name__} scrolls up and down"
