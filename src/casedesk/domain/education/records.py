"""Education records as plain, immutable values (what repositories return; catalogue fields in table order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A period on a school's roll; `leaving_reason` says why it ended."""

    id: str
    child_id: str
    school_id: str
    start_date: date
    end_date: date | None = None
    leaving_reason: str | None = None
    note: str | None = None

    def is_current(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A suspension (fixed period or lunchtime) or a permanent exclusion, with up to three DfE reasons."""

    id: str
    child_id: str
    school_id: str
    kind: str
    first_day: date
    reason_1: str
    sessions: int | None = None
    reason_2: str | None = None
    reason_3: str | None = None
    reintegration_meeting: date | None = None
    governors_review: date | None = None
    governors_decision: str | None = None
    independent_review: date | None = None
    independent_review_outcome: str | None = None
    note: str | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r for r in (self.reason_1, self.reason_2, self.reason_3) if r)


@dataclass(frozen=True, slots=True)
class ManagedMove:
    id: str
    child_id: str
    home_school_id: str
    host_school_id: str
    start_date: date
    trial_end_date: date | None = None
    outcome: str | None = None
    outcome_date: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Provision:
    """An alternative provision placement or a part-time timetable."""

    id: str
    child_id: str
    kind: str
    provider: str
    sessions_per_week: int
    start_date: date
    provider_id: str | None = None
    planned_end_date: date | None = None
    review_date: date | None = None
    end_date: date | None = None
    note: str | None = None

    def is_current(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass(frozen=True, slots=True)
class EheCase:
    """Elective home education: opened when a child comes off a school roll to be educated at home."""

    id: str
    child_id: str
    notified_on: date
    first_contact_due: date
    status: str = "open"
    organisation_id: str | None = None
    officer_id: str | None = None
    previous_school_id: str | None = None
    first_contact_on: date | None = None
    closed_on: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class EheVisit:
    id: str
    case_id: str
    child_id: str
    visited_on: date
    outcome: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CmeEnquiry:
    """A child missing education: the enquiry the local authority makes to find them."""

    id: str
    child_id: str
    opened_on: date
    reason: str
    outcome: str | None = None
    closed_on: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CmeStep:
    id: str
    enquiry_id: str
    child_id: str
    done_on: date
    step: str
    note: str | None = None
