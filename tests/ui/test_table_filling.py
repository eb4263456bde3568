"""Tables sized to their contents are measured once after being filled, not after every cell: with wrapped text
the Referrals page re-measured every row per cell, and a year of demo referrals took minutes to show."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from casedesk.ui.widgets import filling

FIT = QHeaderView.ResizeMode.ResizeToContents


def _table() -> QTableWidget:
    table = QTableWidget(0, 3)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(0, FIT)
    table.verticalHeader().setSectionResizeMode(FIT)
    return table


def test_sections_sized_to_contents_are_left_alone_while_filling_then_fitted(qtbot) -> None:  # type: ignore[no-untyped-def]
    table = _table()
    qtbot.addWidget(table)
    table.resize(400, 300)
    with filling(table, 40):
        assert table.verticalHeader().sectionResizeMode(0) != FIT
        assert table.horizontalHeader().sectionResizeMode(0) != FIT
        assert table.horizontalHeader().sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch  # untouched
        for row in range(40):
            for column in range(3):
                text = "a long outcome that wraps over several lines " * (1 + row % 3) if column == 2 else str(row)
                table.setItem(row, column, QTableWidgetItem(text))
    assert all(table.verticalHeader().sectionResizeMode(r) == FIT for r in range(40))
    assert table.horizontalHeader().sectionResizeMode(0) == FIT
    table.show()
    qtbot.waitExposed(table)
    assert table.rowHeight(2) > table.rowHeight(0)  # the wrapped rows are measured once filled


def test_the_sizing_comes_back_when_filling_fails(qtbot) -> None:  # type: ignore[no-untyped-def]
    table = _table()
    qtbot.addWidget(table)
    with pytest.raises(RuntimeError), filling(table, 2):
        raise RuntimeError("a cell could not be made")
    assert table.horizontalHeader().sectionResizeMode(0) == FIT
    assert all(table.verticalHeader().sectionResizeMode(r) == FIT for r in range(2))
