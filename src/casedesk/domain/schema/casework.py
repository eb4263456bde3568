"""The catalogue's casework records: EHC plans (SEND), PEPs (care and the virtual school), youth justice outcomes.

Kept beside `catalogue.py` so each area's record reads as one block; `RECORDS` there includes these.
"""

from __future__ import annotations

from casedesk.domain.casework.send import NEEDS, Decision
from casedesk.domain.casework.youth_justice import OutcomeKind
from casedesk.domain.schema.types import Category, RecordSpec, day, long_text, ref, text

C = Category

CASEWORK_RECORDS: tuple[RecordSpec, ...] = (
    RecordSpec(
        "ehc_plans",
        C.SEND,
        (
            ref("child_id", "children", required=True),
            day("requested_on", required=True),
            ref("organisation_id", "organisations"),
            ref("caseworker_id", "workers"),
            day("assessment_decided_on"),
            text("assessment_decision", 10, choices=Decision),
            day("issued_on", critical=True),
            day("last_review_on"),
            day("ceased_on", critical=True),
            text("primary_need", 4, choices=NEEDS),
            text("secondary_need", 4, choices=NEEDS),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "peps",
        C.SOCIAL_CARE,
        (
            ref("child_id", "children", required=True),
            day("held_on", required=True),
            day("next_due_on"),
            ref("school_id", "organisations"),
            text("designated_teacher", 200),
            ref("officer_id", "workers"),
            long_text("targets"),
            long_text("progress"),
        ),
        child_key="child_id",
    ),
    RecordSpec(
        "youth_justice_outcomes",
        C.YOUTH_JUSTICE,
        (
            ref("child_id", "children", required=True),
            text("kind", 40, choices=OutcomeKind, required=True, critical=True),
            day("outcome_on", required=True, critical=True),
            day("end_date", critical=True),
            ref("organisation_id", "organisations"),
            ref("case_manager_id", "workers"),
            text("offence", 300),
            long_text("notes"),
        ),
        child_key="child_id",
    ),
)
CASEWORK_ENTITIES: tuple[str, ...] = tuple(r.name for r in CASEWORK_RECORDS)
