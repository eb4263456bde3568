"""Matching in the app: a referral to a service that does not fit the child asks why, and the directory keeps the
criteria of a search (never who it was for)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from casedesk.services.directory.service import DirectoryService
from casedesk.services.triage.service import TriageService
from casedesk.store import referral_repo
from casedesk.ui.context import AppContext
from casedesk.ui.directory.page import DirectoryPage
from casedesk.ui.referrals.dialog import ReferralDialog
from tests.factories import LEVEL3, Q_ID, Q_VERSION, add_child


def _child_with_check(context: AppContext) -> tuple[str, str, dict[str, str]]:
    db = context.col.db
    DirectoryService(db, "tester").load_sample()
    child = add_child(db, "Ava", "Test", date(2016, 4, 1), postcode="LS6 3AB")
    checks = TriageService(db, "tester")
    draft, _ = checks.start_draft(child, Q_ID, Q_VERSION)
    checks.save_answers(draft.id, LEVEL3)
    result, _ = checks.complete(draft.id)
    return child, result.id, {s.name: s.id for s in DirectoryService(db, "tester").services()}


def test_referring_to_a_service_that_does_not_fit_asks_why(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child, result, services = _child_with_check(context)
    dialog = ReferralDialog(
        context, child, "Ava Test", services["Crisis Mental Health Team"], "Crisis Mental Health Team", result
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.needs_override and dialog.fit_override.isVisible()
    assert "does not fit this child: serves level 4; this child is level 3" in dialog.not_fit.text()
    dialog.reason.setPlainText("Ava told her teacher she has been thinking about ending her life.")
    dialog.given_by.setText("Mother")
    dialog.referrer["email"].setText("sam@hillside.example")
    dialog.grab().save("/tmp/referral-override.png")
    dialog.save()
    assert dialog.created_id is None and "Say why you are referring anyway" in dialog.error.text()
    dialog.fit_override.setPlainText("Crisis team asked for a direct referral after today's disclosure.")
    dialog.save()
    assert dialog.created_id
    with context.col.db.session() as session:
        assert referral_repo.get_referral(session, dialog.created_id).fit_override.startswith("Crisis team asked")


def test_a_fitting_service_does_not_ask(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child, result, services = _child_with_check(context)
    dialog = ReferralDialog(
        context, child, "Ava Test", services["Attendance Support Team"], "Attendance Support Team", result
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.needs_override and not dialog.fit_override.isVisible()
    dialog.close()


def test_the_directory_keeps_search_criteria_once_they_settle(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    DirectoryService(context.col.db, "tester").load_sample()
    page = DirectoryPage(context)
    qtbot.addWidget(page)
    page.show()
    page.domain.setCurrentIndex(page.domain.findData("semh"))
    page.level.setCurrentIndex(page.level.findData(2))
    qtbot.keyClicks(page.search, "Ava Test anxiety")

    def kept() -> list[str]:
        with context.col.db.session() as session:
            return [row[0] for row in session.execute(text("SELECT criteria FROM directory_searches"))]

    qtbot.waitUntil(lambda: len(kept()) == 1, timeout=6000)
    assert "Ava" not in kept()[0] and '"need": "semh"' in kept()[0] and '"words": true' in kept()[0]
    page.show_matches(2, {"semh": 4}, 9, "LS6 3AB", "Ava Test", {"anxiety_low_mood": "Anxiety or low mood"}, {})
    assert len(kept()) == 2 and "Ava" not in kept()[1] and '"needs": ["anxiety_low_mood"]' in kept()[1]
