"""The catalogue's alert records: the area's rule set, the alerts rules raise about a child, and what people told
do about them (acknowledge, act, dismiss with a reason).

- `alert_rule_sets` holds no child (every device holds it, category directory like guidance): the area's
  configuration documents, each one row whose id is fixed — the alert rule set (`casedesk.services.alerts.rules`)
  and the risk-of-exclusion indicators (`casedesk.services.cohort.indicators`) — so an import anywhere updates the
  same row and the server holds and hands out the current one.
- `alerts` files under the category of what its rule reads (attendance, education, social care, SEND, youth
  justice), so sharing decides for an alert as it does for the records behind it. Its fields follow from the
  child's records alone, so two devices raising the same alert usually send the same values; when one held records
  the other had not yet received, the server merges the two into one (`casedesk.domain.alerts.merge`), never a
  conflict.
- `alert_actions` is append-only: each person's acknowledgement, action or dismissal is a row of its own, so two
  people answering one alert never conflict and everyone told sees who did what; an alert withdrawn because the
  records no longer meet its rule is one more such row (`withdrawn`, with the reason).
"""

from __future__ import annotations

from casedesk.domain.alerts.model import RECORDED_ACTIONS, URGENCIES
from casedesk.domain.schema.types import (
    CHRONOLOGY_CATEGORIES,
    Category,
    RecordSpec,
    boolean,
    day,
    long_text,
    moment,
    ref,
    structured,
    text,
)

C = Category
ROW_CATEGORIES: dict[str, Category] = {c.value: c for c in CHRONOLOGY_CATEGORIES}

ALERT_RECORDS: tuple[RecordSpec, ...] = (
    RecordSpec(
        "alert_rule_sets",
        C.DIRECTORY,
        (
            text("external_id", 80, required=True),  # the set's id in its file
            text("title", 200, required=True),
            text("version", 40, required=True),
            structured("document", required=True),  # the whole rules file, as validated
            boolean("sample", default=False),
            text("source", 300),
        ),
    ),
    RecordSpec(
        "alerts",
        C.GENERAL,
        (
            ref("child_id", "children", required=True),
            text("rule_id", 80, required=True),
            text("rule_title", 200, required=True),
            text("urgency", 10, choices=URGENCIES, required=True),
            text("category", 40, choices=CHRONOLOGY_CATEGORIES, required=True),
            text("period", 80, required=True),
            day("met_on", required=True),
            text("summary", 300, required=True),
            structured("evidence", shape="array", required=True),  # [{entity, row_id, on, text, tab}]
            structured("tell", shape="array", required=True),  # [{worker_id?, organisation_id?, name, why}]
            text("rule_set", 250),  # the set's title and version
        ),
        child_key="child_id",
        row_category=("category", ROW_CATEGORIES),
    ),
    RecordSpec(
        "alert_actions",
        C.GENERAL,
        (
            ref("alert_id", "alerts", required=True),
            ref("child_id", "children", required=True),
            text("action", 20, choices=RECORDED_ACTIONS, required=True),
            long_text("note"),  # what was done, or why it was dismissed
            text("author", 200, required=True),
            moment("done_at", required=True),
            text("category", 40, choices=CHRONOLOGY_CATEGORIES, required=True),  # the alert's
        ),
        child_key="child_id",
        append_only=True,
        row_category=("category", ROW_CATEGORIES),
    ),
)
ALERT_ENTITIES: tuple[str, ...] = tuple(r.name for r in ALERT_RECORDS)
