"""Ask CaseDesk offscreen over a real encrypted database: F1 and Ctrl+K from any page, answers with their reasons
and review dates, links that open the right page, and what is kept (scrubbed) when nothing helps."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from casedesk.domain.agreements_demo import demo_agreements
from casedesk.services.directory.service import DirectoryService
from casedesk.services.guidance.service import load_sample_guidance
from casedesk.store import guidance_repo, sharing_repo
from casedesk.ui.context import AppContext
from casedesk.ui.guidance.agreements_dialog import NONE_HELD, AgreementsDialog
from casedesk.ui.guidance.ask_dialog import NOTHING_FOUND, AskDialog
from casedesk.ui.main_window import PAGES, MainWindow
from tests.factories import add_child


@pytest.fixture
def window(qtbot, context: AppContext) -> MainWindow:  # type: ignore[no-untyped-def]
    DirectoryService(context.col.db, "tester").load_sample()
    load_sample_guidance(context.col.db, "tester")
    main = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(main)
    main.show()
    return main


def ask(qtbot, dialog: AskDialog, question: str) -> None:  # type: ignore[no-untyped-def]
    dialog.question.clear()
    qtbot.keyClicks(dialog.question, question)
    qtbot.keyClick(dialog.question, Qt.Key.Key_Return)


@pytest.mark.parametrize("keys", ["F1", "Ctrl+K"])
def test_the_shortcut_opens_ask_casedesk_from_any_page(qtbot, window: MainWindow, keys: str) -> None:  # type: ignore[no-untyped-def]
    window.nav.setCurrentRow(PAGES.index("Referrals"))
    key, modifier = (
        (Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier)
        if keys == "F1"
        else (
            Qt.Key.Key_K,
            Qt.KeyboardModifier.ControlModifier,
        )
    )
    qtbot.keyClick(window, key, modifier)
    assert window.ask_dialog is not None and window.ask_dialog.isVisible()
    window.ask_dialog.close()


def test_an_answer_shows_why_it_matched_and_its_review_date(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.ask()
    dialog = window.ask_dialog
    assert dialog is not None
    ask(qtbot, dialog, "can parents apeal a permanent exclusion")
    assert dialog.current() is not None and dialog.current().entry.id == "challenge-exclusion"
    text = dialog.view.toPlainText()
    assert "Why this answer:" in text and "'apeal' (read as 'appeal')" in text
    assert "Reviewed 27 August 2026" in text and "Sample content" in text
    assert dialog.status.text() == "Read 'apeal' as 'appeal'."
    qtbot.wait(50)
    shown = [b for b in dialog.findChildren(QPushButton) if b.isVisible() and b.text().startswith("SEND Information")]
    assert len(shown) == 1  # the answer's link once (a second, stray copy floated over the answer)
    dialog.grab().save("/tmp/ask-casedesk.png")
    dialog.close()


def test_a_risk_question_puts_act_now_first(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.ask()
    dialog = window.ask_dialog
    assert dialog is not None
    ask(qtbot, dialog, "what attendance code do I use when a pupil says his dad hit him")
    assert dialog.list.item(0).text().startswith("Act now: ")
    assert "Contact children's social care or the police now" in dialog.view.toPlainText()
    assert "This comes first" in dialog.view.toPlainText()
    dialog.grab().save("/tmp/ask-casedesk-risk.png")
    dialog.close()


def test_links_open_the_directory_filtered_and_a_service_card(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.ask()
    dialog = window.ask_dialog
    assert dialog is not None
    ask(qtbot, dialog, "what is persistent absence")
    buttons = {b.text(): b for b in dialog.link_buttons()}
    buttons["Attendance services at level 2"].click()
    assert window.nav.currentRow() == PAGES.index("Directory")
    page = window.directory
    assert page.domain.currentData() == "attendance" and page.level.currentData() == 2
    shown = {s.id: s for s in page.services}
    assert page.listed_ids() and all(
        "attendance" in shown[i].need_domains and 2 in shown[i].levels for i in page.listed_ids()
    )
    ask(qtbot, dialog, "a child's attendance is falling")
    {b.text(): b for b in dialog.link_buttons()}["Attendance Support Team"].click()
    assert page.detail.service is not None and page.detail.service.name == "Attendance Support Team"
    assert page.domain.currentData() is None  # the filters were cleared to show the card
    dialog.close()


def test_a_needs_check_link_starts_one_for_the_open_child(
    qtbot, window: MainWindow, context: AppContext, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window.ask()
    dialog = window.ask_dialog
    assert dialog is not None
    ask(qtbot, dialog, "how do I start a needs check")
    {b.text(): b for b in dialog.link_buttons()}["Start a needs check"].click()
    assert window.nav.currentRow() == PAGES.index("Caseload")
    assert "Open the child's record first" in window.statusBar().currentMessage()
    child = add_child(context.col.db, "Ada", "Stone", date(2016, 1, 1))
    window.open_child(child)
    started: list[bool] = []
    monkeypatch.setattr(window.child.needs_checks, "start_check", lambda: started.append(True))
    {b.text(): b for b in dialog.link_buttons()}["Start a needs check"].click()
    assert started and window.child.tabs.currentWidget() is window.child.needs_checks
    dialog.close()


def test_a_sharing_agreements_link_lists_the_agreements_held_or_opens_the_childs_sharing_tab(
    qtbot, window: MainWindow, context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    window.ask()
    dialog = window.ask_dialog
    assert dialog is not None
    ask(qtbot, dialog, "which organisations can see a child's record")
    assert dialog.current() is not None and dialog.current().entry.id == "who-sees-what"
    link = {b.text(): b for b in dialog.link_buttons()}["See the sharing agreements"]
    link.click()  # none held yet: the list says so and where agreements come from
    shown = [d for d in window.findChildren(AgreementsDialog) if d.isVisible()]
    assert len(shown) == 1
    qtbot.waitUntil(lambda: shown[0].text.toPlainText() != "")
    assert shown[0].text.toPlainText() == NONE_HELD
    shown[0].close()
    agreements = demo_agreements()
    sharing_repo.hold(context.col.db, agreements, [])
    link.click()
    listing = next(d for d in window.findChildren(AgreementsDialog) if d.isVisible())
    qtbot.waitUntil(lambda: len(listing.views) == len(agreements))
    text = listing.text.toPlainText()
    assert all(a.title in text for a in agreements) and "Lawful basis: Art. 6(1)(e) public task" in text
    listing.grab().save("/tmp/guidance-agreements.png")
    listing.close()
    child = add_child(context.col.db, "Ada", "Stone", date(2016, 1, 1))
    window.open_child(child)
    link.click()  # with a child open: that child's Sharing tab, which shows the agreements that apply to them
    assert window.child.tabs.currentWidget() is window.child.sharing
    assert not [d for d in window.findChildren(AgreementsDialog) if d.isVisible()]
    dialog.close()


def test_nothing_found_and_unhelpful_answers_are_kept_scrubbed(qtbot, window: MainWindow, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    add_child(context.col.db, "Peregrine", "Falconer", date(2015, 6, 1))
    window.ask()
    dialog = window.ask_dialog
    assert dialog is not None
    ask(qtbot, dialog, "does peregrine falconer qualify for the pizza voucher scheme")
    assert dialog.answers == [] and dialog.status.text() == NOTHING_FOUND
    dialog.grab().save("/tmp/ask-casedesk-nothing.png")
    ask(qtbot, dialog, "how do I chase a referral")
    dialog.unhelpful.click()
    assert not dialog.unhelpful.isEnabled() and "Thank you" in dialog.status.text()
    with context.col.db.session() as session:
        kept = [(q.question, q.outcome, q.entry_id) for q in guidance_repo.list_questions(session)]
    assert kept == [
        ("does [name] [name] qualify for the pizza voucher scheme", "no_result", None),
        ("how do I chase a referral", "unhelpful", "chase-referral"),
    ]
    dialog.close()


def test_locking_closes_ask_casedesk(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(window, "ask_unlock", lambda: None)
    window.ask()
    assert window.ask_dialog is not None
    ask(qtbot, window.ask_dialog, "how do I chase a referral")
    window.lock()
    assert window.ask_dialog is None
