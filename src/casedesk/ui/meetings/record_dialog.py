"""Record a meeting: its kind, date, chair and who came, then one tab per child discussed with that child's part.

Written during or after the meeting, offline or not: Save records it on this device in one step (each child's
part becomes a chronology entry for that child) and sync carries it on. The dialog stays open on an error, with
the error shown, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.meetings.vocab import MeetingKind
from casedesk.domain.records import Child, Organisation, Worker
from casedesk.ui.child.education_forms import day_input
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.attendees import AttendeesTable
from casedesk.ui.meetings.child_finder import ChildFinder
from casedesk.ui.meetings.child_part import ChildPartForm
from casedesk.ui.widgets import picked_date, resize_to_fit, scroll_body


class RecordMeetingDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        organisations: dict[str, Organisation],
        workers: dict[str, Worker],
        children: Sequence[Child] = (),
        parent: QWidget | None = None,
        kind: str = MeetingKind.TEAM_AROUND_CHILD.value,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record a meeting")
        self.context = context
        self.created_id: str | None = None
        self.kind = QComboBox()
        for code in MeetingKind:
            self.kind.addItem(code.label, code.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.held_on = day_input(date.today())
        self.chair = QLineEdit(context.profile.name)
        self.convened_by = QComboBox()
        self.convened_by.addItem("Not recorded", None)
        for org in sorted(organisations.values(), key=lambda o: o.name.casefold()):
            self.convened_by.addItem(org.name, org.id)
        own = next((o.id for o in organisations.values() if o.name == context.profile.organisation), None)
        self.convened_by.setCurrentIndex(max(0, self.convened_by.findData(own)))
        self.attendees = AttendeesTable(organisations, workers)
        header = QFormLayout()
        for label, widget in (
            ("Kind of meeting", self.kind),
            ("Date", self.held_on),
            ("Chair", self.chair),
            ("Convened by", self.convened_by),
        ):
            header.addRow(label, widget)
            widget.setAccessibleName(label)
        people = QGroupBox("Agencies and people (family go with their child below)")
        QVBoxLayout(people).addWidget(self.attendees)

        self.finder = ChildFinder(context)
        self.finder.chosen.connect(self.add_child)
        self.parts = QTabWidget()
        self.parts.setAccessibleName("Children discussed")
        self.parts.setTabsClosable(True)
        self.parts.tabCloseRequested.connect(self.parts.removeTab)
        discussed = QGroupBox("Children discussed: one tab each, recorded in that child's chronology only")
        discussed_layout = QVBoxLayout(discussed)
        discussed_layout.addWidget(self.finder)
        discussed_layout.addWidget(self.parts)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(header)
        layout.addWidget(people)
        layout.addWidget(discussed)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setAccessibleName("Problems")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll_body(body), 1)
        outer.addWidget(self.error)
        outer.addWidget(buttons)
        for child in children:
            self.add_child(child)
        resize_to_fit(self, 900, 660)

    # -- children --------------------------------------------------------------------------------------------
    def add_child(self, child: Child) -> None:
        """A tab for the child's part (once: a child already listed is shown instead)."""
        for index in range(self.parts.count()):
            form = self.parts.widget(index)
            if isinstance(form, ChildPartForm) and form.child_id == child.id:
                self.parts.setCurrentIndex(index)
                return
        form = ChildPartForm(child.id, child.display_name)
        self.parts.addTab(form, child.display_name)
        self.parts.setCurrentWidget(form)

    def forms(self) -> list[ChildPartForm]:
        found = (self.parts.widget(i) for i in range(self.parts.count()))
        return [f for f in found if isinstance(f, ChildPartForm)]

    # -- saving ----------------------------------------------------------------------------------------------
    def save(self) -> None:
        kind, held_on, chair = self.kind.currentData(), picked_date(self.held_on), self.chair.text()
        convened_by, people = self.convened_by.currentData(), self.attendees.attendees()
        parts = [form.part() for form in self.forms()]

        def saved(meeting_id: str) -> None:
            self.created_id = meeting_id
            self.accept()

        self.context.runner.op(
            lambda col: col.meetings.record(kind, held_on, chair, people, parts, organisation_id=convened_by)
        ).success(saved).failure(lambda error: self.error.setText(str(error))).run(initiator=self)
