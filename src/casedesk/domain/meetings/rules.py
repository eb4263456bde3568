"""Rules about actions and meetings that hold wherever they are shown: when an action is overdue or due soon,
whether it was done on time, and what a meeting must have before it is recorded.

Pure functions over the records, so the My actions list, the plan view, the family PDF and the outcome counts
all say the same thing about the same action.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from casedesk.domain.meetings.records import Attendee, PlanAction
from casedesk.domain.meetings.vocab import ActionStatus, MeetingKind, Presence

DUE_SOON_DAYS = 7  # an action falling due within a week is "due soon"


class ActionState(StrEnum):
    """Where an action stands on a given day: its stored status with the due date taken into account."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DONE_LATE = "done_late"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "overdue": "Overdue",
            "due_soon": "Due soon",
            "not_started": "Not started",
            "in_progress": "In progress",
            "done": "Done",
            "done_late": "Done late",
            "cancelled": "No longer needed",
        }[self.value]


def action_state(action: PlanAction, today: date, due_soon_days: int = DUE_SOON_DAYS) -> ActionState:
    """Overdue once the due date has passed with the action still live; due soon within `due_soon_days`."""
    if action.status == ActionStatus.CANCELLED:
        return ActionState.CANCELLED
    if action.status == ActionStatus.DONE:
        late = action.done_on is not None and action.done_on > action.due_on
        return ActionState.DONE_LATE if late else ActionState.DONE
    if action.due_on < today:
        return ActionState.OVERDUE
    if action.due_on <= today + timedelta(days=due_soon_days):
        return ActionState.DUE_SOON
    return ActionState.IN_PROGRESS if action.status == ActionStatus.IN_PROGRESS else ActionState.NOT_STARTED


def is_overdue(action: PlanAction, today: date) -> bool:
    return action_state(action, today) is ActionState.OVERDUE


def done_on_time(action: PlanAction) -> bool | None:
    """True when done by its due date, False when done late, None while not done (or cancelled)."""
    if action.status != ActionStatus.DONE or action.done_on is None:
        return None
    return action.done_on <= action.due_on


def meeting_problems(
    kind: str, held_on: date | None, chair: str, attendees: list[Attendee], children: int
) -> list[tuple[str, str]]:
    """(field, message) for everything a meeting lacks before it can be recorded; empty when it is complete."""
    errors: list[tuple[str, str]] = []
    if kind not in {k.value for k in MeetingKind}:
        errors.append(("kind", "Choose the kind of meeting."))
    if held_on is None:
        errors.append(("held_on", "Give the date of the meeting."))
    if not chair.strip():
        errors.append(("chair", "Name who chaired the meeting."))
    if not children:
        errors.append(("children", "Add at least one child discussed."))
    for index, person in enumerate(attendees):
        if not person.name.strip():
            errors.append((f"attendees[{index}]", "Every attendee needs a name."))
        if not person.organisation_id:
            # the header reaches every device: family members are recorded with their child's part instead
            errors.append((f"attendees[{index}]", "Say which agency they came for (record family with the child)."))
        if person.presence not in {p.value for p in Presence}:
            errors.append((f"attendees[{index}]", "Say whether they were present or sent apologies."))
    if attendees and not any(p.presence == Presence.PRESENT for p in attendees):
        errors.append(("attendees", "At least one person must have been present."))
    return errors
