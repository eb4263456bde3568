"""The catalogue's review records (issue 19): a merge of two records of one child, and a discrepancy flag.

- `child_merges`: one child recorded twice, merged. Append-only; it names the record kept and the one merged
  into it, and carries what the person merging saw (the evidence) and the merged record's identity as it was.
  Every device and the server apply it the same way, idempotently: the merged child's rows are re-pointed at the
  kept child (`casedesk.store.merges`, `casedesk.server.db.merges`). `merged_id` is a plain id, not a reference:
  a device receiving the merge need not hold the merged record.
- `discrepancy_flags`: a user thinks a value another organisation shared is wrong. It names the record and field,
  the value seen and why; the owning organisation resolves it (corrected, confirmed, explained) and the answer
  syncs back. Filed under involvement, which every organisation seeing the child receives (`sharing.BASELINE`).

Kept beside `catalogue.py` so the area reads as one block; `RECORDS` there includes these.
"""

from __future__ import annotations

from casedesk.domain.schema.types import Category, RecordSpec, long_text, moment, ref, structured, text

C = Category
FLAG_STATES = ("open", "corrected", "confirmed", "explained")
FLAG_RESOLUTIONS = FLAG_STATES[1:]

REVIEW_RECORDS: tuple[RecordSpec, ...] = (
    RecordSpec(
        "child_merges",
        C.IDENTITY,
        (
            ref("kept_id", "children", required=True),
            ref("merged_id", None, required=True),
            text("merged_by", 200, required=True),
            moment("merged_at", required=True),
            long_text("reason"),
            structured("evidence", shape="array"),  # the evidence lines shown when the merge was confirmed
            structured("merged_identity"),  # the merged record's names, date of birth and identifiers
        ),
        child_key="kept_id",
        append_only=True,
    ),
    RecordSpec(
        "discrepancy_flags",
        C.INVOLVEMENT,
        (
            ref("child_id", "children", required=True),
            text("entity", 40, required=True),  # the record flagged: its kind and id, and which field
            ref("row_id", None, required=True),
            text("field", 60, required=True),
            text("value_seen", 300),
            long_text("reason", required=True),
            ref("owner_org", "organisations", required=True),  # whose record it is: their queue
            ref("raised_by_org", "organisations"),
            text("raised_by", 200, required=True),
            moment("raised_at", required=True),
            text("status", 20, choices=FLAG_STATES, required=True, default="open"),
            long_text("resolution_note"),
            text("resolved_by", 200),
            moment("resolved_at"),
        ),
        child_key="child_id",
    ),
)
