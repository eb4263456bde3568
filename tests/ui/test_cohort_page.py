"""The cohort page offscreen: children ranked by indicators, the cliff-edge and other filters, opening a child,
exporting (with the file audited), and every look audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk import config
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.ui.cohort.page import CohortPage
from casedesk.ui.context import AppContext
from tests.cohort_pupils import Pupils, school


def _looks(db: Database) -> list[tuple[str, str | None]]:
    with db.session() as session:
        return [(e.action, e.reason) for e in repo.audit_entries_for(session, ["risk-of-exclusion"])]


def test_the_page_ranks_filters_opens_and_exports(
    qtbot: QtBot, context: AppContext, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    oak, elm = school(db, "Oak Academy"), school(db, "Elm High")
    pupils = Pupils(context.col, db)
    three = ("free_school_meals", "young_carer", "part_time")
    alone = pupils.add(oak, "Alfie", date(2012, 2, 1), three)
    pupils.add(elm, "Bea", date(2013, 3, 1), three, support="ehc_plan")
    pupils.add(elm, "Cal", date(2012, 4, 1), ("free_school_meals",))
    page = CohortPage(context)
    qtbot.addWidget(page)
    page.reload()
    model = page.model
    assert model.rowCount() == 3
    assert [model.index(r, 0).data() for r in range(3)] == ["Alfie Test", "Bea Test", "Cal Test"]
    assert model.index(0, 3).data() == "3" and model.index(0, 6).data() == "Yes"
    assert model.index(1, 5).data() == "EHCP" and model.index(1, 6).data() == ""
    assert model.index(2, 4).data() == "FSM"
    assert model.index(2, 4).data(Qt.ItemDataRole.ToolTipRole) == "Free school meals (now or in the last six years)"
    assert page.count.text().startswith("3 of 3 children with an indicator (1 on the cliff edge")
    page.cliff_edge.setChecked(True)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Alfie Test"]
    page.cliff_edge.setChecked(False)
    page.school.setCurrentIndex(page.school.findData(elm))
    assert model.rowCount() == 2
    page.school.setCurrentIndex(0)
    page.indicator.setCurrentIndex(page.indicator.findData("part_time"))
    assert model.rowCount() == 2
    page.indicator.setCurrentIndex(page.indicator.findData("suspensions"))
    assert model.rowCount() == 0 and page.empty.currentIndex() != 0  # says no child matches, not a blank table
    page.indicator.setCurrentIndex(0)
    with qtbot.waitSignal(page.open_child) as opened:
        page.table.doubleClicked.emit(model.index(0, 0))
    assert opened.args == [alone]
    looks = _looks(db)
    assert looks[0] == ("view", "all children with an indicator") and ("view", "cliff edge only") in looks
    assert ("view", "Elm High") in looks and len(looks) == 8  # opening and each change of filter
    out = tmp_path / "cohort.csv"
    monkeypatch.setattr(page, "save_path", lambda kind: out)
    page.list_children.setChecked(True)
    qtbot.mouseClick(page.export_csv, Qt.MouseButton.LeftButton)
    assert out.exists() and "Alfie Test" in out.read_text(encoding="utf-8-sig")
    assert "It lists the children by name." in page.status.text()
    assert _looks(db)[-1][0] == "export"
    page.forget()  # what the lock does: no name stays on screen
    assert model.rowCount() == 0 and page.cohort is None and page.count.text() == ""


def test_a_practitioner_is_shown_no_cohort_and_cannot_export(qtbot: QtBot, context: AppContext, db: Database) -> None:
    pupils = Pupils(context.col, db)
    pupils.add(school(db, "Oak Academy"), "Alfie", date(2012, 2, 1), ("free_school_meals", "young_carer"))
    db.put(config.ROLE, "practitioner")
    page = CohortPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.access) as told:
        page.reload()
    assert told.args == [False]
    assert page.model.rowCount() == 0 and page.cohort is None and _looks(db) == []  # nothing read, nothing audited
    assert page.empty.is_empty and not page.export_csv.isEnabled() and not page.export_pdf.isEnabled()
    db.put(config.ROLE, "safeguarding_lead")  # the server gave the account another role at a sync
    with qtbot.waitSignal(page.access) as told:
        page.reload()
    assert told.args == [True] and page.model.rowCount() == 1 and page.export_csv.isEnabled()
