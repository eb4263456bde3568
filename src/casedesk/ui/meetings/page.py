"""The Meetings page: the meetings held on this device, newest first, with the chosen one's minutes (each child's
part this device may see); My actions; and the outcome counts for the local authority. "Record a meeting…" opens
the dialog (a child's part is in that child's chronology too); "Panel pack…" prints the papers for a panel."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.meetings import minutes
from casedesk.domain.meetings.records import Meeting
from casedesk.domain.records import Changes, Child, Organisation, Worker
from casedesk.services.collection import Collection
from casedesk.services.meetings.meetings import MeetingView
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.actions_view import MyActionsView
from casedesk.ui.meetings.outcomes_tab import OutcomesTab
from casedesk.ui.meetings.panel_dialog import PanelPackDialog
from casedesk.ui.meetings.record_dialog import RecordMeetingDialog
from casedesk.ui.widgets import EmptyState, read_only_table

HEADERS = ("Date", "Meeting", "Chair", "Children here")
NO_MEETINGS = (
    "No meetings recorded yet. Team Around the Child meetings and panels appear here with what was decided for "
    "each child.\nTo record the first, choose \u201cRecord a meeting\u2026\u201d below."
)
ENTITIES = {"meetings", "meeting_items"}


class MeetingsPage(QWidget):
    open_child = Signal(str)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.meetings: list[tuple[Meeting, int]] = []
        self.table = read_only_table(HEADERS, "Meetings")
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("The meeting's minutes")
        self.empty = EmptyState(self.table, NO_MEETINGS)
        split = QSplitter()
        split.addWidget(self.empty)
        split.addWidget(self.detail)
        record = QPushButton("Record a meeting…")
        record.clicked.connect(lambda: self.record())
        pack = QPushButton("Panel pack…")
        pack.setToolTip("Print a page per child for a panel (choose the children on the caseload to start with them)")
        pack.clicked.connect(lambda: self.prepare_panel([]))
        self.message = QLabel()
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(pack)
        row.addWidget(record)
        meetings = QWidget()
        meetings_layout = QVBoxLayout(meetings)
        meetings_layout.addWidget(split, 1)
        meetings_layout.addLayout(row)
        self.my_actions = MyActionsView(context)
        self.my_actions.open_child.connect(self.open_child)
        self.outcomes = OutcomesTab(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(meetings, "Meetings")
        self.tabs.addTab(self.my_actions, "My actions")
        self.tabs.addTab(self.outcomes, "Outcomes")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        context.runner.changes_applied.connect(self._on_changes)

    def reload(self) -> None:
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.meetings.recent()).success(self._fill).run()
            self.my_actions.reload()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.entities & ENTITIES:
            self.reload()

    def _fill(self, meetings: list[tuple[Meeting, int]]) -> None:
        self.meetings = meetings
        self.table.setRowCount(len(meetings))
        for row, (meeting, held) in enumerate(meetings):
            cells = (f"{meeting.held_on:%d %b %Y}", meeting.kind_label, meeting.chair, str(held))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.empty.set_empty(not meetings)
        if meetings and not self.table.selectedItems():
            self.table.selectRow(0)

    def _show_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.meetings):
            meeting_id = self.meetings[row][0].id
            self.context.runner.query(lambda col: col.meetings.view(meeting_id)).success(self._show).run()

    def _show(self, view: MeetingView) -> None:
        self.detail.setPlainText(minutes_text(view))

    def record(self, child_ids: Sequence[str] = (), kind: str = "team_around_child") -> None:
        """Open the dialog, with these children's tabs already there (a panel chosen from the caseload)."""
        ids = list(child_ids)

        def load(col: Collection) -> tuple[dict[str, Organisation], dict[str, Worker], list[Child]]:
            orgs, people = col.meetings.directory()
            return orgs, people, col.meetings.children(ids)

        self.context.runner.query(load).success(lambda loaded: self._open_dialog(*loaded, kind=kind)).run()

    def prepare_panel(self, child_ids: Sequence[str]) -> None:
        """The panel pack dialog with these children (chosen on the caseload) ticked."""
        ids = list(child_ids)

        def load(col: Collection) -> tuple[dict[str, Organisation], list[Child]]:
            return col.meetings.directory()[0], col.meetings.children(ids)

        self.context.runner.query(load).success(lambda loaded: _panel_dialog(self, *loaded)).run()

    def _open_dialog(
        self, orgs: dict[str, Organisation], people: dict[str, Worker], children: list[Child], kind: str
    ) -> None:
        dialog = RecordMeetingDialog(self.context, orgs, people, children, self, kind=kind)
        if dialog.exec() and dialog.created_id:
            self.message.setText("Meeting recorded; each child's part is in their chronology.")


def _panel_dialog(page: MeetingsPage, orgs: dict[str, Organisation], children: list[Child]) -> None:
    dialog = PanelPackDialog(page.context, orgs, children, page)
    if dialog.exec() and dialog.saved_to is not None:
        page.message.setText(f"Panel pack saved: {dialog.saved_to.name}.")


def minutes_text(view: MeetingView) -> str:
    """The meeting as this device may show it: the header, then each child's part it holds."""
    meeting = view.meeting
    lines = [
        f"{meeting.kind_label}, {meeting.held_on:%d %B %Y}",
        "",
        minutes.header_text(meeting, view.organisation_names),
    ]
    for item in view.items:
        child = view.children.get(item.child_id)
        lines += ["", f"— {child.display_name if child else 'A child'} —", minutes.part_text(item)]
    if not view.items:
        lines += ["", "No child discussed at this meeting is shared with this device."]
    return "\n".join(lines)
