"""The Youth justice tab: out-of-court disposals and court orders with their case manager, and police contact and
arrests (chronology entries of their own, which the child's school sees)."""

from __future__ import annotations

from datetime import UTC, date

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QPushButton, QVBoxLayout

from casedesk.domain.casework.records import YouthJusticeOutcome
from casedesk.domain.casework.youth_justice import OutcomeKind, PoliceContact
from casedesk.domain.records import ChronologyEvent
from casedesk.domain.vocab import label_of
from casedesk.services.children import ChildView
from casedesk.ui.child.casework_tab import CaseworkTab, button_row, day, fill, heading
from casedesk.ui.child.record_form import FormDialog, ask_end_date
from casedesk.ui.context import AppContext
from casedesk.ui.widgets import EmptyState, picked_datetime, read_only_table

_POLICE = {k.value for k in PoliceContact}


class YouthJusticeTab(CaseworkTab):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.outcomes = read_only_table(
            ("Outcome", "Date", "Until", "Case manager", "Offence"), "Youth justice outcomes"
        )
        self.police = read_only_table(("When", "What", "Recorded by"), "Police contact and arrests")
        self._outcomes: list[YouthJusticeOutcome] = []
        self._police: list[ChronologyEvent] = []
        add, end, contact = (
            QPushButton("Record outcome or order…"),
            QPushButton("End selected order…"),
            QPushButton("Record police contact or arrest…"),
        )
        add.clicked.connect(self.add_outcome)
        end.clicked.connect(self.end_selected)
        contact.clicked.connect(self.record_police_contact)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Outcomes and orders"))
        layout.addLayout(button_row(add, end))
        layout.addWidget(
            EmptyState(
                self.outcomes,
                "No youth justice outcome recorded. Out-of-court disposals and court orders appear here with the "
                "case manager.",
            ),
            1,
        )
        layout.addWidget(heading("Police contact and arrests"))
        layout.addLayout(button_row(contact))
        layout.addWidget(EmptyState(self.police, "No police contact or arrest recorded."), 1)

    def show_child(self, view: ChildView, today: date) -> None:
        super().show_child(view, today)
        self._outcomes = sorted(view.youth_justice, key=lambda o: o.outcome_on, reverse=True)
        fill(
            self.outcomes,
            [
                (
                    label_of(OutcomeKind, o.kind),
                    day(o.outcome_on),
                    day(o.end_date),
                    view.workers[o.case_manager_id].name if o.case_manager_id in view.workers else "",
                    o.offence or "",
                )
                for o in self._outcomes
            ],
        )
        self._police = sorted((e for e in view.events if e.kind in _POLICE), key=lambda e: e.occurred_at, reverse=True)
        fill(self.police, [(f"{e.occurred_at:%d %b %Y %H:%M}", e.summary, e.author) for e in self._police])

    def add_outcome(self) -> None:
        if not self.view or not self.child_id:
            return
        dialog = self.outcome_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v, child_id = dialog.values(), self.child_id
        kind, on = v.pop("kind"), v.pop("outcome_on")
        self.write(lambda col: col.youth_justice.add_outcome(child_id, kind, on, **v), "Outcome recorded.")

    def outcome_dialog(self) -> FormDialog:
        assert self.view is not None
        view = self.view
        dialog = FormDialog(self, "Record youth justice outcome")
        dialog.add_choice("kind", "Outcome", [(k.label, k.value) for k in OutcomeKind])
        dialog.add_date("outcome_on", "Date")
        dialog.add_date("end_date", "Order ends", optional=True)
        services = sorted((o for o in view.organisations.values() if o.kind == "youth_justice"), key=lambda o: o.name)
        dialog.add_choice(
            "organisation_id", "Youth justice service", [("—", None), *((o.name, o.id) for o in services)]
        )
        dialog.add_worker("case_manager_id", "Case manager", view.workers, self.named("case_manager"))
        dialog.add_text("offence", "Offence")
        dialog.add_long("notes", "Notes")
        return dialog.finish()

    def end_selected(self) -> None:
        row = self.selected_row(self.outcomes)
        if row is None:
            self.message.emit("Choose an order first.")
            return
        outcome = self._outcomes[row]
        end = ask_end_date(self, "End order", label_of(OutcomeKind, outcome.kind).lower(), outcome.outcome_on)
        if end is not None:
            self.write(lambda col: col.youth_justice.end_outcome(outcome.id, end), "Order ended.")

    def record_police_contact(self) -> None:
        if not self.child_id:
            return
        dialog = self.police_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        when = dialog.fields["occurred_at"]
        assert isinstance(when, QDateTimeEdit)
        v, child_id = dialog.values(), self.child_id
        occurred = picked_datetime(when).astimezone(UTC)  # typed on this computer's clock
        self.write(
            lambda col: col.youth_justice.record_police_contact(
                child_id, v["kind"], occurred, v["summary"] or "", v["body"]
            ),
            "Police contact recorded in the chronology.",
        )

    def police_dialog(self) -> FormDialog:
        dialog = FormDialog(
            self, "Record police contact", "Recorded in the chronology, where the child's school and agencies see it."
        )
        dialog.add_choice("kind", "What", [(k.label, k.value) for k in PoliceContact])
        when = QDateTimeEdit(QDateTime.currentDateTime())
        when.setCalendarPopup(True)
        when.setDisplayFormat("dd MMM yyyy HH:mm")
        when.setAccessibleName("When")
        dialog.fields["occurred_at"] = when
        dialog.form.addRow("When", when)
        dialog.add_text("summary", "Summary")
        dialog.add_long("body", "Details")
        return dialog.finish()
