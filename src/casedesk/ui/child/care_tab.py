"""The Care tab: child in need, child protection and looked-after periods with the allocated social worker, and
the PEPs of a looked-after child with when the next is due (overdue in the warning colour)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout

from casedesk.domain.casework.care import CARE_STATUSES, abuse_categories, next_pep_due
from casedesk.domain.coherence import Period, pep_warnings
from casedesk.domain.records import StatusPeriod
from casedesk.domain.vocab import StatusKind, label_of
from casedesk.services.casework.care import pep_state
from casedesk.services.children import ChildView
from casedesk.ui.child.casework_tab import CaseworkTab, button_row, day, fill, heading
from casedesk.ui.child.record_form import FormDialog, ask_end_date, qdate
from casedesk.ui.context import AppContext
from casedesk.ui.widgets import EmptyState, picked_date, read_only_table

_CARE = {k.value for k in CARE_STATUSES}


class CareTab(CaseworkTab):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.periods = read_only_table(("Status", "Category of abuse", "Social worker", "From", "To"), "Care periods")
        self.peps = read_only_table(
            ("Held", "Next due", "Designated teacher", "Virtual-school officer", "Targets", "Progress"), "PEPs"
        )
        self.pep_summary = QLabel()
        self.pep_summary.setWordWrap(True)
        self._periods: list[StatusPeriod] = []
        start, allocate, end, add_pep = (
            QPushButton("Start care period…"),
            QPushButton("Allocate social worker…"),
            QPushButton("End selected…"),
            QPushButton("Add PEP…"),
        )
        start.clicked.connect(self.start_period)
        allocate.clicked.connect(self.allocate)
        end.clicked.connect(self.end_selected)
        add_pep.clicked.connect(self.add_pep)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Child in need, child protection and looked after"))
        layout.addLayout(button_row(start, allocate, end))
        layout.addWidget(
            EmptyState(
                self.periods,
                "No child in need, child protection or looked-after period recorded. Each appears here with its "
                "allocated social worker.",
            ),
            1,
        )
        layout.addWidget(heading("Personal education plans (looked-after children)"))
        layout.addWidget(self.pep_summary)
        layout.addLayout(button_row(add_pep))
        layout.addWidget(
            EmptyState(
                self.peps,
                "No PEP recorded. A looked-after child's personal education plan meetings appear here, one each term.",
            ),
            1,
        )

    def show_child(self, view: ChildView, today: date) -> None:
        super().show_child(view, today)
        self._periods = sorted(
            (p for p in view.statuses if p.kind in _CARE), key=lambda p: (not p.is_current(today), p.start_date)
        )
        categories = abuse_categories()
        fill(
            self.periods,
            [
                (
                    label_of(StatusKind, p.kind),
                    categories.get(p.detail or "", p.detail or ""),
                    view.workers[p.worker_id].name if p.worker_id in view.workers else "",
                    day(p.start_date),
                    day(p.end_date),
                )
                for p in self._periods
            ],
        )
        peps = sorted(view.peps, key=lambda p: p.held_on, reverse=True)
        fill(
            self.peps,
            [
                (
                    day(p.held_on),
                    day(p.next_due_on),
                    p.designated_teacher or "",
                    view.workers[p.officer_id].name if p.officer_id in view.workers else "",
                    p.targets or "",
                    p.progress or "",
                )
                for p in peps
            ],
        )
        state = pep_state(view.statuses, view.peps, today, view.calendar)
        if state.looked_after_since is None:
            self.pep_summary.setText("Not looked after now: PEPs are for looked-after children.")
        else:
            due = f"Next PEP due by {day(state.due)}"
            self.pep_summary.setText(
                f"Looked after since {day(state.looked_after_since)}. "
                + (f"{due} — OVERDUE." if state.overdue else f"{due}.")
            )
            self.pep_summary.setStyleSheet("color: #9a3412; font-weight: 600;" if state.overdue else "")

    def start_period(self) -> None:
        if not self.view or not self.child_id:
            return
        dialog = self.period_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v, child_id = dialog.values(), self.child_id
        self.write(
            lambda col: col.care.start_period(child_id, v["kind"], v["start"], v["worker_id"], v["category"]),
            "Care period recorded.",
        )

    def period_dialog(self) -> FormDialog:
        assert self.view is not None
        dialog = FormDialog(self, "Start care period")
        dialog.add_choice("kind", "Status", [(k.label, k.value) for k in CARE_STATUSES])
        dialog.add_date("start", "From")
        dialog.add_choice(
            "category", "Category of abuse (CP plan)", [("—", None), *((w, c) for c, w in abuse_categories().items())]
        )
        dialog.add_worker("worker_id", "Allocated social worker", self.view.workers, self.named("social_worker"))
        return dialog.finish()

    def _selected(self) -> StatusPeriod | None:
        row = self.selected_row(self.periods)
        return self._periods[row] if row is not None else None

    def allocate(self) -> None:
        period = self._selected()
        if period is None or not self.view:
            self.message.emit("Choose a care period first.")
            return
        dialog = FormDialog(self, "Allocate social worker")
        dialog.add_worker("worker_id", "Social worker", self.view.workers, period.worker_id)
        dialog.finish()
        if dialog.exec() == QDialog.DialogCode.Accepted and (worker := dialog.values()["worker_id"]):
            self.write(lambda col: col.care.allocate_worker(period.id, worker), "Social worker allocated.")

    def end_selected(self) -> None:
        period = self._selected()
        if period is None:
            self.message.emit("Choose a care period first.")
            return
        end = ask_end_date(self, "End care period", label_of(StatusKind, period.kind).lower(), period.start_date)
        if end is not None:
            self.write(lambda col: col.children.end_status(period.id, end), "Care period ended.")

    def add_pep(self) -> None:
        if not self.view or not self.child_id:
            return
        view, dialog = self.view, self.pep_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v, child_id = dialog.values(), self.child_id
        periods = [Period(p.kind, p.start_date, p.end_date) for p in view.statuses]
        if not self.confirm(pep_warnings(periods, [v["held_on"]])):
            return
        self.write(lambda col: col.care.add_pep(child_id, **v), "PEP recorded.")

    def pep_dialog(self) -> FormDialog:
        assert self.view is not None
        view = self.view
        dialog = FormDialog(
            self, "Add PEP", "A personal education plan meeting; the next is due by the end of the following term."
        )
        held = dialog.add_date("held_on", "Held on")
        due = dialog.add_date("next_due_on", "Next due by", next_pep_due(date.today()))
        held.dateChanged.connect(lambda _: due.setDate(qdate(next_pep_due(picked_date(held)))))
        schools = sorted((o for o in view.organisations.values() if o.kind == "school"), key=lambda o: o.name)
        dialog.add_choice(
            "school_id", "School", [("—", None), *((o.name, o.id) for o in schools)], view.child.current_school_id
        )
        dialog.add_text("designated_teacher", "Designated teacher")
        dialog.add_worker("officer_id", "Virtual-school officer", view.workers, self.named("virtual_school_officer"))
        dialog.add_long("targets", "Targets")
        dialog.add_long("progress", "Progress notes")
        return dialog.finish()
