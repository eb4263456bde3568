"""Catalogue entries for a child's education records (data category: education), one line per field.

Kept beside `catalogue.py`, which adds them to `RECORDS`; the device models are held equal to these by
`tests/store/test_models_match_catalogue.py`.
"""

from __future__ import annotations

from casedesk.domain.education.vocab import (
    EXCLUSION_REASONS,
    CmeOutcome,
    CmeReason,
    CmeStepKind,
    EheStatus,
    EheVisitOutcome,
    ExclusionKind,
    GovernorsDecision,
    IndependentReviewOutcome,
    LeavingReason,
    MoveOutcome,
    ProvisionKind,
)
from casedesk.domain.schema.types import Category, RecordSpec, day, integer, long_text, ref, text

C = Category
REASONS = tuple(EXCLUSION_REASONS)

EDUCATION_RECORDS: tuple[RecordSpec, ...] = (
    RecordSpec(
        "enrolments",
        C.EDUCATION,
        (
            ref("child_id", "children", required=True),
            ref("school_id", "organisations", required=True),
            day("start_date", required=True),
            day("end_date"),
            text("leaving_reason", 40, choices=LeavingReason),
            long_text("note"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "exclusions",
        C.EDUCATION,
        (
            ref("child_id", "children", required=True),
            ref("school_id", "organisations", required=True),
            text("kind", 20, choices=ExclusionKind, required=True),
            day("first_day", required=True),
            integer("sessions", 1, 380),  # half-day sessions; none for a permanent exclusion
            text("reason_1", 2, choices=REASONS, required=True),
            text("reason_2", 2, choices=REASONS),
            text("reason_3", 2, choices=REASONS),
            day("reintegration_meeting"),
            day("governors_review"),
            text("governors_decision", 20, choices=GovernorsDecision),
            day("independent_review"),
            text("independent_review_outcome", 30, choices=IndependentReviewOutcome),
            long_text("note"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "managed_moves",
        C.EDUCATION,
        (
            ref("child_id", "children", required=True),
            ref("home_school_id", "organisations", required=True),
            ref("host_school_id", "organisations", required=True),
            day("start_date", required=True),
            day("trial_end_date"),
            text("outcome", 20, choices=MoveOutcome),
            day("outcome_date"),
            long_text("note"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "provisions",
        C.EDUCATION,
        (
            ref("child_id", "children", required=True),
            text("kind", 30, choices=ProvisionKind, required=True),
            text("provider", 200, required=True),
            ref("provider_id", "organisations"),
            integer("sessions_per_week", 0, 10, required=True),
            day("start_date", required=True),
            day("planned_end_date"),
            day("review_date"),
            day("end_date"),
            long_text("note"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "ehe_cases",
        C.EDUCATION,
        (
            ref("child_id", "children", required=True),
            ref("organisation_id", "organisations"),
            ref("officer_id", "workers"),
            ref("previous_school_id", "organisations"),
            day("notified_on", required=True),
            day("first_contact_due", required=True),
            day("first_contact_on"),
            text("status", 30, choices=EheStatus, default=EheStatus.OPEN.value),
            day("closed_on"),
            long_text("note"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "ehe_visits",
        C.EDUCATION,
        (
            ref("case_id", "ehe_cases", required=True),
            ref("child_id", "children", required=True),
            day("visited_on", required=True),
            text("outcome", 20, choices=EheVisitOutcome, required=True),
            long_text("note"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "cme_enquiries",
        C.EDUCATION,
        (
            ref("child_id", "children", required=True),
            day("opened_on", required=True),
            text("reason", 30, choices=CmeReason, required=True),
            text("outcome", 30, choices=CmeOutcome),
            day("closed_on"),
            long_text("note"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "cme_steps",
        C.EDUCATION,
        (
            ref("enquiry_id", "cme_enquiries", required=True),
            ref("child_id", "children", required=True),
            day("done_on", required=True),
            text("step", 30, choices=CmeStepKind, required=True),
            long_text("note"),
        ),
        child_key="child_id",
    ),
)

# Parents first, so foreign keys hold when a child's rows are sent in this order.
EDUCATION_ORDER: tuple[str, ...] = tuple(r.name for r in EDUCATION_RECORDS)
