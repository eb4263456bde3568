"""Action states and overdue flags, done on time or late, and what a meeting must have before it is recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from casedesk.domain.meetings.records import Attendee, PlanAction
from casedesk.domain.meetings.rules import ActionState, action_state, done_on_time, is_overdue, meeting_problems

TODAY = date(2026, 11, 30)
BASE = PlanAction("a", "p", "c", "Mentor sessions", "Ian", date(2026, 12, 20))


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        ({}, ActionState.NOT_STARTED),
        ({"status": "in_progress"}, ActionState.IN_PROGRESS),
        ({"due_on": date(2026, 12, 7)}, ActionState.DUE_SOON),  # within a week
        ({"due_on": date(2026, 12, 8)}, ActionState.NOT_STARTED),
        ({"due_on": TODAY}, ActionState.DUE_SOON),  # due today is not yet overdue
        ({"due_on": date(2026, 11, 29)}, ActionState.OVERDUE),
        ({"due_on": date(2026, 11, 29), "status": "in_progress"}, ActionState.OVERDUE),
        ({"status": "done", "done_on": date(2026, 12, 20)}, ActionState.DONE),
        ({"status": "done", "done_on": date(2026, 12, 21)}, ActionState.DONE_LATE),
        ({"status": "done", "done_on": date(2026, 11, 1), "due_on": date(2026, 10, 1)}, ActionState.DONE_LATE),
        ({"status": "cancelled", "due_on": date(2026, 1, 1)}, ActionState.CANCELLED),  # never overdue
    ],
)
def test_an_action_s_state_on_a_day(changes: dict[str, object], state: ActionState) -> None:
    action = replace(BASE, **changes)  # type: ignore[arg-type]
    assert action_state(action, TODAY) is state
    assert is_overdue(action, TODAY) == (state is ActionState.OVERDUE)


def test_done_on_time_is_known_only_once_done() -> None:
    assert done_on_time(BASE) is None
    assert done_on_time(replace(BASE, status="done", done_on=BASE.due_on)) is True
    assert done_on_time(replace(BASE, status="done", done_on=date(2027, 1, 1))) is False
    assert done_on_time(replace(BASE, status="cancelled", done_on=date(2026, 12, 1))) is None


def test_a_meeting_needs_a_kind_date_chair_a_child_and_attendees_for_agencies() -> None:
    assert meeting_problems("inclusion_panel", TODAY, "Ian", [Attendee("Ian", "org")], 1) == []
    fields = {f for f, _ in meeting_problems("tea_party", None, " ", [Attendee("", None, presence="maybe")], 0)}
    assert fields == {"kind", "held_on", "chair", "children", "attendees[0]", "attendees"}
    only_apologies = meeting_problems(
        "team_around_child", TODAY, "Ian", [Attendee("Ann", "org", presence="apologies")], 1
    )
    assert only_apologies == [("attendees", "At least one person must have been present.")]
