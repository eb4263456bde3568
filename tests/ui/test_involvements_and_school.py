"""Naming who is involved with a child, ending it, and setting the child's school, driven through the child page
over a real encrypted database: each write is journaled for sync and audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QDateEdit, QDialog
from sqlalchemy import select

from casedesk.errors import ValidationError
from casedesk.store.database import Database
from casedesk.store.models import AuditRow, OutboxRow
from casedesk.ui.child.education_forms import FormDialog as EducationForm
from casedesk.ui.child.involvement_dialog import InvolvementDialog
from casedesk.ui.child.record_form import FormDialog
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from casedesk.ui.widgets import picked_date
from tests.factories import add_child


def _register(db: Database) -> dict[str, str]:
    with db.unit_of_work("tester") as uow:
        ids = {
            "school": uow.insert("organisations", {"name": "Hillside Academy", "kind": "school", "urn": "100001"}),
            "council": uow.insert(
                "organisations", {"name": "Northshire Children's Services", "kind": "local_authority"}
            ),
        }
        ids["sw"] = uow.insert(
            "workers", {"organisation_id": ids["council"], "name": "Priya Shah", "role": "Social worker"}
        )
        ids["dsl"] = uow.insert("workers", {"organisation_id": ids["school"], "name": "Tom Reed", "role": "DSL"})
    ids["child"] = add_child(db, "Amelia", "Okafor", date(2013, 1, 2))
    return ids


def _answer(fill: Callable[[QDialog], None]) -> None:
    """Fill in and save the next modal dialog the page opens, as the user would."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        try:
            fill(dialog)
        except BaseException:
            dialog.reject()  # a failed check must not leave the modal dialog waiting for ever
            raise
        dialog.accept()

    QTimer.singleShot(0, act)


def _journal(db: Database, entity: str, row_id: str) -> tuple[list[str], list[str]]:
    with db.session() as s:
        ops = list(s.scalars(select(OutboxRow.op).where(OutboxRow.entity == entity, OutboxRow.row_id == row_id)))
        audit = list(s.scalars(select(AuditRow.action).where(AuditRow.entity == entity, AuditRow.row_id == row_id)))
    return ops, audit


def test_add_an_involvement_name_the_worker_then_end_it(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    ids = _register(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(ids["child"])
    page = window.child
    assert page.involvements.table.rowCount() == 0
    started = date.today() - timedelta(days=30)

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, InvolvementDialog)
        dialog.organisation.setCurrentIndex(dialog.organisation.findData(ids["council"]))
        assert dialog.worker.findData(ids["dsl"]) == -1  # only the chosen agency's workers are offered
        dialog.worker.setCurrentIndex(dialog.worker.findData(ids["sw"]))
        dialog.role.setCurrentIndex(dialog.role.findData("social_worker"))
        dialog.start.setDate(QDate(started.year, started.month, started.day))

    _answer(fill)
    page.add_involvement()
    table = page.involvements.table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in range(3)] == [
        "Northshire Children's Services",
        "Priya Shah",
        "Social worker",
    ]
    assert "Priya Shah — Social worker, Northshire Children's Services" in page.workers.text()
    (involvement,) = context.col.children.view(ids["child"]).involvements
    assert _journal(context.col.db, "involvements", involvement.id)[0] == ["insert"]

    page.involvements.select_row(0)
    ended = started + timedelta(days=7)

    def end_on(dialog: QDialog) -> None:  # the user is asked when it ended: today unless changed, not before it began
        assert isinstance(dialog, FormDialog)
        field = dialog.fields["end"]
        assert isinstance(field, QDateEdit)
        assert picked_date(field) == date.today() and field.minimumDate().toPython() == started
        field.setDate(QDate(ended.year, ended.month, ended.day))

    _answer(end_on)
    page.involvements.end_requested.emit(involvement.id)
    assert table.item(0, 4).text() == f"{ended:%d %b %Y}"
    assert context.col.children.view(ids["child"]).involvements[0].end_date == ended
    ops, audit = _journal(context.col.db, "involvements", involvement.id)
    assert ops == ["insert", "update"] and len(audit) == 2
    summaries = [e.summary for e in context.col.children.view(ids["child"]).events]
    assert summaries == [
        "Involvement started: Priya Shah (Social worker), Northshire Children's Services",
        "Involvement ended: Priya Shah (Social worker), Northshire Children's Services",
    ]

    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())  # type: ignore[union-attr]
    page.involvements.end_requested.emit(involvement.id)
    assert context.col.children.view(ids["child"]).involvements[0].end_date == ended
    page.tabs.setCurrentWidget(page.involvements)
    window.resize(1366, 768)
    window.grab().save("/tmp/involvements.png")


def test_the_details_tab_enrols_through_the_school_history(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    """The Details tab's school button records an enrolment (start date, the school history, a chronology entry),
    never a bare change of the current school."""
    ids = _register(context.col.db)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(ids["child"])
    page = window.child
    assert "No current school" in page.facts.text()
    start = date.today() - timedelta(days=3)

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, EducationForm) and dialog.windowTitle() == "Enrol at a school"
        picker = dialog.inputs["school_id"]
        picker.search.setText("Hillside")  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=5000)  # type: ignore[attr-defined]
        picker.search.setText("Northshire")  # type: ignore[attr-defined]  # only schools are offered
        qtbot.waitUntil(lambda: picker.results.count() == 0, timeout=5000)  # type: ignore[attr-defined]
        picker.search.setText("Hillside")  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: picker.results.count() == 1, timeout=5000)  # type: ignore[attr-defined]
        picker.results.setCurrentRow(0)  # type: ignore[attr-defined]
        dialog.inputs["start"].setDate(start)  # type: ignore[attr-defined]

    _answer(fill)
    page.school_button.click()
    assert "Hillside Academy" in page.facts.text() and page.school_label.text() == "Hillside Academy"
    enrolments = context.col.education.view(ids["child"]).records.enrolments
    assert [(e.school_id, e.start_date, e.end_date) for e in enrolments] == [(ids["school"], start, None)]
    assert "Joined Hillside Academy" in [e.summary for e in context.col.children.view(ids["child"]).events]
    ops, audit = _journal(context.col.db, "enrolments", enrolments[0].id)
    assert ops == ["insert"] and audit == ["create"]


def test_bad_involvements_are_refused_and_change_nothing(context: AppContext) -> None:
    ids = _register(context.col.db)
    children = context.col.children
    with pytest.raises(ValidationError):  # a school's DSL cannot be named for the council
        children.add_involvement(ids["child"], ids["council"], "social_worker", date(2024, 1, 1), ids["dsl"])
    with pytest.raises(ValidationError):
        children.add_involvement(ids["child"], ids["council"], "wizard", date(2024, 1, 1))
    row_id, _ = children.add_involvement(ids["child"], ids["council"], "social_worker", date(2024, 1, 1))
    with pytest.raises(ValidationError):
        children.end_involvement(row_id, date(2023, 12, 31))
    with pytest.raises(ValidationError):
        context.col.education.enrol(ids["child"], ids["council"], date(2024, 1, 1))  # not a school
    view = children.view(ids["child"])
    assert [i.end_date for i in view.involvements] == [None] and view.child.current_school_id is None


def test_the_status_form_warns_about_an_ehc_plan_over_sen_support(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QComboBox, QMessageBox

    ids = _register(context.col.db)
    context.col.children.add_status(ids["child"], "sen_support", date(2024, 1, 1))
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(ids["child"])
    page = window.child
    warned: list[str] = []

    def choose_ehc(dialog: QDialog) -> None:
        kind = dialog.findChildren(QComboBox)[0]
        kind.setCurrentIndex(kind.findData("ehc_plan"))

        def decline() -> None:
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox)
            warned.append(box.text())
            box.button(QMessageBox.StandardButton.No).click()

        QTimer.singleShot(0, decline)

    _answer(choose_ehc)
    page.add_status()
    assert "EHC plan and SEN support overlap" in warned[0]
    assert [p.kind for p in context.col.children.view(ids["child"]).statuses] == ["sen_support"]  # nothing saved
