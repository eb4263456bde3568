"""The Presenting Needs Check wizard driven from a child's record as a teacher would: answer, save a draft, close,
resume, finish, record; the result lands in the chronology and the child's list of checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QComboBox, QPlainTextEdit, QPushButton

from casedesk.services.triage.service import TriageService
from casedesk.ui.child.view import ChildPage
from casedesk.ui.context import AppContext
from casedesk.ui.triage.frame import CHOOSE, SECTION, SUMMARY
from casedesk.ui.triage.wizard import TriageWizard
from tests.factories import LEVEL3, add_child


def _labels(wizard: TriageWizard, qid: str, value: Any) -> list[str]:
    assert wizard.questionnaire is not None
    question = wizard.questionnaire.question(qid)
    if question.type == "yes_no":
        return ["Yes" if value else "No"]
    if question.type == "scale":
        return [str(value)]
    if question.type == "multi_choice":
        return [question.option_label(v) for v in value] or ["None of these"]
    return [question.option_label(value)]


def _answer(wizard: TriageWizard, qid: str, value: Any) -> None:
    """Answer one question through its widgets: click the radio button or tick boxes, pick, or type."""
    assert wizard.page is not None
    widget = wizard.page.widgets[qid]
    assert widget.isVisibleTo(wizard.page), f"{qid} is hidden"
    combo, text = widget.findChild(QComboBox), widget.findChild(QPlainTextEdit)
    if text is not None:
        text.setPlainText(value)
    elif combo is not None:
        combo.setCurrentIndex(combo.findData(value))
    else:
        buttons = {b.text(): b for b in widget.findChildren(QAbstractButton)}
        for label in _labels(wizard, qid, value):
            buttons[label].click()


def _answer_page(wizard: TriageWizard, answers: dict[str, Any]) -> list[str]:
    """Answer every visible question on the current page that `answers` covers; return their ids."""
    assert wizard.page is not None
    done = []
    for qid, widget in wizard.page.widgets.items():
        if qid in answers and widget.isVisibleTo(wizard.page):
            _answer(wizard, qid, answers[qid])
            done.append(qid)
    return done


def _header_button(page: ChildPage) -> QPushButton:
    return next(b for b in page.findChildren(QPushButton) if b.text() == "Presenting Needs Check…")


def _open(qtbot, page: ChildPage) -> TriageWizard:  # type: ignore[no-untyped-def]
    _header_button(page).click()
    wizard = page.needs_checks.wizard
    assert wizard is not None and wizard.isVisible()
    qtbot.addWidget(wizard)
    return wizard


def test_answer_save_resume_finish_and_record(qtbot, context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    child_id = add_child(context.col.db, "Ava", "Test", date(2012, 1, 5), postcode="LS6 2AB")
    page = ChildPage(context)
    qtbot.addWidget(page)
    page.show_child(child_id)

    wizard = _open(qtbot, page)
    assert wizard.stack.currentIndex() == CHOOSE
    assert "SAMPLE CONTENT" in wizard.choose.about.text()
    wizard.next.click()  # start with the bundled check: a draft exists from now on
    assert wizard.stack.currentIndex() == SECTION
    assert wizard.progress_text.text().startswith("Section 1 of 9 ·") and wizard.title.text() == "Attendance"
    draft = TriageService(context.col.db, "tester").open_draft(child_id)
    assert draft is not None and draft.answers == {}

    wizard.next.click()  # nothing answered: stays, says why
    assert wizard.progress_text.text().startswith("Section 1 of 9 ·") and "marked in red" in wizard.message.text()
    assert wizard.page is not None and not wizard.page.widgets["att_pattern"].isVisibleTo(wizard.page)
    _answer(wizard, "att_rate", "from_50_to_90")  # branching, live: the pattern question appears
    assert wizard.page.widgets["att_pattern"].isVisibleTo(wizard.page)
    _answer_page(wizard, LEVEL3)
    wizard.next.click()
    assert (
        wizard.progress_text.text().startswith("Section 2 of 9 ·")
        and wizard.title.text() == "Behaviour and suspensions"
    )
    _answer_page(wizard, LEVEL3)
    wizard.back.click()
    assert wizard.progress_text.text().startswith("Section 1 of 9 ·")
    wizard.next.click()
    wizard.save_close.click()
    assert not wizard.isVisible()
    draft = TriageService(context.col.db, "tester").open_draft(child_id)
    assert draft is not None and draft.answers["beh_suspensions"] == "several" and draft.answers["att_missing"] is False
    assert page.needs_checks.table.rowCount() == 1 and page.needs_checks.table.item(0, 2).text() == "Draft"

    wizard = _open(qtbot, page)  # resumes the draft at the first page with a question left
    assert wizard.triage_result is not None and wizard.triage_result.id == draft.id
    assert wizard.progress_text.text().startswith("Section 3 of 9 ·") and "Resumed" in wizard.message.text()
    while wizard.stack.currentIndex() == SECTION:
        _answer_page(wizard, {**LEVEL3, "voice_child": "Wants to stay at this school."})
        wizard.next.click()
    assert wizard.stack.currentIndex() == SUMMARY
    assert wizard.summary.level.text().startswith("Level 3:")
    assert not wizard.summary.stop_banner.isVisibleTo(wizard) and wizard.record.isEnabled()
    assert not wizard.find_button.isEnabled()  # record first
    assert wizard.summary.domains.rowCount() >= 3

    wizard.record.click()
    assert "Recorded" in wizard.message.text() and not wizard.record.isVisible() and wizard.find_button.isEnabled()
    result = TriageService(context.col.db, "tester").get_result(draft.id)
    assert result.is_complete and result.level == 3
    events = page.view.events if page.view else []
    assert [e.summary for e in events] == [f"Presenting Needs Check: level 3 ({result.outcome['level_name']})"]
    assert events[0].related_id == result.id  # type: ignore[attr-defined]
    page.open_tab("chronology")  # filled when shown: the Overview is the first tab
    assert page.chronology.table.rowCount() == 1
    assert page.needs_checks.table.item(0, 2).text() == "Recorded"

    pdf = tmp_path / "check.pdf"
    wizard.save_pdf_to(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and "Saved" in wizard.message.text()
    with qtbot.waitSignal(wizard.find_services) as found:
        wizard.find_button.click()
    assert found.args == [result.id] and not wizard.isVisible()


def test_stop_rule_banner_shows_at_once_and_ends_the_check(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child_id = add_child(context.col.db, "Ben", "Stop", date(2011, 3, 2))
    page = ChildPage(context)
    qtbot.addWidget(page)
    page.show_child(child_id)
    wizard = _open(qtbot, page)
    wizard.next.click()
    while wizard.title.text() != "Safeguarding and exploitation":
        _answer_page(wizard, LEVEL3)
        wizard.next.click()
    assert not wizard.stop_note.isVisibleTo(wizard)
    _answer(wizard, "sg_immediate_harm", True)
    assert wizard.stop_note.isVisibleTo(wizard) and "999" in wizard.stop_note.text()
    assert "Because of the answer highlighted below" in wizard.stop_note.text()
    assert wizard.page is not None and wizard.page.widgets["sg_immediate_harm"].property("stopped") is True
    assert not wizard.page.widgets["sg_social_care"].property("stopped")
    assert wizard.next.text() == "See the result >"
    wizard.next.click()  # the rest of the page need not be answered
    assert wizard.stack.currentIndex() == SUMMARY
    assert wizard.summary.stop_banner.isVisibleTo(wizard) and "999" in wizard.summary.stop_text.text()
    assert not wizard.summary.next_step.isVisibleTo(wizard)
    wizard.record.click()
    assert wizard.triage_result is not None and wizard.triage_result.level == 4
    assert not wizard.find_button.isEnabled() and "directory is not the next step" in wizard.find_button.toolTip()
    assert page.view is not None and page.view.events[0].significance == "critical"
    wizard.close_button.click()
    assert not wizard.isVisible()

    page.needs_checks.table.selectRow(0)  # a recorded check opens read-only on its stored outcome
    page.needs_checks.open_selected()
    opened = page.needs_checks.wizard
    assert opened is not None and opened is not wizard
    qtbot.addWidget(opened)
    assert opened.stack.currentIndex() == SUMMARY and opened.summary.stop_banner.isVisibleTo(opened)
    assert not opened.record.isVisible() and not opened.back.isVisible()
    opened.reject()


def test_a_stop_answered_out_of_view_is_scrolled_to_and_highlighted(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child_id = add_child(context.col.db, "Ben", "Stop", date(2011, 3, 2))
    page = ChildPage(context)
    qtbot.addWidget(page)
    page.show_child(child_id)
    wizard = _open(qtbot, page)
    wizard.resize(760, 420)  # a small window: the section's later questions are below the fold
    wizard.next.click()
    while wizard.title.text() != "Safeguarding and exploitation":
        _answer_page(wizard, LEVEL3)
        wizard.next.click()
    assert wizard.page is not None
    _answer(wizard, "sg_immediate_harm", False)
    _answer(wizard, "sg_exploitation", ["county_lines"])
    fired = wizard.page.widgets["sg_exploitation_level"]
    scroll = wizard.section_scroll.verticalScrollBar()
    scroll.setValue(0)
    _answer(wizard, "sg_exploitation_level", "immediate")
    assert fired.property("stopped") is True and wizard.stop_note.isVisibleTo(wizard)
    qtbot.waitUntil(lambda: scroll.value() > 0)
    top = fired.mapTo(wizard.section_scroll.viewport(), fired.rect().topLeft()).y()
    assert 0 <= top < wizard.section_scroll.viewport().height()
    wizard.save_close.click()


def test_the_check_starts_from_what_the_record_knows(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    child_id = add_child(context.col.db, "Ava", "Plan", date(2012, 1, 5))
    context.col.children.add_status(child_id, "ehc_plan", date(2024, 1, 3), detail="SEMH")
    context.col.children.add_status(child_id, "child_in_need", date(2025, 2, 1))
    page = ChildPage(context)
    qtbot.addWidget(page)
    page.show_child(child_id)
    wizard = _open(qtbot, page)
    wizard.next.click()
    assert wizard.answers["send_provision"] == "ehc_plan" and wizard.answers["send_primary"] == "semh"
    assert wizard.answers["sg_social_care"] == "child_in_need"
    while wizard.title.text() != "Learning and SEND":
        _answer_page(wizard, LEVEL3)
        wizard.next.click()
    assert wizard.page is not None
    provision = wizard.page.widgets["send_provision"]
    assert provision.value() == "ehc_plan" and provision.known.isVisibleTo(wizard)
    assert "EHC plan on record since 03 Jan 2024" in provision.known.text()
    _answer(wizard, "send_provision", "sen_support")  # the user may change what the record said
    assert wizard.answers["send_provision"] == "sen_support"
    wizard.save_close.click()
    draft = TriageService(context.col.db, "tester").open_draft(child_id)
    assert draft is not None and draft.answers["send_provision"] == "sen_support"
    assert draft.answers["sg_social_care"] == "child_in_need"  # confirmed by going on, saved with the rest
    resumed = _open(qtbot, page)
    while resumed.title.text() != "Safeguarding and exploitation":
        _answer_page(resumed, LEVEL3)
        resumed.next.click()
    assert resumed.page is not None and resumed.page.widgets["sg_social_care"].known.isVisibleTo(resumed)
    resumed.save_close.click()
