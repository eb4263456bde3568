"""From a recorded needs check to a matched service, a referral, its workflow and its packs — in the real window."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from casedesk.services.directory.service import DirectoryService
from casedesk.services.referrals.service import ReferralService
from casedesk.services.triage.service import TriageService
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import PAGES, MainWindow
from casedesk.ui.referrals.dialog import ReferralDialog
from tests.factories import LEVEL3, Q_ID, Q_VERSION, add_child


def test_triage_result_to_matched_service_to_referral_to_pack(qtbot, context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    DirectoryService(context.col.db, "tester").load_sample()
    child_id = add_child(context.col.db, "Ava", "Test", date(2012, 1, 5), postcode="LS6 3AB", upn="B801200005001")
    draft, _ = TriageService(context.col.db, "Sam Tester").start_draft(child_id, Q_ID, Q_VERSION)
    TriageService(context.col.db, "Sam Tester").save_answers(draft.id, LEVEL3)
    result, _ = TriageService(context.col.db, "Sam Tester").complete(draft.id)
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(child_id)
    window.child.needs_checks.find_services.emit(result.id)
    page = window.directory
    fits = [m for m in page.matches if m.fits]
    assert window.nav.currentRow() == PAGES.index("Directory") and fits

    made: list[ReferralDialog] = []

    def fill_in(child: str, service_id: str, service_name: str, triage_id: str | None) -> ReferralDialog:
        dialog = ReferralDialog(context, child, "Ava Test", service_id, service_name, triage_id, window)
        dialog.reason.setPlainText("Attendance has dropped and Ava is anxious; the school's plan has not helped.")
        dialog.save()  # nothing given about consent yet: refused, and the problems are listed
        assert "who gave consent" in dialog.error.text() and dialog.created_id is None
        dialog.given_by.setText("Mother")
        dialog.referrer["email"].setText("sam@hillside.example")
        dialog.sections["contact"].setChecked(False)
        dialog.exec = lambda: (dialog.save(), 1)[1]  # type: ignore[method-assign]
        made.append(dialog)
        return dialog

    window.make_referral_dialog = fill_in  # type: ignore[method-assign]
    page.detail.refer_requested.emit(fits[0].service.id)
    (dialog,) = made
    assert dialog.triage_result_id == result.id and dialog.created_id
    assert window.nav.currentRow() == PAGES.index("Referrals")
    referrals_page = window.referrals
    selected = referrals_page.selected()
    assert selected is not None and selected.referral.id == dialog.created_id
    assert selected.referral.triage_result_id == result.id and "triage" in selected.referral.shared_sections

    referrals_page.step("accepted")  # not allowed from draft: no button is offered, and the service refuses
    assert ReferralService(context.col.db, "tester").all()[0].status == "draft"
    referrals_page.step("sent")
    assert ReferralService(context.col.db, "tester").all()[0].status == "sent"
    referrals_page.ask_text = lambda *a, **k: "does not meet the service's threshold"  # type: ignore[method-assign]
    referrals_page.step("declined")
    declined = ReferralService(context.col.db, "tester").all()[0]
    assert declined.status == "declined" and declined.inappropriate
    assert referrals_page.timeline.count() == 3

    out = tmp_path / "service.pdf"
    referrals_page.packs.save_path = lambda *a, **k: out  # type: ignore[method-assign]
    referrals_page.packs.save_pdf("service")
    assert out.read_bytes().startswith(b"%PDF") and "Saved service.pdf" in referrals_page.packs.message.text()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "Presenting Needs Check" in text and "LS6 3AB" not in text  # contact details were not chosen
        outcome = TriageService(context.col.db, "tester").outcome_of(result)
        scored = next(d for d in outcome.domains if d.score)
        assert outcome.reasons_for(scored)[0] in " ".join(text.split())  # the words, not the rule ids

    window.open_child(child_id)
    assert window.child.referrals.table.rowCount() == 1
    assert window.child.referrals.table.item(0, 1).text() == "Declined"
    referrals_page.analytics.reload()
    assert "1 referrals" in referrals_page.analytics.summary.text()


def test_refer_without_an_open_child_explains(qtbot, context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: told.append(a[2]))
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.refer("some-service")
    assert told and "Open the child's record first" in told[0]
