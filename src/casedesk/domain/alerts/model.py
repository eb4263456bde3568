"""Alert rules as records: a condition over a child's records, who is told, how urgent.

A rule set is content an area owns, not code: it arrives in a JSON file (`resources/alerts/`, validated by
`rules.schema.json`), is stored whole as the `document` of the synced `alert_rule_sets` row and rebuilt from it
here. Each condition kind is evaluated by one set-based query over the whole caseload (or over the children whose
records changed), in `casedesk.store.alerts_repo`; what it finds is a `Hit` per child and period.

An alert's id is a name-based UUID of (rule, child, period), so two devices that raise the same alert write the same
row and sync merges them into one. The period is what makes "the same" alert: each condition kind names its own —
the term of the window for attendance, the school year for persistent absence and suspensions, the record itself
(the enrolment that ended, the PEP date missed, the arrest, the referral) for the others. A rule raises at most one
alert per child and period.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

URGENCIES = ("urgent", "soon", "routine")  # the order alerts are listed in
URGENCY_LABELS = {"urgent": "Urgent", "soon": "Soon", "routine": "Routine"}
CONDITION_KINDS = (
    "attendance_window",
    "consecutive_absences",
    "persistent_absence",
    "suspensions",
    "removed_from_roll",
    "pep_overdue",
    "ehc_review_overdue",
    "part_time_past_end",
    "police_contact",
    "referral_not_acknowledged",
)
# The data category an alert files under, from what its condition reads (sharing is decided per category).
CONDITION_CATEGORY = {
    "attendance_window": "attendance",
    "consecutive_absences": "attendance",
    "persistent_absence": "attendance",
    "suspensions": "education",
    "removed_from_roll": "education",
    "pep_overdue": "social_care",
    "ehc_review_overdue": "send",
    "part_time_past_end": "education",
    "police_contact": "youth_justice",
    "referral_not_acknowledged": "general",
}
RECIPIENT_TARGETS = ("school_safeguarding_lead", "virtual_school")
ACTIONS = ("acknowledged", "actioned", "dismissed")  # what a person told does about an alert
WITHDRAWN = "withdrawn"  # what evaluation records when the records no longer meet the rule (with the reason)
RECORDED_ACTIONS = (*ACTIONS, WITHDRAWN)
CLOSING_ACTIONS = frozenset({"actioned", "dismissed", WITHDRAWN})  # after these the alert is open for nobody
DISMISS_REASONS = (
    "Already known and in hand",
    "Records are wrong or out of date",
    "Not relevant to this child's situation",
    "Another agency is leading on this",
)
_NAMESPACE = uuid.UUID("3f5b6a1e-9c0d-5b7e-8a41-2d6f1c3e9b70")


def alert_id(rule_id: str, child_id: str, period: str) -> str:
    """The one id every device gives this rule's alert for this child and period."""
    return str(uuid.uuid5(_NAMESPACE, f"{rule_id}|{child_id}|{period}"))


@dataclass(frozen=True)
class Recipient:
    """Who a rule tells: the child's named workers with an involvement `role`, or a `to` target."""

    role: str | None = None
    to: str | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Recipient:
        return cls(role=raw.get("role"), to=raw.get("to"))

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role} if self.role else {"to": str(self.to)}


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    urgency: str
    condition: Mapping[str, Any]
    tell: tuple[Recipient, ...]
    why: str = ""
    only_for: tuple[str, ...] = ()
    enabled: bool = True

    @property
    def kind(self) -> str:
        return str(self.condition["kind"])

    @property
    def category(self) -> str:
        return CONDITION_CATEGORY[self.kind]

    def param(self, name: str, default: Any) -> Any:
        return self.condition.get(name, default)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Rule:
        return cls(
            id=str(raw["id"]),
            title=str(raw["title"]),
            urgency=str(raw["urgency"]),
            condition=dict(raw["condition"]),
            tell=tuple(Recipient.from_dict(r) for r in raw["tell"]),
            why=str(raw.get("why", "")),
            only_for=tuple(raw.get("only_for", ())),
            enabled=bool(raw.get("enabled", True)),
        )


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    version: str
    rules: tuple[Rule, ...]
    notice: str = ""
    sample: bool = False
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def active(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> RuleSet:
        return cls(
            id=str(raw["id"]),
            title=str(raw["title"]),
            version=str(raw["version"]),
            rules=tuple(Rule.from_dict(r) for r in raw["rules"]),
            notice=str(raw.get("notice", "")),
            sample=bool(raw.get("sample", False)),
            document=raw,
        )


@dataclass(frozen=True)
class Evidence:
    """One record that met a rule: where it is (entity, row, the child-page tab that shows it), its date, its words."""

    entity: str
    row_id: str
    on: date
    text: str
    tab: str

    def to_dict(self) -> dict[str, str]:
        return {
            "entity": self.entity,
            "row_id": self.row_id,
            "on": self.on.isoformat(),
            "text": self.text,
            "tab": self.tab,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Evidence:
        return cls(
            str(raw["entity"]),
            str(raw["row_id"]),
            date.fromisoformat(str(raw["on"])),
            str(raw["text"]),
            str(raw["tab"]),
        )


@dataclass(frozen=True)
class Hit:
    """What one condition found for one child: the period it belongs to, when it was met, why, and the records.

    Everything here follows from the child's records alone (never from the day it is evaluated or the device), so
    two devices holding the same records raise byte-identical alerts, which sync then takes as one.
    """

    child_id: str
    period: str
    met_on: date
    summary: str
    evidence: tuple[Evidence, ...]
