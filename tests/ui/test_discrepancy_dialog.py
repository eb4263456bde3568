""" "Report a discrepancy…" over a real encrypted database: a value flagged with its reason (and refused without
one), the flag listed on the child, and the owning organisation's queue answering it."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QMessageBox

from casedesk import config
from casedesk.store.database import Database
from casedesk.ui.context import AppContext
from casedesk.ui.discrepancies.dialog import DiscrepancyDialog
from tests.factories import add_child


def test_flag_a_value_and_answer_it_from_the_queue(qtbot, context: AppContext, db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with db.unit_of_work("tester") as uow:
        care = uow.insert("organisations", {"name": "Leeds Children's Social Care", "kind": "childrens_social_care"})
        worker = uow.insert("workers", {"organisation_id": care, "name": "Priya Shah"})
    child = add_child(db, "Ada", "Okafor", date(2014, 3, 2))
    with db.unit_of_work("tester") as uow:
        uow.insert(
            "status_periods",
            {"child_id": child, "kind": "child_protection_plan", "start_date": date(2026, 3, 2), "worker_id": worker},
        )
    dialog = DiscrepancyDialog(context, child)
    qtbot.addWidget(dialog)
    labels = [dialog.value.itemText(n) for n in range(dialog.value.count())]
    row = next(n for n, text in enumerate(labels) if "child protection plan" in text)
    dialog.value.setCurrentIndex(row)
    assert dialog.owner.currentData() == care  # the allocated worker's organisation

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    dialog.raise_flag()  # no reason given
    assert warned and dialog.child_flags.rowCount() == 0
    dialog.value.setCurrentIndex(row)
    dialog.reason.setText("The plan ended at the October conference")
    dialog.raise_flag()
    assert dialog.child_flags.rowCount() == 1 and dialog.child_flags.item(0, 5).text() == "Open"
    assert dialog.queue_table.rowCount() == 0  # not this device's organisation to answer

    db.put(config.ORGANISATION_ID, care)  # now as social care's device
    dialog.reload()
    assert dialog.queue_table.rowCount() == 1
    dialog.queue_table.selectRow(0)
    dialog.resolution.setCurrentIndex(dialog.resolution.findData("explained"))
    dialog.note.setText("A new plan started the same day")
    dialog.answer()
    assert dialog.queue_table.rowCount() == 0
    assert dialog.child_flags.item(0, 5).text() == "Explained: A new plan started the same day"
    dialog.tabs.setCurrentIndex(0)
    dialog.grab().save("/tmp/casedesk-discrepancy.png")
    dialog.done(QDialog.DialogCode.Accepted)
