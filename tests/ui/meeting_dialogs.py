"""The meeting and plan dialogs, built as their pages build them, for the checks over every dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtWidgets import QDialog

from casedesk.domain.meetings.records import Attendee
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.record_dialog import RecordMeetingDialog


def meeting_dialogs(context: AppContext, child: str) -> Iterator[tuple[str, Callable[[], QDialog]]]:
    col = context.col
    with col.db.unit_of_work("tester") as uow:
        org = uow.insert("organisations", {"name": "Inclusion Team", "kind": "early_help"})
        uow.insert("workers", {"organisation_id": org, "name": "Ian Chair", "role": "Inclusion lead"})

    def record() -> QDialog:
        orgs, people = col.meetings.directory()
        dialog = RecordMeetingDialog(context, orgs, people, col.meetings.children([child]), kind="inclusion_panel")
        dialog.attendees.add(Attendee("Ian Chair", org))
        return dialog

    yield "record a meeting", record
