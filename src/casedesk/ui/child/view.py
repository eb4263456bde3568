"""The single view of a child: who they are, what is true of them now, who is involved, and everything that
happened, from every agency, in one place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.coherence import Period, status_warnings
from casedesk.domain.identifiers import format_nhs_number
from casedesk.domain.records import Changes, ChronologyEvent
from casedesk.domain.schema.casework import CASEWORK_ENTITIES
from casedesk.domain.vocab import SEN_PRIMARY_NEEDS, InvolvementRole, StatusKind, label_of
from casedesk.services.children import ChildView
from casedesk.services.collection import Collection
from casedesk.services.education.summary import EducationSummary, EducationView
from casedesk.services.overview import Card
from casedesk.ui.child.attendance_tab import AttendanceTab
from casedesk.ui.child.audit_tab import AuditTab
from casedesk.ui.child.care_tab import CareTab
from casedesk.ui.child.casework_tab import CaseworkTab
from casedesk.ui.child.chronology_tab import ChronologyTab
from casedesk.ui.child.education_actions import EducationActions
from casedesk.ui.child.education_tabs import HomeEducationTab, SchoolTab, SuspensionsTab
from casedesk.ui.child.event_dialog import EventDialog
from casedesk.ui.child.form import ChildForm
from casedesk.ui.child.involvement_dialog import InvolvementDialog
from casedesk.ui.child.needs_checks_tab import NeedsChecksTab
from casedesk.ui.child.overview_tab import OverviewTab
from casedesk.ui.child.periods_tabs import InvolvementsTab, StatusesTab
from casedesk.ui.child.record_form import ask_end_date
from casedesk.ui.child.referrals_tab import ChildReferralsTab
from casedesk.ui.child.send_tab import SendTab
from casedesk.ui.child.sharing_tab import SharingTab
from casedesk.ui.child.youth_justice_tab import YouthJusticeTab
from casedesk.ui.context import AppContext
from casedesk.ui.discrepancies.dialog import discrepancy_button
from casedesk.ui.meetings.child_tab import ChildMeetingsTab
from casedesk.ui.transfer.dialogs import transfer_button
from casedesk.ui.widgets import ElidedLabel, date_input, picked_date

EDUCATION_ENTITIES = (
    "enrolments",
    "exclusions",
    "managed_moves",
    "provisions",
    "ehe_cases",
    "ehe_visits",
    "cme_enquiries",
    "cme_steps",
)


class ChildPage(QWidget):
    child_loaded = Signal(str)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.child_id: str | None = None
        self.view: ChildView | None = None
        self.title = ElidedLabel("Choose a child from the caseload.")
        self.title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.title.setAccessibleName("Child name")
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.badges = QLabel()
        self.badges.setAccessibleName("Current statuses")
        self.workers = QLabel()
        self.workers.setWordWrap(True)
        export_json, export_pdf = QPushButton("Export JSON…"), QPushButton("Print chronology (PDF)…")
        export_json.clicked.connect(self.export_json)
        export_pdf.clicked.connect(self.export_pdf)
        header = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        needs_check = QPushButton("Presenting Needs Check…")  # resumes the child's open draft, if any
        needs_check.clicked.connect(lambda: self.needs_checks.start_check())
        top.addWidget(needs_check)
        top.addWidget(export_json)
        top.addWidget(export_pdf)
        top.addWidget(discrepancy_button(context, lambda: self.child_id, self))
        top.addWidget(transfer_button(context, self._shown_child, self))
        header.addLayout(top)
        self.withheld = QLabel()  # what the server did not send this device, in one line (see the Sharing tab)
        self.withheld.setWordWrap(True)
        self.withheld.hide()
        for widget in (self.facts, self.badges, self.workers, self.withheld):
            header.addWidget(widget)
        self.chronology = ChronologyTab()
        self.details = ChildForm()
        save_details = QPushButton("Save details")
        save_details.clicked.connect(self.save_details)
        self.school_button = QPushButton("Enrol at a school…")
        self.school_button.setToolTip("Recorded in the school history; take a child off roll on the School tab")
        self.school_label = QLabel()
        school_row = QHBoxLayout()
        school_row.addWidget(QLabel("Current school:"))
        school_row.addWidget(self.school_label, 1)
        school_row.addWidget(self.school_button)
        details_page = QWidget()
        details_layout = QVBoxLayout(details_page)
        details_layout.addLayout(school_row)
        details_layout.addWidget(self.details)
        details_layout.addWidget(save_details)
        details_layout.addStretch(1)
        details_scroll = QScrollArea()  # the form is taller than a 768-pixel laptop screen
        details_scroll.setWidgetResizable(True)
        details_scroll.setWidget(details_page)
        self.statuses = StatusesTab()
        self.involvements = InvolvementsTab()
        self.overview = OverviewTab()
        self.send, self.care, self.youth_justice = SendTab(context), CareTab(context), YouthJusticeTab(context)
        self.sharing = SharingTab(context)
        self.attendance = AttendanceTab(context)
        self.education = EducationActions(self, context, lambda text: self.message.setText(text))
        self.school_button.clicked.connect(self.education.enrol)  # one path: the school history records it
        self.school = SchoolTab(self.education)
        self.suspensions = SuspensionsTab(self.education)
        self.home_education = HomeEducationTab(self.education)
        self.needs_checks: NeedsChecksTab = NeedsChecksTab(context)
        self.referrals = ChildReferralsTab(context)
        self.meetings = ChildMeetingsTab(context)
        self.audit = AuditTab(context)
        self.tabs = QTabWidget()
        # Each tab by the key the Overview's cards open it with.
        self.tab_pages: dict[str, tuple[QWidget, str]] = {
            "overview": (self.overview, "Overview"),
            "chronology": (self.chronology, "Chronology"),
            "details": (details_scroll, "Details"),
            "statuses": (self.statuses, "Statuses"),
            "involvements": (self.involvements, "Involvements"),
            "attendance": (self.attendance, "Attendance"),
            "school": (self.school, "School"),
            "suspensions": (self.suspensions, "Suspensions"),
            "home_education": (self.home_education, "Home education"),
            "send": (self.send, "SEND"),
            "care": (self.care, "Care"),
            "youth_justice": (self.youth_justice, "Youth justice"),
            "needs_checks": (self.needs_checks, "Needs checks"),
            "referrals": (self.referrals, "Referrals"),
            "meetings": (self.meetings, "Meetings and plans"),
            "sharing": (self.sharing, "Sharing"),
            "audit": (self.audit, "Audit"),
        }
        for page, label in self.tab_pages.values():
            self.tabs.addTab(page, label)
        self.casework_tabs: tuple[CaseworkTab, ...] = (self.send, self.care, self.youth_justice, self.sharing)
        self.message = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.chronology.add_requested.connect(self.add_event)
        self.chronology.amend_requested.connect(self.amend_event)
        self.statuses.add_requested.connect(self.add_status)
        self.statuses.end_requested.connect(self.end_status)
        self.involvements.add_requested.connect(self.add_involvement)
        self.involvements.edit_requested.connect(self.edit_involvement)
        self.involvements.end_requested.connect(self.end_involvement)
        self.overview.open_tab.connect(self.open_tab)
        self.sharing.withheld.connect(self._show_withheld)
        # Tabs that cost most to fill (the chronology, often a thousand rows; attendance, a year of marks) are
        # filled when first shown after the child opens: the Overview opens first, on its own.
        self._due: dict[QWidget, Callable[[], None]] = {}
        self.tabs.currentChanged.connect(self._fill_due)
        for tab in self.casework_tabs:
            tab.message.connect(self.message.setText)
        context.runner.changes_applied.connect(self._on_changes)

    def _shown_child(self) -> tuple[str, str] | None:
        return (self.view.child.id, self.view.child.display_name) if self.view else None

    # -- loading -----------------------------------------------------------------------------------------------
    def show_child(self, child_id: str) -> None:
        if child_id != self.child_id:  # opened, not refreshed: the audit notes who looked (at most every 30 min)
            self.context.runner.op(lambda col: col.audit.note_viewed(child_id)).failure(lambda _e: None).run()
        self.child_id = child_id

        def load(col: Collection) -> tuple[ChildView, list[Card]]:
            view = col.children.view(child_id)
            return view, col.overview.cards(view)

        self.context.runner.query(load).success(self._show).failure(self._failed).run()

    def open_tab(self, key: str) -> None:
        page = self.tab_pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page[0])

    def _show(self, loaded: tuple[ChildView, list[Card]]) -> None:
        view, cards = loaded
        if view.child.id != self.child_id:
            return
        self.view = view
        today = date.today()
        child = view.child
        self.title.setText(child.display_name)
        school = view.organisations.get(child.current_school_id or "")
        self.facts.setText(
            f"Age {child.age_on(today)} · born {child.date_of_birth:%d %B %Y}"
            f" · UPN {child.upn or child.upn_unknown_reason or '—'}"
            f" · NHS {format_nhs_number(child.nhs_number) if child.nhs_number else '—'}"
            f" · {school.name if school else 'No current school'}" + (f" · {child.postcode}" if child.postcode else "")
        )
        current = [p for p in view.statuses if p.is_current(today)]
        chips = [
            label_of(StatusKind, p.kind) + (f" ({SEN_PRIMARY_NEEDS.get(p.detail or '', p.detail)})" if p.detail else "")
            for p in current
        ]
        self.badges.setText("Current: " + (" · ".join(chips) if chips else "no statuses recorded"))
        named = [
            f"{view.workers[i.worker_id].name} — {label_of(InvolvementRole, i.role)}, "
            f"{view.organisations[i.organisation_id].name}"
            for i in view.involvements
            if i.is_current(today) and i.worker_id in view.workers and i.organisation_id in view.organisations
        ]
        self.workers.setText("Named workers: " + ("; ".join(named) if named else "none recorded"))
        self.overview.show_cards(cards)
        self._due = {
            self.chronology: lambda: self.chronology.show_child(view),
            self.attendance: lambda: self.attendance.show_child(child.id),
            self.audit: lambda: self.audit.show_child(child.id),  # asks the server: only when looked at
        }
        self._fill_due()
        for tab in self.casework_tabs:
            tab.show_child(view, today)
        self.details.load(child)
        self.school_label.setText(school.name if school else "No current school")
        self.statuses.show_child(view, today)
        self.involvements.show_child(view, today)
        self.needs_checks.show_child(child.id, child.display_name)
        self.referrals.show_child(child.id)
        self.meetings.show_child(child.id)
        self._show_education(child.id)
        self.child_loaded.emit(child.id)

    def _show_education(self, child_id: str) -> None:
        self.context.runner.query(lambda col: col.education.view_and_summary(child_id)).success(
            self._education_loaded
        ).failure(self._failed).run()

    def _education_loaded(self, loaded: tuple[EducationView, EducationSummary]) -> None:
        view, summary = loaded
        if view.child.id != self.child_id:
            return
        self.education.view = view
        for tab in (self.school, self.suspensions, self.home_education):
            tab.show_view(view, summary, date.today())

    def _fill_due(self, *_: object) -> None:
        fill = self._due.pop(self.tabs.currentWidget(), None)
        if fill is not None:
            fill()

    def _failed(self, error: BaseException) -> None:
        self.message.setText(str(error))

    def _show_withheld(self, text: str) -> None:
        self.withheld.setText(text)
        self.withheld.setVisible(bool(text))

    def _on_changes(self, changes: Changes, initiator: object) -> None:
        if self.child_id and (
            self.child_id in changes.row_ids
            or changes.entities
            & {"events", "status_periods", "involvements", "attendance_weeks", *CASEWORK_ENTITIES, *EDUCATION_ENTITIES}
            or changes.entities & {"consents", "sharing_agreements"}
        ):
            self.show_child(self.child_id)

    def _run_write(self, fn: Callable[[Collection], Any], done_message: str) -> None:
        self.context.runner.op(fn).success(lambda _: self.message.setText(done_message)).failure(self._failed).run(
            initiator=self
        )

    # -- chronology ----------------------------------------------------------------------------------------------
    def add_event(self) -> None:
        dialog = EventDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and self.child_id:
            child_id, values = self.child_id, dialog.values()
            self._run_write(lambda col: col.children.add_event(child_id, **values), "Entry added.")

    def amend_event(self, event: ChronologyEvent) -> None:
        dialog = EventDialog(self, amend=event)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            values, reason = dialog.values(), dialog.reason.text()
            self._run_write(
                lambda col: col.children.amend_event(
                    event.id, summary=values["summary"], body=values["body"], reason=reason
                ),
                "Amendment added; the original entry is kept.",
            )

    # -- details, statuses ---------------------------------------------------------------------------------------
    def save_details(self) -> None:
        if not self.child_id or not self.details.revalidate():
            self.message.setText("Please correct the details marked in red.")
            return
        child_id, values = self.child_id, self.details.values()
        values.pop("id", None)
        self._run_write(lambda col: col.children.update_child(child_id, values), "Details saved.")

    def add_status(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Add status")
        kind, detail = QComboBox(), QComboBox()
        for k in StatusKind:
            kind.addItem(k.label, k.value)
        detail.addItem("—", None)
        for code, text in SEN_PRIMARY_NEEDS.items():
            detail.addItem(f"{code}: {text}", code)
        start = date_input("dd MMM yyyy")
        start.setDate(QDate.currentDate())
        form = QFormLayout(dialog)
        form.addRow("Status", kind)
        form.addRow("Primary need (SEN)", detail)
        form.addRow("From", start)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted and self.child_id:
            child_id, values = self.child_id, (kind.currentData(), picked_date(start), detail.currentData())
            if not self._coherent_or_confirmed([Period(values[0], values[1], None)], None):
                return
            self._run_write(
                lambda col: col.children.add_status(child_id, values[0], values[1], values[2]), "Status added."
            )

    def end_status(self, status_id: str) -> None:
        period = next((p for p in self.view.statuses if p.id == status_id), None) if self.view else None
        if period is None:
            return
        end = ask_end_date(self, "End status", label_of(StatusKind, period.kind).lower(), period.start_date)
        if end is not None:
            self._run_write(lambda col: col.children.end_status(status_id, end), f"Status ended {end:%d %b %Y}.")

    # -- involvements, school ----------------------------------------------------------------------------------
    def add_involvement(self) -> None:
        if not self.view or not self.child_id:
            return
        dialog = InvolvementDialog(self, self.view.organisations, self.view.workers)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            child_id, values = self.child_id, dialog.values()
            self._run_write(lambda col: col.children.add_involvement(child_id, **values), "Involvement added.")

    def edit_involvement(self, involvement_id: str) -> None:
        if not self.view:
            return
        existing = next((i for i in self.view.involvements if i.id == involvement_id), None)
        if existing is None:
            return
        dialog = InvolvementDialog(self, self.view.organisations, self.view.workers, existing)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            self._run_write(lambda col: col.children.update_involvement(involvement_id, **values), "Involvement saved.")

    def end_involvement(self, involvement_id: str) -> None:
        """Ask when the involvement ended (today unless changed, never before it started), then end it."""
        existing = next((i for i in self.view.involvements if i.id == involvement_id), None) if self.view else None
        if existing is None:
            return
        end = ask_end_date(self, "End involvement", "this involvement", existing.start_date)
        if end is not None:
            self._run_write(
                lambda col: col.children.end_involvement(involvement_id, end), f"Involvement ended {end:%d %b %Y}."
            )

    def _coherent_or_confirmed(self, new_periods: list[Period], school_id: str | None) -> bool:
        """Warn when the record would break the rules a record keeps (domain/coherence.py); the user decides."""
        if not self.view:
            return True
        periods = [Period(p.kind, p.start_date, p.end_date) for p in self.view.statuses] + new_periods
        school = school_id if school_id is not None else self.view.child.current_school_id
        warnings = status_warnings(periods, school, date.today())
        if not warnings:
            return True
        answer = QMessageBox.question(
            self,
            "Check the record",
            "\n\n".join(warnings) + "\n\nRecord it anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- export ------------------------------------------------------------------------------------------------
    def export_json(self) -> None:
        if not self.child_id:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export child record", "child-record.json", "JSON (*.json)")
        if path:
            self.export_to(Path(path), "json")

    def export_pdf(self) -> None:
        if not self.child_id:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Print chronology", "chronology.pdf", "PDF (*.pdf)")
        if path:
            self.export_to(Path(path), "pdf")

    def export_to(self, path: Path, kind: str) -> None:
        child_id = self.child_id or ""

        def work(col: Collection) -> Path:
            if kind == "json":
                return col.children.export_json(child_id, path)
            return col.children.write_chronology_pdf(child_id, path)

        self.context.runner.query(work).success(lambda p: self.message.setText(f"Saved {p}.")).failure(
            self._show_error
        ).run()

    def _show_error(self, error: BaseException) -> None:
        QMessageBox.warning(self, "CaseDesk", str(error))
