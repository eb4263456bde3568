"""Catalogue entries for multi-agency meetings and plans, one line per field.

A meeting's header (`meetings`) is shared by every device, like the directory, so it carries no child's details:
its kind, date, chair and who came. Each child's part (`meeting_items`) is recorded under that child and files
under the chronology category it is recorded with, the same as the chronology entry it writes, so the two are
shared alike. Plans, their outcomes, actions and notes are the child's, under the plan category.
"""

from __future__ import annotations

from casedesk.domain.meetings.vocab import (
    ActionStatus,
    ClosureReason,
    Decision,
    MeetingKind,
    NoteKind,
    OutcomeStatus,
    PlanKind,
    PlanStatus,
)
from casedesk.domain.schema.types import (
    CHRONOLOGY_CATEGORIES,
    Category,
    RecordSpec,
    day,
    long_text,
    moment,
    ref,
    structured,
    text,
)

C = Category
ITEM_CATEGORIES: dict[str, Category] = {c.value: c for c in CHRONOLOGY_CATEGORIES}

MEETING_RECORDS: tuple[RecordSpec, ...] = (
    RecordSpec(
        "meetings",
        C.ORGANISATION,
        (
            text("kind", 40, choices=MeetingKind, required=True),
            day("held_on", required=True),
            text("chair", 200, required=True),
            ref("organisation_id", "organisations"),  # the organisation that convened it
            ref("chair_worker_id", "workers"),
            structured("attendees", shape="array"),  # [{name, organisation_id, worker_id, role, presence}]
            text("recorded_by", 200),
        ),
    ),
    RecordSpec(
        "meeting_items",
        C.GENERAL,
        (
            ref("meeting_id", "meetings", required=True),
            ref("child_id", "children", required=True),
            long_text("question", required=True),
            text("category", 40, choices=CHRONOLOGY_CATEGORIES, default=C.GENERAL.value),
            day("referred_on"),
            text("family_attended", 300),  # who of the family took part: never on the shared header
            long_text("family_views"),  # the child's and family's views
            long_text("discussion"),
            text("decision", 40, choices=Decision),
            long_text("decision_text"),
            long_text("reasons"),
            day("decided_on"),
        ),
        child_key="child_id",
        row_category=("category", ITEM_CATEGORIES),
    ),
    RecordSpec(
        "plans",
        C.PLAN,
        (
            ref("child_id", "children", required=True),
            text("kind", 40, choices=PlanKind, required=True),
            text("lead_name", 200, required=True),
            day("started_on", required=True),
            ref("lead_worker_id", "workers"),
            ref("lead_organisation_id", "organisations"),
            ref("meeting_id", "meetings"),
            day("next_review_on"),
            text("status", 12, choices=PlanStatus, default=PlanStatus.OPEN.value),
            day("closed_on"),
            text("closure_reason", 40, choices=ClosureReason),
            long_text("family_summary"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "plan_outcomes",
        C.PLAN,
        (
            ref("plan_id", "plans", required=True),
            ref("child_id", "children", required=True),
            text("outcome", 500, required=True),
            long_text("measure"),
            text("status", 20, choices=OutcomeStatus, default=OutcomeStatus.WORKING_ON.value),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "plan_actions",
        C.PLAN,
        (
            ref("plan_id", "plans", required=True),
            ref("child_id", "children", required=True),
            text("what", 500, required=True),
            text("owner_name", 200, required=True),
            day("due_on", required=True),
            ref("outcome_id", "plan_outcomes"),
            ref("owner_worker_id", "workers"),
            ref("owner_organisation_id", "organisations"),
            text("status", 20, choices=ActionStatus, default=ActionStatus.NOT_STARTED.value),
            day("done_on"),
            long_text("done_note"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "plan_notes",
        C.PLAN,
        (
            ref("plan_id", "plans", required=True),
            ref("child_id", "children", required=True),
            text("kind", 20, choices=NoteKind, required=True),
            moment("written_at", required=True),
            text("author", 200, required=True),
            long_text("note", required=True),
            day("next_review_on"),
        ),
        child_key="child_id",
        append_only=True,
    ),
)

# Parents first, so foreign keys hold when rows are sent in this order; the header is not a child's row.
MEETING_SHARED: tuple[str, ...] = ("meetings",)
MEETING_CHILD_ORDER: tuple[str, ...] = ("meeting_items", "plans", "plan_outcomes", "plan_actions", "plan_notes")
