"""The directory page keeps what a search found (how many services, the first ones by id) with its criteria, and
each service opened from the results as its own usage record: never the child, never the words typed."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from sqlalchemy import text

from casedesk.services.directory.service import DirectoryService
from casedesk.ui.context import AppContext
from casedesk.ui.directory.page import DirectoryPage


def test_a_search_keeps_what_it_found_and_what_was_opened(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    DirectoryService(context.col.db, "tester").load_sample()
    page = DirectoryPage(context)
    qtbot.addWidget(page)
    page.show()
    page.domain.setCurrentIndex(page.domain.findData("semh"))

    def kept() -> list[dict]:
        with context.col.db.session() as session:
            rows = session.execute(text("SELECT criteria FROM directory_searches ORDER BY rowid")).scalars()
            return [json.loads(row) if isinstance(row, str) else row for row in rows]

    qtbot.waitUntil(lambda: len(kept()) == 1, timeout=6000)
    listed = page.listed_ids()
    assert listed and kept()[0]["found"] == len(listed) and kept()[0]["services"] == listed[:10]
    item = page.list.item(page.list.row_of(listed[0]))
    rect = page.list.visualItemRect(item)
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # once per search
    qtbot.waitUntil(lambda: len(kept()) == 2, timeout=3000)
    assert kept()[1] == {"source": "opened", "service": listed[0], "from": "directory"}
    page.show_matches(2, {"semh": 4}, 9, "LS6 3AB", "Ava Test", {}, {})
    qtbot.waitUntil(lambda: len(kept()) == 3, timeout=3000)
    fits = [m.service.id for m in page.matches if m.fits]
    assert kept()[2]["source"] == "needs_check" and kept()[2]["found"] == len(fits)
    assert "Ava" not in json.dumps(kept())
