"""Every dialog of the app, built as the app builds it, for the checks that go through all of them (sizes,
accessibility)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from casedesk.buildinfo import build_info
from casedesk.store.journal.conflicts import ConflictView
from casedesk.ui.about_dialog import AboutDialog
from casedesk.ui.admin.code_dialog import CodeDialog
from casedesk.ui.caseload.new_child_dialog import NewChildDialog
from casedesk.ui.child.care_tab import CareTab
from casedesk.ui.child.event_dialog import EventDialog
from casedesk.ui.child.record_form import end_date_dialog
from casedesk.ui.child.send_tab import SendTab
from casedesk.ui.child.youth_justice_tab import YouthJusticeTab
from casedesk.ui.context import AppContext
from casedesk.ui.referrals.dialog import ReferralDialog
from casedesk.ui.sync.enrol_dialog import EnrolDialog
from casedesk.ui.sync.page import ConflictDialog
from casedesk.ui.triage.wizard import TriageWizard
from casedesk.ui.unlock.first_run_dialog import FirstRunDialog
from casedesk.ui.unlock.unlock_dialog import UnlockDialog
from tests.factories import add_child
from tests.ui.meeting_dialogs import meeting_dialogs


def answer_next_dialog(fill: Callable[[QDialog], None], *, save: bool = True) -> None:
    """Fill in the next modal dialog the page opens, as the user would, then save it (press its Save button, so
    the dialog's own checks run) or cancel it. The dialog must be closed afterwards: the test fails otherwise."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        fill(dialog)
        if save:
            press_save(dialog)
        else:
            dialog.reject()

    QTimer.singleShot(0, act)


def press_save(dialog: QDialog) -> None:
    """Press the dialog's Save (or OK) button, as the user would."""
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Save) or box.button(QDialogButtonBox.StandardButton.Ok)
    button.click()


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


def every_dialog(context: AppContext, tmp_path: Path) -> Iterator[tuple[str, Callable[[], QDialog]]]:
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
    yield "enrol", lambda: EnrolDialog(context, "https://casedesk.example.org")
    yield "about", lambda: AboutDialog(build_info(), context.col.sync.status())
    yield "enrolment code", lambda: CodeDialog(context, "ann@riverside.example")

    def wizard() -> QDialog:
        dialog = TriageWizard(context, child, "Ava Smith")
        dialog.start_new()
        dialog.choose.chosen.emit(dialog.choose.current())  # on a question page every button shows
        return dialog

    yield "needs check", wizard
    yield from casework_dialogs(context, child)
    yield from meeting_dialogs(context, child)


def casework_dialogs(context: AppContext, child: str) -> Iterator[tuple[str, Callable[[], QDialog]]]:
    """The SEND, care and youth-justice dialogs, built as their tabs build them for a child already open."""
    view = context.col.children.view(child)
    send, care, youth_justice = SendTab(context), CareTab(context), YouthJusticeTab(context)
    for tab in (send, care, youth_justice):
        tab.show_child(view, date.today())
    yield "SEN provision", send.provision_dialog
    yield "EHC plan", lambda: send.plan_dialog(None)
    yield "care period", care.period_dialog
    yield "PEP", care.pep_dialog
    yield "youth justice outcome", youth_justice.outcome_dialog
    yield "police contact", youth_justice.police_dialog
    yield "end date", lambda: end_date_dialog(None, "End involvement", "this involvement", date(2024, 9, 1))
