"""The meeting and plan dialogs, built as their pages build them, for the checks over every dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from PySide6.QtWidgets import QDialog

from casedesk.domain.meetings.records import Attendee
from casedesk.ui.context import AppContext
from casedesk.ui.meetings.panel_dialog import PanelPackDialog
from casedesk.ui.meetings.plan_dialogs import (
    ActionDialog,
    PlanDialog,
    close_dialog,
    done_dialog,
    outcome_dialog,
    progress_dialog,
    review_dialog,
)
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
    orgs, people = col.meetings.directory()
    plan_id, _ = col.plans.start(child, "early_help", "Ian Chair", date.today())
    outcomes = col.plans.view(plan_id).outcomes
    yield "start a plan", lambda: PlanDialog(None, orgs, people, None)
    yield "add an action", lambda: ActionDialog(None, orgs, people, outcomes)
    yield "action done", lambda: done_dialog(None, "Mentor sessions weekly")
    yield "plan review", lambda: review_dialog(None)
    yield "progress note", lambda: progress_dialog(None)
    yield "outcome status", lambda: outcome_dialog(None, outcomes)
    yield "close the plan", lambda: close_dialog(None)
    yield "panel pack", lambda: PanelPackDialog(context, orgs, col.meetings.children([child]))
