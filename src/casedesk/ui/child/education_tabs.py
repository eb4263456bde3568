"""The child's School, Suspensions and Home education tabs: what the education records say, newest first, with
buttons that ask `EducationActions` to record more. Each shows the summary line the Overview card shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.education.rules import provision_flags
from casedesk.domain.education.vocab import (
    EXCLUSION_REASONS,
    CmeOutcome,
    CmeReason,
    CmeStepKind,
    EheVisitOutcome,
    ExclusionKind,
    GovernorsDecision,
    IndependentReviewOutcome,
    LeavingReason,
    MoveOutcome,
    ProvisionKind,
)
from casedesk.domain.vocab import label_of
from casedesk.services.education.summary import EducationSummary, EducationView
from casedesk.ui.child.education_actions import EducationActions
from casedesk.ui.widgets import EmptyState, read_only_table


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)  # reasons and notes are longer than their column
            table.setItem(r, c, item)


def _selected(table: QTableWidget, ids: list[Any]) -> Any:
    rows = {i.row() for i in table.selectedIndexes()}
    return ids[rows.pop()] if len(rows) == 1 else None


def _buttons(*pairs: tuple[str, Callable[[], None]]) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for text, action in pairs:
        button = QPushButton(text)
        button.clicked.connect(action)
        row.addWidget(button)
    return row


def _section(
    title: str, table: QTableWidget, empty: str, buttons: QHBoxLayout, intro: QWidget | None = None
) -> tuple[QGroupBox, EmptyState]:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    if intro is not None:
        layout.addWidget(intro)
    layout.addLayout(buttons)
    state = EmptyState(table, empty)
    layout.addWidget(state)
    return box, state


class SchoolTab(QWidget):
    """School history, managed moves, alternative provision and part-time timetables."""

    def __init__(self, actions: EducationActions) -> None:
        super().__init__()
        self.record = actions
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Education summary")
        self.history = read_only_table(
            ("School", "URN", "Phase", "LA", "From", "To", "Reason for leaving"), "School history"
        )
        self.moves = read_only_table(("Home school", "Host school", "From", "Trial until", "Outcome"), "Managed moves")
        self.provision = read_only_table(
            ("Kind", "Provider", "Sessions a week", "From", "Planned end", "Review", "Ended", "Attention"), "Provision"
        )
        self._ids: dict[str, list[str]] = {"history": [], "moves": [], "provision": []}
        history, self.history_state = _section(
            "School history",
            self.history,
            "No school recorded. Choose “Enrol at a school…” to add one.",
            _buttons(("Enrol at a school…", actions.enrol), ("End selected enrolment…", self._end_enrolment)),
        )
        moves, self.moves_state = _section(
            "Managed moves",
            self.moves,
            "No managed moves.",
            _buttons(("Start a managed move…", actions.start_managed_move), ("Record outcome…", self._end_move)),
        )
        provision, self.provision_state = _section(
            "Alternative provision and part-time timetables",
            self.provision,
            "None recorded.",
            _buttons(("Add provision…", actions.add_provision), ("End selected", self._end_provision)),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        for box in (history, moves, provision):
            layout.addWidget(box, 1)

    def show_view(self, view: EducationView, summary: EducationSummary, today: date) -> None:
        self.summary.setText(
            f"{summary.school} · {summary.year}"
            + (f" · on roll since {_day(summary.on_roll_since)}" if summary.on_roll_since else "")
            + f" · {summary.moves} move(s)"
            + (f"\nNeeds attention: {'; '.join(summary.flags)}" if summary.flags else "")
        )
        records = view.records
        enrolments = sorted(records.enrolments, key=lambda e: e.start_date, reverse=True)
        self._ids["history"] = [e.id for e in enrolments]
        org = view.organisations
        _fill(
            self.history,
            [
                (
                    view.school(e.school_id),
                    org[e.school_id].urn or "" if e.school_id in org else "",
                    org[e.school_id].phase or "" if e.school_id in org else "",
                    org[e.school_id].la_code or "" if e.school_id in org else "",
                    _day(e.start_date),
                    _day(e.end_date),
                    label_of(LeavingReason, e.leaving_reason) if e.leaving_reason else "",
                )
                for e in enrolments
            ],
        )
        self.history_state.set_empty(not enrolments)
        moves = sorted(records.moves, key=lambda m: m.start_date, reverse=True)
        self._ids["moves"] = [m.id for m in moves]
        _fill(
            self.moves,
            [
                (
                    view.school(m.home_school_id),
                    view.school(m.host_school_id),
                    _day(m.start_date),
                    _day(m.trial_end_date),
                    label_of(MoveOutcome, m.outcome) if m.outcome else "Trial running",
                )
                for m in moves
            ],
        )
        self.moves_state.set_empty(not moves)
        provisions = sorted(records.provisions, key=lambda p: p.start_date, reverse=True)
        self._ids["provision"] = [p.id for p in provisions]
        _fill(
            self.provision,
            [
                (
                    label_of(ProvisionKind, p.kind),
                    p.provider,
                    str(p.sessions_per_week),
                    _day(p.start_date),
                    _day(p.planned_end_date),
                    _day(p.review_date),
                    _day(p.end_date),
                    "; ".join(provision_flags(p, today)),
                )
                for p in provisions
            ],
        )
        self.provision_state.set_empty(not provisions)

    def _end_enrolment(self) -> None:
        if (chosen := _selected(self.history, self._ids["history"])) is not None:
            self.record.end_enrolment(chosen)

    def _end_move(self) -> None:
        if (chosen := _selected(self.moves, self._ids["moves"])) is not None:
            self.record.end_managed_move(chosen)

    def _end_provision(self) -> None:
        if (chosen := _selected(self.provision, self._ids["provision"])) is not None:
            self.record.end_provision(chosen)


class SuspensionsTab(QWidget):
    def __init__(self, actions: EducationActions) -> None:
        super().__init__()
        self.record = actions
        self.counts = QLabel()
        self.counts.setAccessibleName("Suspension counts")
        self.table = read_only_table(
            ("Type", "First day", "Sessions", "Reasons", "School", "Reintegration", "Governors", "Independent review"),
            "Suspensions and exclusions",
        )
        self._rows: list[Any] = []
        box, self.state = _section(
            "Suspensions and permanent exclusions",
            self.table,
            "No suspensions or exclusions recorded. Choose “Add suspension or exclusion…” to record one.",
            _buttons(("Add suspension or exclusion…", actions.add_exclusion), ("Record reviews…", self._review)),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(box, 1)

    def show_view(self, view: EducationView, summary: EducationSummary, today: date) -> None:
        c = summary.suspensions
        self.counts.setText(
            f"Suspensions: {c.term} this term · {c.year} this school year · {c.ever} in all"
            + (f" · permanent exclusions: {c.permanent}" if c.permanent else "")
        )
        rows = sorted(view.records.exclusions, key=lambda x: x.first_day, reverse=True)
        self._rows = rows
        governors = {x.id: label_of(GovernorsDecision, x.governors_decision) for x in rows if x.governors_decision}
        panel = {
            x.id: label_of(IndependentReviewOutcome, x.independent_review_outcome)
            for x in rows
            if x.independent_review_outcome
        }
        _fill(
            self.table,
            [
                (
                    label_of(ExclusionKind, x.kind),
                    _day(x.first_day),
                    str(x.sessions or ""),
                    "; ".join(EXCLUSION_REASONS.get(r, r) for r in x.reasons),
                    view.school(x.school_id),
                    _day(x.reintegration_meeting),
                    " ".join(filter(None, (_day(x.governors_review), governors.get(x.id, "")))),
                    " ".join(filter(None, (_day(x.independent_review), panel.get(x.id, "")))),
                )
                for x in rows
            ],
        )
        self.state.set_empty(not rows)

    def _review(self) -> None:
        if (chosen := _selected(self.table, self._rows)) is not None:
            self.record.record_review(chosen)


class HomeEducationTab(QWidget):
    """The elective home education case with its visits, and any missing-education enquiry with its steps."""

    def __init__(self, actions: EducationActions) -> None:
        super().__init__()
        self.record = actions
        self.case_id: str | None = None
        self.enquiry_id: str | None = None
        self.ehe = QLabel()
        self.ehe.setWordWrap(True)
        self.ehe.setAccessibleName("Home education")
        self.visits = read_only_table(("Visited", "Outcome", "Note"), "Home education visits")
        self.cme = QLabel()
        self.cme.setWordWrap(True)
        self.cme.setAccessibleName("Missing education")
        self.steps = read_only_table(("Date", "Step", "Note"), "Missing education steps")
        ehe_box, self.visits_state = _section(
            "Elective home education",
            self.visits,
            "No visits recorded.",
            _buttons(
                ("Remove from roll to home education…", actions.remove_to_home_education),
                ("Add visit…", self._visit),
                ("School attendance order…", self._attendance_order),
                ("Return to school…", self._return),
            ),
            self.ehe,
        )
        cme_box, self.steps_state = _section(
            "Child missing education",
            self.steps,
            "No steps recorded.",
            _buttons(("Open enquiry…", actions.open_cme), ("Add step…", self._step), ("Close enquiry…", self._close)),
            self.cme,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(ehe_box, 1)
        layout.addWidget(cme_box, 1)

    def show_view(self, view: EducationView, summary: EducationSummary, today: date) -> None:
        records = view.records
        case = records.ehe_cases[-1] if records.ehe_cases else None
        self.case_id = case.id if case and case.closed_on is None else None
        self.ehe.setText(summary.home_education or "Not home educated.")
        visits = sorted(
            (v for v in records.ehe_visits if case and v.case_id == case.id), key=lambda v: v.visited_on, reverse=True
        )
        _fill(self.visits, [(_day(v.visited_on), label_of(EheVisitOutcome, v.outcome), v.note or "") for v in visits])
        self.visits_state.set_empty(not visits)
        enquiry = records.cme_enquiries[-1] if records.cme_enquiries else None
        self.enquiry_id = enquiry.id if enquiry and enquiry.closed_on is None else None
        if enquiry:
            outcome = f" — {label_of(CmeOutcome, enquiry.outcome)}" if enquiry.outcome else ""
            self.cme.setText(
                f"{label_of(CmeReason, enquiry.reason)}: opened {_day(enquiry.opened_on)}"
                + (f", closed {_day(enquiry.closed_on)}{outcome}" if enquiry.closed_on else " (open)")
            )
        else:
            self.cme.setText("No missing-education enquiry.")
        steps = sorted(
            (s for s in records.cme_steps if enquiry and s.enquiry_id == enquiry.id),
            key=lambda s: s.done_on,
            reverse=True,
        )
        _fill(self.steps, [(_day(s.done_on), label_of(CmeStepKind, s.step), s.note or "") for s in steps])
        self.steps_state.set_empty(not steps)

    # -- what the buttons act on: the open case or enquiry, if any ----------------------------------------------
    def _visit(self) -> None:
        if self.case_id:
            self.record.add_ehe_visit(self.case_id)

    def _attendance_order(self) -> None:
        if self.case_id:
            self.record.ehe_attendance_order(self.case_id)

    def _return(self) -> None:
        if self.case_id:
            self.record.ehe_return_to_school(self.case_id)

    def _step(self) -> None:
        if self.enquiry_id:
            self.record.add_cme_step(self.enquiry_id)

    def _close(self) -> None:
        if self.enquiry_id:
            self.record.close_cme(self.enquiry_id)
