"""Recording a child's education through the child page over a real encrypted database, as a user does: enrol
from the schools register, add a suspension, run a managed move, remove from roll to home education and see the
EHE case; the caseload's columns and "My children" filter. Each write is journaled for sync and audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from casedesk.config import PROFILE, Profile
from casedesk.services.education.schools import sample_register_path
from casedesk.store.database import Database
from casedesk.store.models import AuditRow, OutboxRow
from casedesk.ui.child.education_forms import FormDialog, OptionalDate, SchoolPicker
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from tests.factories import add_child


def _answer(fill: Callable[[FormDialog], None]) -> None:
    """Fill in and save the next form the page opens, as the user would."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FormDialog), dialog
        fill(dialog)
        dialog.accept()

    QTimer.singleShot(0, act)


def _choose(dialog: FormDialog, key: str, value: Any) -> None:
    widget = dialog.inputs[key]
    if isinstance(widget, SchoolPicker):
        widget.search.setText(value)
        assert widget.results.count() >= 1, value
        widget.results.setCurrentRow(0)
    elif isinstance(widget, OptionalDate):
        widget.set_value(value)
    else:
        index = widget.findData(value)  # type: ignore[attr-defined]
        assert index >= 0, (key, value)
        widget.setCurrentIndex(index)  # type: ignore[attr-defined]


def _journaled(db: Database, entity: str) -> tuple[int, int]:
    with db.session() as s:
        changes = len(list(s.scalars(select(OutboxRow.seq).where(OutboxRow.entity == entity))))
        audit = len(list(s.scalars(select(AuditRow.seq).where(AuditRow.entity == entity))))
    return changes, audit


def _open(qtbot, context: AppContext) -> tuple[MainWindow, str]:  # type: ignore[no-untyped-def]
    context.col.education.import_schools(sample_register_path())
    child = add_child(context.col.db, "Amelia", "Okafor", date(2012, 1, 2))
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.open_child(child)
    return window, child


def _enrol(page: Any, school: str, start: date) -> None:
    _answer(lambda d: (_choose(d, "school_id", school), d.inputs["start"].setDate(start)))  # type: ignore[func-returns-value]
    page.education.enrol()


def test_add_a_suspension(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    window, child = _open(qtbot, context)
    page = window.child
    _enrol(page, "Moorside Academy", date(2023, 9, 4))
    assert page.school.history.item(0, 0).text() == "Moorside Academy"
    assert "Moorside Academy" in page.facts.text()
    first_day = date.today() - timedelta(days=1)

    def fill(dialog: FormDialog) -> None:
        _choose(dialog, "kind", "suspension")
        dialog.inputs["first_day"].setDate(first_day)  # type: ignore[attr-defined]
        dialog.inputs["sessions"].setValue(4)  # type: ignore[attr-defined]
        _choose(dialog, "reason_1", "PD")
        _choose(dialog, "reason_2", "VA")

    _answer(fill)
    page.education.add_exclusion()
    table = page.suspensions.table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in (0, 2, 4)] == ["Suspension", "4", "Moorside Academy"]
    assert "Persistent disruptive behaviour; Verbal abuse" in table.item(0, 3).text()
    assert "1 this school year · 1 in all" in page.suspensions.counts.text()
    assert _journaled(context.col.db, "exclusions") == (1, 1)
    summaries = [e.summary for e in context.col.children.view(child).events]
    assert "Suspension (4 sessions): Persistent disruptive behaviour" in summaries

    table.selectRow(0)
    _answer(lambda d: _choose(d, "reintegration_meeting", first_day + timedelta(days=1)))
    page.suspensions._review()
    assert table.item(0, 5).text() == f"{first_day + timedelta(days=1):%d %b %Y}"
    page.tabs.setCurrentWidget(page.suspensions)
    window.grab().save("/tmp/education-suspensions.png")
    card = page.overview.card("education")  # the Overview's education card reads the education summary
    assert card is not None and card.card.lines[0].startswith("Moorside Academy · Year")
    assert card.card.lines[1] == "Suspensions: 1 this term, 1 this school year, 1 in all"
    assert card.card.recorded_by == "Sam Tester"
    page.tabs.setCurrentWidget(page.overview)
    window.grab().save("/tmp/education-overview.png")
    card.open_button.click()
    assert page.tabs.currentWidget() is page.school


def test_remove_from_roll_to_home_education_and_see_the_ehe_case(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    db = context.col.db
    with db.unit_of_work("tester") as uow:
        team = uow.insert("organisations", {"name": "Elective Home Education Team", "kind": "early_help"})
        officer = uow.insert("workers", {"organisation_id": team, "name": "Pat Reed", "role": "EHE officer"})
    window, child = _open(qtbot, context)
    page = window.child
    _enrol(page, "Oakwood Primary", date(2019, 9, 4))
    left = date.today() - timedelta(days=3)

    def fill(dialog: FormDialog) -> None:
        dialog.inputs["last_day"].setDate(left)  # type: ignore[attr-defined]
        dialog.inputs["notified_on"].setDate(left)  # type: ignore[attr-defined]
        _choose(dialog, "officer_id", officer)

    _answer(fill)
    page.education.remove_to_home_education()
    assert "No current school" in page.facts.text() and "Elective home education" in page.badges.text()
    assert "Pat Reed — EHE officer, Elective Home Education Team" in page.workers.text()
    tab = page.home_education
    assert tab.case_id is not None and tab.ehe.text().startswith("Open since")
    assert "first contact due" in tab.ehe.text() and "Pat Reed" in tab.ehe.text()
    assert page.school.history.item(0, 6).text() == "Elective home education"
    assert _journaled(db, "ehe_cases") == (1, 1)

    _answer(lambda d: (_choose(d, "outcome", "suitable"), d.inputs["visited_on"].setDate(date.today())))  # type: ignore[func-returns-value]
    page.education.add_ehe_visit(tab.case_id)
    assert tab.visits.rowCount() == 1 and tab.visits.item(0, 1).text() == "Suitable education"
    assert "first contact " + f"{date.today():%d %b %Y}" in tab.ehe.text()
    page.tabs.setCurrentWidget(tab)
    window.grab().save("/tmp/education-home.png")
    card = page.overview.card("home_education")
    assert card is not None and card.card.lines[0].startswith("Open since") and card.card.tab == "home_education"
    education = page.overview.card("education")
    assert education is not None and education.card.lines[0].startswith("No school: electively home educated")

    # enrolling a home-educated child elsewhere is warned about (the case is still open)
    warned: list[str] = []

    def refuse() -> None:  # answer "No" to the warning, whenever it appears after the form
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            warned.append(box.text())
            box.reject()
        else:
            QTimer.singleShot(20, refuse)

    _answer(lambda d: _choose(d, "school_id", "Moorside Academy"))
    QTimer.singleShot(20, refuse)
    page.education.enrol()
    qtbot.waitUntil(lambda: bool(warned))
    assert "electively home educated but still on a school's roll" in warned[0]
    assert context.col.children.view(child).child.current_school_id is None


def test_a_managed_move_through_the_school_tab(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    window, _ = _open(qtbot, context)
    page = window.child
    _enrol(page, "Moorside Academy", date(2023, 9, 4))
    start = date.today() - timedelta(days=20)

    def fill(dialog: FormDialog) -> None:
        _choose(dialog, "host_school_id", "Hillcrest Free")
        dialog.inputs["start"].setDate(start)  # type: ignore[attr-defined]
        _choose(dialog, "trial_end", start + timedelta(days=42))

    _answer(fill)
    page.education.start_managed_move()
    moves = page.school.moves
    assert [moves.item(0, c).text() for c in (0, 1, 4)] == [
        "Moorside Academy",
        "Hillcrest Free School",
        "Trial running",
    ]
    page.tabs.setCurrentWidget(page.school)
    window.grab().save("/tmp/education-school.png")
    moves.selectRow(0)
    _answer(lambda d: (_choose(d, "outcome", "successful"), d.inputs["on"].setDate(date.today())))  # type: ignore[func-returns-value]
    page.school._end_move()
    assert moves.item(0, 4).text() == "Successful: joined the host school"
    assert page.school.history.item(0, 0).text() == "Hillcrest Free School"
    assert page.school.history.item(1, 6).text() == "Managed move"
    assert "Hillcrest Free School" in page.facts.text()
    assert _journaled(context.col.db, "managed_moves") == (2, 2)


def test_the_caseload_columns_and_my_children(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    db = context.col.db
    context.col.education.import_schools(sample_register_path())
    (school,) = [s["id"] for s in context.col.education.search_schools("Hillside")] or [None]
    with db.unit_of_work("tester") as uow:
        org = school or uow.insert("organisations", {"name": "Hillside Academy", "kind": "school"})
        me = uow.insert("workers", {"organisation_id": org, "name": "Sam Tester"})
    db.put(PROFILE, Profile(name="Sam Tester", role="DSL", organisation="Hillside Academy"))
    mine = add_child(db, "Ada", "Okafor", date(2013, 10, 2))
    add_child(db, "Ben", "Ito", date(2011, 8, 31))
    context.col.children.add_involvement(mine, org, "designated_safeguarding_lead", date(2024, 9, 1), me)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    view = window.caseload
    view.reload()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    assert {"Year", "Suspensions", "Last contact", "Referrals"} <= set(headers)
    assert view.mine.isEnabled()
    view.mine.setChecked(True)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.row_at(0).child_id == mine
    window.grab().save("/tmp/education-caseload.png")
