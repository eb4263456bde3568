"""Plain, immutable casework records (SEND, care, youth justice), as the repositories return them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class EhcPlan:
    """One request for an EHC needs assessment and, when the plan is made, the plan: the statutory clock's dates."""

    id: str
    child_id: str
    requested_on: date
    organisation_id: str | None = None  # the local authority's SEND team
    caseworker_id: str | None = None
    assessment_decided_on: date | None = None
    assessment_decision: str | None = None  # "agreed" or "refused"
    issued_on: date | None = None
    last_review_on: date | None = None
    ceased_on: date | None = None
    primary_need: str | None = None
    secondary_need: str | None = None


@dataclass(frozen=True, slots=True)
class Pep:
    """A personal education plan meeting for a looked-after child."""

    id: str
    child_id: str
    held_on: date
    next_due_on: date | None = None
    school_id: str | None = None
    designated_teacher: str | None = None
    officer_id: str | None = None  # the virtual-school officer
    targets: str | None = None
    progress: str | None = None


@dataclass(frozen=True, slots=True)
class YouthJusticeOutcome:
    """An out-of-court disposal or a court order, with its case manager."""

    id: str
    child_id: str
    kind: str
    outcome_on: date
    end_date: date | None = None
    organisation_id: str | None = None  # the youth justice service
    case_manager_id: str | None = None
    offence: str | None = None
    notes: str | None = None

    def is_current(self, day: date) -> bool:
        return self.outcome_on <= day and (self.end_date is None or self.end_date >= day)
