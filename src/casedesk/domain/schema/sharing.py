"""The catalogue's sharing records: the information-sharing agreements every device holds (read-only, written by
the server's administrators) and a child's consent records, which narrow what is shared beyond an agreement.

Kept beside `catalogue.py` so the area reads as one block; `RECORDS` there includes these.
"""

from __future__ import annotations

from casedesk.domain.schema.types import Category, RecordSpec, day, long_text, moment, ref, structured, text

C = Category
CONSENT_DECISIONS = ("withdrawn",)  # what a consent record says of its category (more kinds may follow)

SHARING_RECORDS: tuple[RecordSpec, ...] = (
    RecordSpec(
        # An agreement as `casedesk.domain.agreements.Agreement.to_json` spells it; parties as `org:ID` or
        # `kind:KIND[@LA]`, categories as JSON arrays. Not about a child: every device holds every agreement.
        "sharing_agreements",
        C.ORGANISATION,
        (
            text("title", 300, required=True),
            text("party_a", 80, required=True),
            text("party_b", 80, required=True),
            structured("a_to_b", shape="array", required=True),
            structured("b_to_a", shape="array", required=True),
            text("article_6", 40, required=True),
            text("article_9", 40),
            text("article_10", 40),
            day("start_date", required=True),
            day("end_date"),
            day("review_date", required=True),
            structured("signed_by", shape="array", required=True),
            moment("ended_at"),
            long_text("ended_reason"),
        ),
    ),
    RecordSpec(
        # A consent record: the child (or parent) withdrew consent to share one category beyond the organisation
        # holding it — with every other organisation, or with one. Who recorded it and when travel with it.
        "consents",
        C.INVOLVEMENT,
        (
            ref("child_id", "children", required=True),
            text("category", 40, required=True),
            text("decision", 20, choices=CONSENT_DECISIONS, required=True),
            ref("organisation_id", "organisations"),  # only this organisation; none: every other organisation
            day("decided_on", required=True),
            text("given_by", 200, required=True),  # who gave or withdrew it: the child, a parent…
            text("recorded_by", 200, required=True),
            moment("recorded_at", required=True),
            day("ended_on"),  # consent given again: the record stops narrowing from this day
            long_text("note"),
        ),
        child_key="child_id",
    ),
)
