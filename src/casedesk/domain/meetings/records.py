"""Meetings, plans and actions as plain, immutable values (what repositories return; catalogue fields in table
order, so a row builds its record positionally).

A meeting's header (`Meeting`) names no child: when it was, what kind, who chaired and who came. Each child
discussed has a `MeetingItem` of its own, recorded under that child, so it reaches only the devices that may see
that child; a panel discussing three children is one header and three items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from casedesk.domain.meetings.vocab import ActionStatus, MeetingKind, PlanStatus
from casedesk.domain.vocab import label_of


@dataclass(frozen=True, slots=True)
class Attendee:
    """Someone invited: a person (a worker of the directory or a name) for an agency, present or not."""

    name: str
    organisation_id: str | None = None
    worker_id: str | None = None
    role: str | None = None
    presence: str = "present"

    def to_json(self) -> dict[str, Any]:
        return _attendee_json(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Attendee:
        return cls(
            name=str(value.get("name", "")),
            organisation_id=value.get("organisation_id"),
            worker_id=value.get("worker_id"),
            role=value.get("role"),
            presence=str(value.get("presence") or "present"),
        )


def _attendee_json(a: Attendee) -> dict[str, Any]:
    out: dict[str, Any] = {"name": a.name, "presence": a.presence}
    for key in ("organisation_id", "worker_id", "role"):
        value = getattr(a, key)
        if value:
            out[key] = value
    return out


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    kind: str
    held_on: date
    chair: str
    organisation_id: str | None = None
    chair_worker_id: str | None = None
    attendees: list[dict[str, Any]] | None = None
    recorded_by: str | None = None

    @property
    def kind_label(self) -> str:
        return label_of(MeetingKind, self.kind)

    def people(self) -> list[Attendee]:
        return [Attendee.from_json(a) for a in self.attendees or []]

    def agencies(self, presence: str | None = "present") -> list[str]:
        """The organisations attending (or, with `presence` None, invited), in the order first named."""
        seen: list[str] = []
        for person in self.people():
            wanted = presence is None or person.presence == presence
            if person.organisation_id and wanted and person.organisation_id not in seen:
                seen.append(person.organisation_id)
        return seen


@dataclass(frozen=True, slots=True)
class MeetingItem:
    """One child's part of a meeting: the question brought, the discussion, the decision and its reasons."""

    id: str
    meeting_id: str
    child_id: str
    question: str
    category: str = "general"
    referred_on: date | None = None  # when the child was referred or brought to the meeting
    family_attended: str | None = None  # who of the family took part (never on the shared header)
    family_views: str | None = None
    discussion: str | None = None
    decision: str | None = None  # a `Decision` code
    decision_text: str | None = None
    reasons: str | None = None
    decided_on: date | None = None  # None while deferred


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    child_id: str
    kind: str
    lead_name: str
    started_on: date
    lead_worker_id: str | None = None
    lead_organisation_id: str | None = None
    meeting_id: str | None = None  # the meeting that agreed it
    next_review_on: date | None = None
    status: str = PlanStatus.OPEN.value
    closed_on: date | None = None
    closure_reason: str | None = None
    family_summary: str | None = None  # what everyone is working towards, in the family's words

    @property
    def is_open(self) -> bool:
        return self.status == PlanStatus.OPEN


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    id: str
    plan_id: str
    child_id: str
    outcome: str
    measure: str | None = None  # how everyone will know it is achieved
    status: str = "working_on"


@dataclass(frozen=True, slots=True)
class PlanAction:
    id: str
    plan_id: str
    child_id: str
    what: str
    owner_name: str
    due_on: date
    outcome_id: str | None = None
    owner_worker_id: str | None = None
    owner_organisation_id: str | None = None
    status: str = ActionStatus.NOT_STARTED.value
    done_on: date | None = None
    done_note: str | None = None

    @property
    def is_live(self) -> bool:
        """Still to be done (neither done nor cancelled)."""
        return self.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class PlanNote:
    """A progress note or review of a plan; append-only, like the chronology."""

    id: str
    plan_id: str
    child_id: str
    kind: str
    written_at: datetime
    author: str
    note: str
    next_review_on: date | None = None


@dataclass(frozen=True, slots=True)
class PlanRecords:
    """A plan with everything recorded against it."""

    plan: Plan
    outcomes: list[PlanOutcome]
    actions: list[PlanAction]
    notes: list[PlanNote]
