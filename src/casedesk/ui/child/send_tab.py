"""The SEND tab: SEN provision over time (none, SEN support, EHC plan) with primary and secondary need, and each EHC
request or plan with its statutory dates, a late step in the warning colour."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout

from casedesk.domain.casework import send as rules
from casedesk.domain.casework.records import EhcPlan
from casedesk.services.casework.send import SEN_KINDS
from casedesk.services.children import ChildView
from casedesk.ui.child.casework_tab import CaseworkTab, button_row, day, fill, heading
from casedesk.ui.child.record_form import FormDialog
from casedesk.ui.context import AppContext
from casedesk.ui.widgets import EmptyState, read_only_table

_NEEDS = [(f"{code}: {words}", code) for code, words in rules.NEEDS.items()]


class SendTab(CaseworkTab):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.provision = read_only_table(("Provision", "Primary need", "Secondary need", "From", "To"), "SEN provision")
        self.plans = read_only_table(
            ("Requested", "Decision to assess", "Plan issued", "Annual review due", "Ceased", "Late"), "EHC plans"
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self._plans: list[EhcPlan] = []
        provision, request, update = (
            QPushButton("Set SEN provision…"),
            QPushButton("New EHC needs assessment request…"),
            QPushButton("Update selected EHC plan…"),
        )
        provision.clicked.connect(self.set_provision)
        request.clicked.connect(lambda: self.edit_plan(None))
        update.clicked.connect(self._update_selected)
        self.plans.doubleClicked.connect(lambda _: self._update_selected())
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(heading("SEN provision over time"))
        layout.addLayout(button_row(provision))
        layout.addWidget(
            EmptyState(
                self.provision,
                "No SEN provision recorded: none, SEN support or an EHC plan, with the primary and secondary need, "
                "appear here over time.",
            ),
            1,
        )
        layout.addWidget(heading("EHC needs assessments and plans"))
        layout.addLayout(button_row(request, update))
        layout.addWidget(
            EmptyState(
                self.plans,
                "No EHC needs assessment requested. A request appears here with its decision, the plan's issue date "
                "and its annual review.",
            ),
            1,
        )

    def show_child(self, view: ChildView, today: date) -> None:
        super().show_child(view, today)
        periods = sorted((p for p in view.statuses if p.kind in SEN_KINDS), key=lambda p: p.start_date, reverse=True)
        fill(
            self.provision,
            [
                (
                    "EHC plan" if p.kind == "ehc_plan" else "SEN support",
                    rules.need_label(p.detail),
                    rules.need_label(p.secondary_detail),
                    day(p.start_date),
                    day(p.end_date),
                )
                for p in periods
            ],
        )
        self._plans = list(reversed(view.ehc_plans))
        rows, flagged = [], []
        for plan in self._plans:
            steps = rules.ehc_steps(
                plan.requested_on,
                plan.assessment_decided_on,
                plan.assessment_decision,
                plan.issued_on,
                plan.last_review_on,
                plan.ceased_on,
                view.child.date_of_birth,
                today,
            )
            late = [s.name for s in steps if s.late]
            review = next((s.due for s in steps if s.name == "Annual review"), None)
            decision = rules.Decision(plan.assessment_decision).label if plan.assessment_decision else ""
            rows.append(
                (
                    day(plan.requested_on),
                    f"{decision} {day(plan.assessment_decided_on)}".strip(),
                    day(plan.issued_on),
                    day(review) if plan.ceased_on is None else "",
                    day(plan.ceased_on),
                    "; ".join(late),
                )
            )
            flagged.append(bool(late) and plan.ceased_on is None)
        fill(self.plans, rows, flagged)
        current = next((p for p in periods if p.is_current(today)), None)
        self.summary.setText(
            f"Now: {'EHC plan' if current.kind == 'ehc_plan' else 'SEN support'} — primary need "
            f"{rules.need_label(current.detail)}"
            if current
            else "Now: no SEN provision recorded."
        )

    def set_provision(self) -> None:
        if not self.child_id:
            return
        dialog = self.provision_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v, child_id = dialog.values(), self.child_id
        self.write(
            lambda col: col.send.set_provision(
                child_id, v["provision"], v["start"], v["primary_need"], v["secondary_need"]
            ),
            "SEN provision recorded.",
        )

    def provision_dialog(self) -> FormDialog:
        dialog = FormDialog(
            self,
            "Set SEN provision",
            "From this date the child has this provision; the provision before it ends the day before.",
        )
        dialog.add_choice("provision", "Provision", [(f"{c}: {w}", c) for c, w in rules.SEN_PROVISION.items()], "K")
        dialog.add_date("start", "From")
        dialog.add_choice("primary_need", "Primary need", [("—", None), *_NEEDS])
        dialog.add_choice("secondary_need", "Secondary need", [("—", None), *_NEEDS])
        return dialog.finish()

    def _update_selected(self) -> None:
        row = self.selected_row(self.plans)
        if row is not None:
            self.edit_plan(self._plans[row])

    def edit_plan(self, plan: EhcPlan | None) -> None:
        if not self.view or not self.child_id:
            return
        dialog = self.plan_dialog(plan)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values: dict[str, Any] = dialog.values()
        child_id, plan_id = self.child_id, plan.id if plan else None
        self.write(lambda col: col.send.save_plan(child_id, values, plan_id), "EHC plan saved.")

    def plan_dialog(self, plan: EhcPlan | None) -> FormDialog:
        assert self.view is not None
        dialog = FormDialog(
            self,
            "Update EHC plan" if plan else "New EHC needs assessment request",
            "Decide whether to assess within 6 weeks of the request; issue the final plan within 20 weeks; "
            "review it at least every 12 months.",
        )
        organisations = sorted(self.view.organisations.values(), key=lambda o: o.name)
        dialog.add_date("requested_on", "Requested on", plan.requested_on if plan else None)
        dialog.add_choice(
            "organisation_id",
            "Local authority SEND team",
            [("—", None), *((o.name, o.id) for o in organisations if o.kind != "school")],
            plan.organisation_id if plan else None,
        )
        dialog.add_worker("caseworker_id", "SEND caseworker", self.view.workers, plan.caseworker_id if plan else None)
        dialog.add_date(
            "assessment_decided_on", "Decision on", plan.assessment_decided_on if plan else None, optional=True
        )
        dialog.add_choice(
            "assessment_decision",
            "Decision",
            [("—", None), *((d.label, d.value) for d in rules.Decision)],
            plan.assessment_decision if plan else None,
        )
        dialog.add_date("issued_on", "Plan issued on", plan.issued_on if plan else None, optional=True)
        dialog.add_choice("primary_need", "Primary need", [("—", None), *_NEEDS], plan.primary_need if plan else None)
        dialog.add_choice(
            "secondary_need", "Secondary need", [("—", None), *_NEEDS], plan.secondary_need if plan else None
        )
        dialog.add_date("last_review_on", "Last annual review", plan.last_review_on if plan else None, optional=True)
        dialog.add_date("ceased_on", "Plan ceased on", plan.ceased_on if plan else None, optional=True)
        return dialog.finish()
