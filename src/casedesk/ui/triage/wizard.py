"""The Presenting Needs Check wizard: choose a questionnaire, one section a page, then the outcome and its reasons.

Answers are saved to the draft on every page turn (and on "Save draft and close"), so a check interrupted by the
bell resumes where it stopped, offline. A stop rule shows its banner as soon as the answer is given and ends the
check: the next page is the result. "Record result" freezes the result and writes its chronology entry; a recorded
result opens straight on its stored outcome, never re-scored. Database work goes through the task runner.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QWidget,
)

from casedesk.domain.records import Changes
from casedesk.domain.triage.engine import evaluate, visible_sections
from casedesk.domain.triage.model import Question, Questionnaire, Section
from casedesk.domain.triage.prefill import KnownAnswer, known_answers
from casedesk.domain.triage.result import TriageResult
from casedesk.services.collection import Collection
from casedesk.ui.context import AppContext
from casedesk.ui.palette import RED
from casedesk.ui.triage.frame import CHOOSE, SECTION, SUMMARY, WizardFrame
from casedesk.ui.triage.questions import SectionPage
from casedesk.ui.widgets import resize_to_fit


class TriageWizard(WizardFrame):
    find_services = Signal(str)  # result id: the directory page takes it from here
    recorded = Signal(str)  # result id

    def __init__(self, context: AppContext, child_id: str, child_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.child_id, self.child_name = context, child_id, child_name
        self.setWindowTitle(f"Presenting Needs Check — {child_name}")
        resize_to_fit(self, 860, 660)
        self.questionnaire: Questionnaire | None = None
        self.triage_result: TriageResult | None = None
        self.answers: dict[str, Any] = {}
        self.section_id: str | None = None
        self.page: SectionPage | None = None
        self.dirty = False
        self.known: dict[str, KnownAnswer] = {}  # answers filled in from the record, to be confirmed
        self._build()
        self.choose.chosen.connect(self._start)
        self.back.clicked.connect(self.go_back)
        self.next.clicked.connect(self.go_next)
        self.save_close.clicked.connect(self.save_and_close)
        self.record.clicked.connect(self.record_result)
        self.find_button.clicked.connect(self._find_services)
        self.pdf.clicked.connect(self.ask_pdf)
        self.close_button.clicked.connect(self.reject)
        self.record.setDefault(False)
        self.next.setDefault(True)

    # -- opening -----------------------------------------------------------------------------------------------
    def start_new(self) -> None:
        self.title.setText("Presenting Needs Check")
        self._show_page(CHOOSE)
        listing = self.context.runner.query(lambda col: col.triage.questionnaires())
        listing.success(self.choose.set_entries).failure(self._failed).run()

    def open_result(self, result: TriageResult) -> None:
        """Resume a draft at its first unanswered page, or show a recorded result from its stored outcome."""
        self.triage_result, self.answers = result, dict(result.answers)
        if result.is_complete:
            self._show_summary()
            return
        child_id = self.child_id

        def load(col: Collection) -> tuple[Questionnaire, list[KnownAnswer]]:
            questionnaire = col.triage.questionnaire_for(result)
            return questionnaire, known_answers(questionnaire, col.children.view(child_id).statuses, date.today())

        self.context.runner.query(load).success(self._resume).failure(self._failed).run()

    def _resume(self, loaded: tuple[Questionnaire, list[KnownAnswer]]) -> None:
        """Carry on where the draft stopped; answers that still match the record say where they came from."""
        questionnaire, known = loaded
        self.questionnaire = questionnaire
        self.known = {k.question_id: k for k in known}
        self.title.setText(questionnaire.title)
        outcome = evaluate(questionnaire, self.answers)
        pages = self._pages()
        first = next((s for s, qs in pages if any(q.id in outcome.unanswered for q in qs)), None)
        if outcome.stop is not None or (first is None and self.answers):
            self._show_summary()
        else:
            self._show_section((first or pages[0][0]).id)
        self.message.setText("Resumed your saved draft.")

    # -- pages -------------------------------------------------------------------------------------------------
    def _pages(self) -> list[tuple[Section, list[Question]]]:
        assert self.questionnaire is not None
        return visible_sections(self.questionnaire, self.answers)

    def _index(self) -> int:
        ids = [s.id for s, _ in self._pages()]
        return ids.index(self.section_id) if self.section_id in ids else 0

    def _show_section(self, section_id: str) -> None:
        assert self.questionnaire is not None
        self.section_id = section_id
        section = next(s for s in self.questionnaire.sections if s.id == section_id)
        self.page = SectionPage(section, self.answers)
        for qid, widget in self.page.widgets.items():
            known = self.known.get(qid)
            if known is not None and self.answers.get(qid) == known.value:
                widget.mark_known(known.source)
        self.page.changed.connect(self._answer_changed)
        self.section_scroll.setWidget(self.page)
        self._refresh_section()
        self._show_page(SECTION)

    def _refresh_section(self) -> None:
        """Branching, progress and the stop banner, recomputed from the answers so far."""
        assert self.page is not None and self.questionnaire is not None
        pages = self._pages()
        index = self._index()
        visible = {q.id for s, qs in pages if s.id == self.section_id for q in qs}
        self.page.show_only(visible)
        self.title.setText(f"{self.page.section.title}")
        self.progress_text.setText(f"Section {index + 1} of {len(pages)} · {self.child_name}")
        self.progress.setRange(0, len(pages))
        self.progress.setValue(index + 1)
        stop = evaluate(self.questionnaire, self.answers).stop
        self.stop_note.setVisible(stop is not None)
        fired = {e.question_id for e in stop.evidence} if stop is not None else set()
        first = self.page.mark_stop(fired)
        if stop is not None:
            because = html.escape("; ".join(f"{e.question} — {e.answer}" for e in stop.evidence))
            self.stop_note.setText(
                f"{html.escape(stop.instruction)}<br><span style='font-weight: 400; font-size: 10pt'>"
                f"Because of the answer highlighted below: {because}</span>"
            )
            self.next.setText("See the result >")
            if first is not None:
                QTimer.singleShot(0, lambda: self.section_scroll.ensureWidgetVisible(first, 0, 40))
        else:
            self.next.setText("Next >")

    def _answer_changed(self, question_id: str) -> None:
        assert self.page is not None
        value = self.page.widgets[question_id].value()
        if value is None:
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = value
        self.dirty = True
        self.message.clear()
        self._refresh_section()

    def _outcome(self) -> Any:
        stored = self.triage_result.stored_outcome() if self.triage_result and self.triage_result.is_complete else None
        if stored is not None:
            return stored
        assert self.questionnaire is not None
        return evaluate(self.questionnaire, self.answers)

    def _show_summary(self) -> None:
        outcome = self._outcome()
        result = self.triage_result
        self.title.setText(f"Result: {outcome.questionnaire_title}")
        if result is not None and result.is_complete and result.completed_at:
            status = f"Recorded {result.completed_at.astimezone():%d %b %Y %H:%M} by {result.author}."
            missing: list[str] = []
        else:
            status = "Not recorded yet: check the outcome, then press Record result."
            assert self.questionnaire is not None
            missing = [self.questionnaire.question(qid).text for qid in outcome.unanswered if outcome.stop is None]
        self.summary.show_outcome(outcome, status, missing)
        self._show_page(SUMMARY)
        self.record.setEnabled(outcome.complete)

    # -- navigation --------------------------------------------------------------------------------------------
    def go_next(self) -> None:
        which = self.stack.currentIndex()
        if which == CHOOSE:
            chosen = self.choose.current()
            if chosen is not None:
                self._start(chosen)
            return
        if which != SECTION or self.questionnaire is None:
            return
        outcome = evaluate(self.questionnaire, self.answers)
        pages = self._pages()
        index = self._index()
        if outcome.stop is None:
            missing = [q.id for q in pages[index][1] if q.id in outcome.unanswered]
            if missing and self.page is not None:
                self.page.flag_unanswered(missing)
                self.message.setText("Please answer the questions marked in red before going on.")
                return
        after = self._show_summary if outcome.stop is not None or index + 1 >= len(pages) else None
        self._save(after or (lambda: self._show_section(pages[index + 1][0].id)))

    def go_back(self) -> None:
        if self.questionnaire is None:
            return
        pages = self._pages()
        if self.stack.currentIndex() == SUMMARY:
            self._show_section(pages[self._index()][0].id if self.section_id else pages[-1][0].id)
            return
        index = self._index()
        if index > 0:
            self._save(lambda: self._show_section(pages[index - 1][0].id))

    def _start(self, questionnaire: Questionnaire) -> None:
        child_id = self.child_id

        def start(col: Collection) -> tuple[tuple[TriageResult, list[KnownAnswer]], Changes]:
            draft, changes = col.triage.start_draft(child_id, questionnaire.id, questionnaire.version)
            return (draft, known_answers(questionnaire, col.children.view(child_id).statuses, date.today())), changes

        def started(done: tuple[TriageResult, list[KnownAnswer]]) -> None:
            self.triage_result, known = done
            self.questionnaire = questionnaire
            self.known = {k.question_id: k for k in known}
            for k in known:
                self.answers.setdefault(k.question_id, k.value)
            self.dirty = bool(known)
            self._show_section(self._pages()[0][0].id)

        self.context.runner.op(start).success(started).failure(self._failed).run(initiator=self)

    # -- writes ------------------------------------------------------------------------------------------------
    def _save(self, then: Any = None) -> None:
        """Write the answers to the draft (only if they changed), then carry on."""
        if self.triage_result is None or self.triage_result.is_complete or not self.dirty:
            if then:
                then()
            return
        result_id, answers = self.triage_result.id, dict(self.answers)

        def saved(result: TriageResult) -> None:
            self.triage_result = result
            self.dirty = False
            if then:
                then()

        self.context.runner.op(lambda col: col.triage.save_answers(result_id, answers)).success(saved).failure(
            self._failed
        ).run(initiator=self)

    def save_and_close(self) -> None:
        self._save(lambda: self.done(QDialog.DialogCode.Accepted))

    def reject(self) -> None:
        """Closing never loses answers: the draft is saved first (unless the app locked meanwhile)."""
        if not self.context.unlocked:
            QDialog.reject(self)
            return
        self._save(lambda: QDialog.reject(self))

    def record_result(self) -> None:
        if self.triage_result is None:
            return
        result_id = self.triage_result.id

        def recorded(result: TriageResult) -> None:
            self.triage_result = result
            self._show_summary()
            self.message.setText("Recorded. The result is in the child's chronology.")
            self.recorded.emit(result_id)

        completing = self.context.runner.op(lambda col: col.triage.complete(result_id))
        self._save(lambda: completing.success(recorded).failure(self._failed).run(initiator=self))

    def _find_services(self) -> None:
        if self.triage_result is not None:
            result_id = self.triage_result.id
            self.done(QDialog.DialogCode.Accepted)
            self.find_services.emit(result_id)

    def ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the check as PDF", "needs-check.pdf", "PDF (*.pdf)")
        if path:
            self.save_pdf_to(Path(path))

    def save_pdf_to(self, path: Path) -> None:
        if self.triage_result is None:
            return
        result_id = self.triage_result.id
        printing = self.context.runner.query(lambda col: col.triage.write_pdf(result_id, path))
        self._save(
            lambda: printing.success(lambda _child: self.message.setText(f"Saved {path}.")).failure(self._failed).run()
        )

    def _failed(self, error: BaseException) -> None:
        self.message.setText(f"<span style='color:{RED}'>{html.escape(str(error))}</span>")
