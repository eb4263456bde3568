"""A child's Meetings and plans tab: the meetings the child was discussed at with each decision, and the child's
plans with their outcomes and actions; record a meeting, start a plan, add an action, mark one done, review the
plan, or print the family's version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.meetings import minutes
from casedesk.domain.meetings.records import PlanRecords
from casedesk.domain.meetings.rules import ActionState, action_state
from casedesk.domain.meetings.vocab import OutcomeStatus, PlanKind
from casedesk.domain.records import Changes
from casedesk.domain.vocab import label_of
from casedesk.services.meetings.plans import ActionDraft, ChildPlans
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.plan_dialogs import (
    ActionDialog,
    PlanDialog,
    close_dialog,
    done_dialog,
    outcome_dialog,
    progress_dialog,
    review_dialog,
)
from casedesk.ui.palette import RED
from casedesk.ui.widgets import EmptyState, read_only_table

ENTITIES = {"meetings", "meeting_items", "plans", "plan_outcomes", "plan_actions", "plan_notes"}
NO_MEETINGS = "Not discussed at a meeting recorded here yet. Record one with \u201cRecord a meeting\u2026\u201d."
NO_PLAN = "No plan yet. Start one with \u201cStart a plan\u2026\u201d; its actions then appear here."


class ChildMeetingsTab(QWidget):
    record_meeting = Signal(str)  # the child's id: the Meetings page opens its dialog with the child

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.child_id: str | None = None
        self.loaded: ChildPlans | None = None
        self.meetings = read_only_table(("Date", "Meeting", "Decision"), "Meetings the child was discussed at")
        self.meetings_empty = EmptyState(self.meetings, NO_MEETINGS)
        self.plan_choice = QComboBox()
        self.plan_choice.setAccessibleName("Plan")
        self.plan_choice.currentIndexChanged.connect(lambda _i: self._show_plan())
        self.plan_facts = QLabel()
        self.plan_facts.setWordWrap(True)
        self.steps = read_only_table(("Due", "Where it stands", "Action", "Who"), "The plan's actions")
        self.steps_empty = EmptyState(self.steps, NO_PLAN)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = [
            ("Record a meeting…", self._record),
            ("Start a plan…", self.start_plan),
            ("Add action…", self.add_action),
            ("Mark done…", self.mark_done),
            ("Review…", self.review),
            ("Family version (PDF)…", self.family_pdf),
        ]
        row = QHBoxLayout()
        for text, slot in buttons:
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        self.more = QPushButton("More…")
        menu = QMenu(self.more)
        menu.addAction("Progress note…", self.progress)
        menu.addAction("How an outcome is going…", self.outcome)
        menu.addAction("Close the plan…", self.close_plan)
        self.more.setMenu(menu)
        row.addWidget(self.more)
        meetings_box = QGroupBox("Meetings")
        QVBoxLayout(meetings_box).addWidget(self.meetings_empty)
        plans_box = QGroupBox("Plans")
        plans_layout = QVBoxLayout(plans_box)
        plans_layout.addWidget(self.plan_choice)
        plans_layout.addWidget(self.plan_facts)
        plans_layout.addWidget(self.steps_empty, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(meetings_box, 1)
        layout.addWidget(plans_box, 2)
        layout.addWidget(self.message)
        layout.addLayout(row)
        context.runner.changes_applied.connect(self._on_changes)

    def _record(self) -> None:
        if self.child_id:
            self.record_meeting.emit(self.child_id)

    # -- loading -----------------------------------------------------------------------------------------------
    def show_child(self, child_id: str) -> None:
        self.child_id = child_id
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.plans.child_plans(child_id, date.today())).success(
                self._fill
            ).run()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if self.child_id and changes.entities & ENTITIES:
            self.show_child(self.child_id)

    def _fill(self, loaded: ChildPlans) -> None:
        if loaded.child_id != self.child_id:
            return
        self.loaded = loaded
        self.meetings.setRowCount(len(loaded.meetings))
        for row, (meeting, item) in enumerate(loaded.meetings):
            cells = (f"{meeting.held_on:%d %b %Y}", meeting.kind_label, minutes.decision_words(item))
            for column, text in enumerate(cells):
                self.meetings.setItem(row, column, QTableWidgetItem(text))
        self.meetings_empty.set_empty(not loaded.meetings)
        chosen = self.plan_choice.currentData()
        self.plan_choice.blockSignals(True)
        self.plan_choice.clear()
        for records in loaded.plans:
            plan = records.plan
            state = "open" if plan.is_open else "closed"
            self.plan_choice.addItem(
                f"{label_of(PlanKind, plan.kind)} from {plan.started_on:%d %b %Y} ({state})", plan.id
            )
        open_first = next((i for i, r in enumerate(loaded.plans) if r.plan.is_open), 0)
        self.plan_choice.setCurrentIndex(max(0, self.plan_choice.findData(chosen)) if chosen else open_first)
        self.plan_choice.blockSignals(False)
        self._show_plan()

    def plan(self) -> PlanRecords | None:
        if self.loaded is None:
            return None
        plan_id = self.plan_choice.currentData()
        return next((r for r in self.loaded.plans if r.plan.id == plan_id), None)

    def _show_plan(self) -> None:
        records = self.plan()
        if records is None:
            self.plan_facts.setText("")
            self.steps.setRowCount(0)
            self.steps_empty.set_empty(True)
            return
        plan, today = records.plan, date.today()
        review = f" · next review {plan.next_review_on:%d %b %Y}" if plan.next_review_on and plan.is_open else ""
        outcomes = "; ".join(f"{o.outcome} ({label_of(OutcomeStatus, o.status).lower()})" for o in records.outcomes)
        latest = records.notes[-1] if records.notes else None
        note = f"\nLatest {latest.kind} note, {latest.written_at:%d %b %Y}: {latest.note}" if latest else ""
        self.plan_facts.setText(
            f"Lead professional: {plan.lead_name}{review}\nOutcomes sought: {outcomes or 'none recorded'}{note}"
        )
        self.steps.setRowCount(len(records.actions))
        for row, action in enumerate(records.actions):
            state = action_state(action, today)
            cells = (f"{action.due_on:%d %b %Y}", state.label, action.what, action.owner_name)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if state is ActionState.OVERDUE:
                    cell.setForeground(QColor(RED))
                self.steps.setItem(row, column, cell)
        self.steps_empty.set_empty(
            not records.actions, "No actions on this plan yet: add one with \u201cAdd action\u2026\u201d."
        )

    # -- writing -----------------------------------------------------------------------------------------------
    def _write(self, fn: object, done: str) -> None:
        self.context.runner.op(fn).success(lambda _r: self.message.setText(done)).failure(  # type: ignore[arg-type]
            lambda error: self.message.setText(str(error))
        ).run(initiator=self)

    def start_plan(self) -> None:
        if self.child_id is None or self.loaded is None:
            return
        dialog = PlanDialog(self, self.loaded.organisations, self.loaded.workers, self.loaded.my_worker_id)
        if dialog.exec():
            child_id, values = self.child_id, dialog.start_values()
            self._write(lambda col: col.plans.start(child_id, **values), "Plan started; it is in the chronology.")

    def add_action(self) -> None:
        records = self.plan()
        if records is None or self.loaded is None:
            self.message.setText("Start a plan first.")
            return
        dialog = ActionDialog(self, self.loaded.organisations, self.loaded.workers, records.outcomes)
        if dialog.exec():
            plan_id, values = records.plan.id, dialog.draft_values()
            self._write(lambda col: col.plans.add_action(plan_id, ActionDraft(**values)), "Action added.")  # type: ignore[arg-type]

    def mark_done(self) -> None:
        records = self.plan()
        row = self.steps.currentRow()
        if records is None or not 0 <= row < len(records.actions) or not records.actions[row].is_live:
            self.message.setText("Choose an action still to do.")
            return
        action = records.actions[row]
        dialog = done_dialog(self, action.what)
        if dialog.exec():
            values = dialog.values()
            self._write(
                lambda col: col.plans.complete_action(action.id, values["done_on"], values["note"] or ""),
                "Marked done; the note is in the chronology.",
            )

    def review(self) -> None:
        records = self.plan()
        if records is None:
            self.message.setText("Start a plan first.")
            return
        dialog = review_dialog(self)
        if dialog.exec():
            plan_id, v = records.plan.id, dialog.values()
            self._write(
                lambda col: col.plans.review(plan_id, v["note"] or "", v["on"], v["next_review_on"]), "Review recorded."
            )

    def progress(self) -> None:
        records = self.plan()
        if records is None:
            self.message.setText("Start a plan first.")
            return
        dialog = progress_dialog(self)
        if dialog.exec():
            plan_id, v = records.plan.id, dialog.values()
            self._write(lambda col: col.plans.add_progress(plan_id, v["note"] or "", v["on"]), "Progress noted.")

    def outcome(self) -> None:
        records = self.plan()
        if records is None or not records.outcomes:
            self.message.setText("The plan has no outcomes yet.")
            return
        dialog = outcome_dialog(self, records.outcomes)
        if dialog.exec():
            v = dialog.values()
            self._write(lambda col: col.plans.set_outcome_status(v["outcome_id"], v["status"]), "Outcome updated.")

    def close_plan(self) -> None:
        records = self.plan()
        if records is None or not records.plan.is_open:
            self.message.setText("Choose an open plan.")
            return
        dialog = close_dialog(self)
        if dialog.exec():
            plan_id, v = records.plan.id, dialog.values()
            self._write(lambda col: col.plans.close(plan_id, v["on"], v["reason"], v["note"]), "Plan closed.")

    def family_pdf(self) -> None:
        records = self.plan()
        if records is None:
            self.message.setText("Start a plan first.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the family's plan", "plan-for-the-family.pdf", "PDF (*.pdf)")
        if path:
            plan_id, out = records.plan.id, Path(path)
            self.context.runner.query(lambda col: col.plans.write_family_pdf(plan_id, out)).success(
                lambda _p: self.message.setText(f"Saved {out.name}.")
            ).failure(lambda error: self.message.setText(str(error))).run()
