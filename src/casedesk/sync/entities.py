"""What the server knows of the device schema: each synced entity's fields, references and scope, the critical
fields a clock must never decide, typed fields, and the digest lines both sides compute.

The server keeps no copy of the device's tables; it validates every pushed change against `ENTITIES`, and a test
checks these specs against the device models so the two cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EntitySpec:
    """What the server needs to know about one synced table: its fields and how it hangs off a child."""

    fields: frozenset[str]
    required: frozenset[str]
    references: dict[str, str] = field(default_factory=dict)  # field -> entity it points at
    child_key: str | None = None  # the field naming the child this row belongs to (None: shared directory)
    append_only: bool = False
    defaults: dict[str, Any] = field(default_factory=dict)  # the device's column defaults, applied on insert


ENTITIES: dict[str, EntitySpec] = {
    "organisations": EntitySpec(
        fields=frozenset({"name", "kind", "urn", "ods_code", "la_code"}), required=frozenset({"name", "kind"})
    ),
    "workers": EntitySpec(
        fields=frozenset({"organisation_id", "name", "role", "email", "phone"}),
        required=frozenset({"organisation_id", "name"}),
        references={"organisation_id": "organisations"},
    ),
    "children": EntitySpec(
        fields=frozenset(
            {
                "given_name",
                "family_name",
                "preferred_name",
                "date_of_birth",
                "sex",
                "gender",
                "upn",
                "upn_unknown_reason",
                "uln",
                "nhs_number",
                "address_line1",
                "address_line2",
                "town",
                "postcode",
                "la_code",
                "current_school_id",
            }
        ),
        required=frozenset({"given_name", "family_name", "date_of_birth"}),
        references={"current_school_id": "organisations"},
        child_key="id",
        defaults={"sex": "U"},
    ),
    "status_periods": EntitySpec(
        fields=frozenset({"child_id", "kind", "detail", "start_date", "end_date"}),
        required=frozenset({"child_id", "kind", "start_date"}),
        references={"child_id": "children"},
        child_key="child_id",
    ),
    "involvements": EntitySpec(
        fields=frozenset({"child_id", "organisation_id", "worker_id", "role", "start_date", "end_date"}),
        required=frozenset({"child_id", "organisation_id", "role", "start_date"}),
        references={"child_id": "children", "organisation_id": "organisations", "worker_id": "workers"},
        child_key="child_id",
    ),
    "events": EntitySpec(
        fields=frozenset(
            {
                "child_id",
                "kind",
                "occurred_at",
                "recorded_at",
                "author",
                "organisation_id",
                "category",
                "significance",
                "summary",
                "body",
                "amends_id",
                "related_id",
            }
        ),
        required=frozenset({"child_id", "kind", "occurred_at", "recorded_at", "author", "summary"}),
        references={"child_id": "children", "organisation_id": "organisations", "amends_id": "events"},
        child_key="child_id",
        append_only=True,
        defaults={"category": "general", "significance": "routine"},
    ),
    "triage_results": EntitySpec(
        fields=frozenset(
            {
                "child_id",
                "questionnaire_id",
                "questionnaire_version",
                "state",
                "answers",
                "outcome",
                "level",
                "author",
                "started_at",
                "completed_at",
            }
        ),
        required=frozenset(
            {"child_id", "questionnaire_id", "questionnaire_version", "answers", "author", "started_at"}
        ),
        references={"child_id": "children"},
        child_key="child_id",
        defaults={"state": "draft"},
    ),
    "services": EntitySpec(  # the area's directory: shared by every device, like organisations
        fields=frozenset({"external_id", "name", "organisation_name", "document", "last_reviewed", "source"}),
        required=frozenset({"external_id", "name", "document"}),
    ),
    "referrals": EntitySpec(
        fields=frozenset(
            {
                "child_id",
                "service_id",
                "service_name",
                "triage_result_id",
                "reason",
                "urgency",
                "shared_sections",
                "sharing",
                "referrer",
                "status",
                "status_changed_at",
                "sent_at",
                "acknowledged_at",
                "ack_within_days",
                "decline_reason",
                "inappropriate",
                "outcome",
            }
        ),
        required=frozenset(
            {"child_id", "service_name", "reason", "status_changed_at", "shared_sections", "sharing", "referrer"}
        ),
        references={"child_id": "children", "service_id": "services", "triage_result_id": "triage_results"},
        child_key="child_id",
        defaults={"urgency": "routine", "status": "draft", "ack_within_days": 5, "inappropriate": False},
    ),
    "mail_requests": EntitySpec(  # sent once by the server's mail relay after it arrives
        fields=frozenset(
            {"child_id", "referral_id", "recipient", "subject", "message", "requested_by", "requested_at"}
        ),
        required=frozenset({"child_id", "recipient", "subject", "message", "requested_by", "requested_at"}),
        references={"child_id": "children", "referral_id": "referrals"},
        child_key="child_id",
        append_only=True,
    ),
}

# Fields a clock must never decide (DESIGN.md §4): protection and legal status, address, named worker. When two
# devices change one of these from the same base, the server keeps the value it already holds and the conflict
# waits for a person; the clock only orders the candidates for display.
CRITICAL_FIELDS: dict[str, frozenset[str]] = {
    "children": frozenset({"address_line1", "address_line2", "town", "postcode"}),
    "status_periods": frozenset({"kind", "detail", "start_date", "end_date"}),
    "involvements": frozenset({"worker_id"}),
    "triage_results": frozenset({"level", "outcome"}),  # the level of need
    "referrals": frozenset({"status", "sharing"}),
}

DATE_FIELDS = frozenset({"date_of_birth", "start_date", "end_date", "last_reviewed"})
DATETIME_FIELDS = frozenset(
    {
        "occurred_at",
        "recorded_at",
        "started_at",
        "completed_at",
        "status_changed_at",
        "sent_at",
        "acknowledged_at",
        "requested_at",
    }
)
MAX_TEXT = 20_000
# Structured values (questionnaire answers and outcomes, a directory record, the information-sharing decision).
JSON_FIELDS = frozenset({"answers", "outcome", "document", "shared_sections", "sharing", "referrer", "message"})
MAX_JSON = 200_000

# Order in which a snapshot of one child is sent, parents first, so foreign keys hold on the device.
ENTITY_ORDER = (
    "organisations",
    "workers",
    "services",
    "children",
    "status_periods",
    "involvements",
    "triage_results",
    "referrals",
    "mail_requests",
    "events",
)


def row_digest(row_id: str, values: dict[str, Any], deleted: bool, spec: EntitySpec) -> str:
    """One line per row; both sides hash the same canonical JSON, so equal rows give equal lines."""
    canonical = {name: values.get(name) for name in sorted(spec.fields)}
    canonical["deleted"] = bool(deleted)
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return f"{row_id}:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"


def entity_digest(lines: list[str]) -> tuple[int, str]:
    """Row count and one hash over every row's line, in id order."""
    whole = hashlib.sha256()
    for line in sorted(lines):
        whole.update(line.encode("ascii"))
        whole.update(b"\n")
    return len(lines), whole.hexdigest()


def is_critical(entity: str, field_name: str) -> bool:
    return field_name in CRITICAL_FIELDS.get(entity, frozenset())
