"""Plain, immutable records: what repositories return and services, reports and the UI consume.

They carry no database session, so nothing lazy-loads on the UI thread and a record can cross threads freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    kind: str
    urn: str | None = None
    ods_code: str | None = None
    la_code: str | None = None
    # the schools register's columns (from a GIAS extract)
    phase: str | None = None
    establishment_type: str | None = None
    postcode: str | None = None
    establishment_status: str | None = None


@dataclass(frozen=True, slots=True)
class Worker:
    id: str
    organisation_id: str
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


def age_on(born: date, day: date) -> int:
    """Age in whole years on `day` (a birthday on 29 February counts from 1 March in other years)."""
    return day.year - born.year - int((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class Child:
    id: str
    given_name: str
    family_name: str
    date_of_birth: date
    preferred_name: str | None = None
    sex: str = "U"
    gender: str | None = None
    upn: str | None = None
    upn_unknown_reason: str | None = None
    uln: str | None = None
    nhs_number: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    town: str | None = None
    postcode: str | None = None
    la_code: str | None = None
    current_school_id: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def display_name(self) -> str:
        """The name a practitioner uses, with the legal name kept alongside when they differ."""
        if self.preferred_name and self.preferred_name != self.given_name:
            return f"{self.preferred_name} ({self.full_name})"
        return self.full_name

    def age_on(self, day: date) -> int:
        return age_on(self.date_of_birth, day)


@dataclass(frozen=True, slots=True)
class StatusPeriod:
    id: str
    child_id: str
    kind: str
    start_date: date
    end_date: date | None = None
    detail: str | None = None  # SEN primary need (SEN support, EHC plan); category of abuse (CP plan)
    secondary_detail: str | None = None  # SEN secondary need
    worker_id: str | None = None  # the allocated social worker (CIN, CP plan, looked after)

    def is_current(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass(frozen=True, slots=True)
class Involvement:
    id: str
    child_id: str
    organisation_id: str
    role: str
    start_date: date
    worker_id: str | None = None
    end_date: date | None = None

    def is_current(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@dataclass(frozen=True, slots=True)
class ChronologyEvent:
    """One entry in a child's chronology. Append-only: an edit is a new event whose `amends_id` names the original."""

    id: str
    child_id: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    author: str
    summary: str
    category: str = "general"
    significance: str = "routine"
    body: str | None = None
    organisation_id: str | None = None
    amends_id: str | None = None
    related_id: str | None = None  # the triage result or referral this entry records
    restricted: bool | None = None  # third-party information: never shared beyond the recording organisation


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    row_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Change:
    """One journaled write, as DESIGN.md §4 describes it: the unit that sync pushes."""

    change_id: str
    entity: str
    row_id: str
    op: str
    fields: dict[str, Any]
    base_versions: dict[str, int]
    hlc: str
    device_id: str
    author: str


@dataclass(frozen=True, slots=True)
class Changes:
    """What a service call changed, so views can decide whether to refresh (Anki's OpChanges)."""

    entities: frozenset[str] = field(default_factory=frozenset)
    row_ids: frozenset[str] = field(default_factory=frozenset)

    def touches(self, entity: str) -> bool:
        return entity in self.entities

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.entities | other.entities, self.row_ids | other.row_ids)
