"""The practitioner's most frequent writes, driven through the child page and its dialogs over a real encrypted
database: adding a chronology entry, amending one, saving the child's details, adding and ending a status. Each
write is stored, journaled for sync and audited; what the dialogs refuse is never written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from casedesk.store.models import EventRow, OutboxRow
from casedesk.ui.child.event_dialog import EventDialog
from casedesk.ui.child.view import ChildPage
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from tests.factories import add_child, journal_of
from tests.ui.dialogs import answer_next_dialog, press_save


def _page(qtbot: QtBot, context: AppContext) -> tuple[ChildPage, str]:
    child = add_child(context.col.db, "Amelia", "Okafor", date(2013, 1, 2))
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(child)
    return window.child, child


def _events(context: AppContext, child: str) -> list[EventRow]:
    with context.col.db.session() as session:
        query = select(EventRow).where(EventRow.child_id == child).order_by(EventRow.recorded_at)
        return list(session.scalars(query))


def _outbox_size(context: AppContext) -> int:
    with context.col.db.session() as session:
        return len(session.scalars(select(OutboxRow.change_id)).all())


def test_an_entry_is_checked_then_stored_journaled_audited_and_shown(qtbot: QtBot, context: AppContext) -> None:
    page, child = _page(qtbot, context)
    page.open_tab("chronology")  # where entries are added and amended (the Overview opens first)
    refused: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, EventDialog) and dialog.windowTitle() == "Add to chronology"
        press_save(dialog)  # no summary yet: the dialog says so and stays open
        refused.append(dialog.error.text())
        assert dialog.isVisible()
        dialog.kind.setCurrentIndex(dialog.kind.findData("meeting"))
        dialog.category.setCurrentIndex(dialog.category.findData("health"))
        dialog.significance.setCurrentIndex(dialog.significance.findData("significant"))
        dialog.summary.setText("  Team around the family meeting  ")
        dialog.body.setPlainText("GP, school nurse and mother attended.")

    answer_next_dialog(fill)
    page.add_event()
    assert refused == ["Write a one-line summary."]
    (event,) = _events(context, child)
    assert (event.kind, event.category, event.significance) == ("meeting", "health", "significant")
    assert event.summary == "Team around the family meeting" and event.body == "GP, school nurse and mother attended."
    assert event.author == "Sam Tester" and event.occurred_at <= datetime.now(UTC) + timedelta(minutes=5)
    assert journal_of(context.col.db, "events", event.id) == (["append"], ["create"])
    assert page.message.text() == "Entry added."
    table = page.chronology.table
    assert table.rowCount() == 1 and table.item(0, 4).text() == "Team around the family meeting"

    before = _outbox_size(context)
    answer_next_dialog(lambda d: d.summary.setText("Never saved"), save=False)  # type: ignore[attr-defined]
    page.add_event()
    assert len(_events(context, child)) == 1 and _outbox_size(context) == before


def test_an_amendment_needs_a_reason_and_keeps_the_original(qtbot: QtBot, context: AppContext) -> None:
    page, child = _page(qtbot, context)
    page.open_tab("chronology")  # where entries are added and amended (the Overview opens first)
    context.col.children.add_event(child, kind="note", summary="Seen with bruised arm", occurred_at=datetime.now(UTC))
    page.show_child(child)
    page.chronology.table.selectRow(0)
    assert page.chronology.amend.isEnabled()
    refused: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, EventDialog) and dialog.windowTitle() == "Amend entry"
        assert dialog.summary.text() == "Seen with bruised arm"
        assert not dialog.kind.isEnabled() and not dialog.when.isEnabled()  # only the words can change
        dialog.summary.setText("Seen with bruised forearm")
        press_save(dialog)
        refused.append(dialog.error.text())
        dialog.reason.setText("Wrong body part recorded")

    answer_next_dialog(fill)
    page.chronology.amend.click()
    assert refused == ["Say why the entry is amended."]
    original, amendment = _events(context, child)
    assert original.summary == "Seen with bruised arm" and amendment.amends_id == original.id
    assert (
        amendment.summary == "Seen with bruised forearm"
        and amendment.body == "Amendment reason: Wrong body part recorded"
    )
    assert journal_of(context.col.db, "events", amendment.id)[0] == ["append"]
    assert page.message.text() == "Amendment added; the original entry is kept."
    assert page.chronology.table.rowCount() == 1  # shown with the entry it amends


def test_details_are_saved_journaled_and_a_bad_date_changes_nothing(qtbot: QtBot, context: AppContext) -> None:
    page, child = _page(qtbot, context)
    form = page.details
    assert form.inputs["family_name"].text() == "Okafor"
    form.inputs["family_name"].setText("Okafor-Reed")
    form.inputs["postcode"].setText("hx7 8ab")
    page.save_details()
    assert page.message.text() == "Details saved."
    saved = context.col.children.view(child).child
    assert saved.family_name == "Okafor-Reed" and saved.postcode == "HX7 8AB"
    assert page.title.text() == "Amelia Okafor-Reed" and "HX7 8AB" in page.facts.text()
    ops, audit = journal_of(context.col.db, "children", child)
    assert ops == ["insert", "update"] and audit == ["create", "update"]

    form.dob.setText("31/02/2014")
    before = _outbox_size(context)
    page.save_details()
    assert page.message.text() == "Please correct the details marked in red."
    assert "day/month/year" in form.messages["date_of_birth"].text()
    assert context.col.children.view(child).child.date_of_birth == date(2013, 1, 2) and _outbox_size(context) == before


def test_a_status_is_added_then_ended_today(qtbot: QtBot, context: AppContext) -> None:
    page, child = _page(qtbot, context)
    started = date.today() - timedelta(days=30)

    def fill(dialog: QDialog) -> None:
        kind = dialog.findChildren(QComboBox)[0]
        kind.setCurrentIndex(kind.findData("child_in_need"))
        (start,) = dialog.findChildren(QDateEdit)
        start.setDate(QDate(started.year, started.month, started.day))

    answer_next_dialog(fill)
    page.add_status()
    (status,) = context.col.children.view(child).statuses
    assert (status.kind, status.start_date, status.end_date) == ("child_in_need", started, None)
    assert page.message.text() == "Status added." and "Child in need" in page.badges.text()
    answer_next_dialog(lambda dialog: None)  # when it ended: today unless changed
    page.statuses.end_requested.emit(status.id)
    (ended,) = context.col.children.view(child).statuses
    assert ended.end_date == date.today() and page.message.text() == f"Status ended {date.today():%d %b %Y}."
    assert journal_of(context.col.db, "status_periods", status.id) == (["insert", "update"], ["create", "update"])
