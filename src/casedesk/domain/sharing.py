"""What a receiver may see of a record: decided here, once, for the server's pulls, referral packs, exports and
printed reports alike.

Every field of every record carries a data category (`casedesk.domain.schema`). A receiver is granted categories
(`Allowed`), each for every record type or only for some; `redact` keeps a row only when its own category is
granted and, of a kept row, only the fields whose category is granted. Nothing else anywhere decides what of a
record is disclosed, so sharing agreements between organisations add rules to `allowed_for` and nowhere else.

Today every organisation involved with a child sees all of its record (`allowed_for` grants everything); a referral
pack shows the sections the referrer chose (`for_sections`); a subject access export shows everything held.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar, overload

from casedesk.domain.casework.records import EhcPlan, Pep, YouthJusticeOutcome
from casedesk.domain.education import records as education
from casedesk.domain.records import Child, ChronologyEvent, Involvement, Organisation, StatusPeriod, Worker
from casedesk.domain.referrals.workflow import Referral
from casedesk.domain.schema import CATALOGUE, EVENT_CATEGORIES, STATUS_CATEGORIES, Category
from casedesk.domain.triage.result import TriageResult

ANY = "*"  # a grant that holds for every record type


@dataclass(frozen=True)
class Allowed:
    """The categories a receiver may see: (record type or `ANY`, category) pairs."""

    grants: frozenset[tuple[str, Category]]

    @classmethod
    def of(cls, categories: Iterable[Category], entities: Iterable[str] = (ANY,)) -> Allowed:
        return cls(frozenset((e, c) for e in entities for c in categories))

    def __or__(self, other: Allowed) -> Allowed:
        return Allowed(self.grants | other.grants)

    def permits(self, entity: str, category: Category) -> bool:
        return (ANY, category) in self.grants or (entity, category) in self.grants

    @cached_property
    def everything(self) -> bool:
        return all((ANY, c) in self.grants for c in Category)


EVERYTHING = Allowed.of(Category)
NOTHING = Allowed(frozenset())


@dataclass(frozen=True)
class Shared:
    """A record as plain values on its way to a receiver (a pulled row, a stored email request)."""

    entity: str
    values: Mapping[str, Any]


# The record types the repositories return, so a domain record can be redacted as it is.
ENTITY_OF: dict[type, str] = {
    Organisation: "organisations",
    Worker: "workers",
    Child: "children",
    StatusPeriod: "status_periods",
    Involvement: "involvements",
    ChronologyEvent: "events",
    TriageResult: "triage_results",
    Referral: "referrals",
    EhcPlan: "ehc_plans",
    Pep: "peps",
    YouthJusticeOutcome: "youth_justice_outcomes",
    education.Enrolment: "enrolments",
    education.Exclusion: "exclusions",
    education.ManagedMove: "managed_moves",
    education.Provision: "provisions",
    education.EheCase: "ehe_cases",
    education.EheVisit: "ehe_visits",
    education.CmeEnquiry: "cme_enquiries",
    education.CmeStep: "cme_steps",
}

R = TypeVar("R")


def _shown(entity: str, values: Mapping[str, Any], allowed: Allowed) -> tuple[bool, set[str]]:
    """Whether the row is shown, and which of its fields are withheld."""
    record = CATALOGUE[entity]
    row = record.category_of(values)
    if not allowed.permits(entity, row):
        return False, set()
    withheld = {f.name for f in record.fields if not allowed.permits(entity, record.field_category(f.name, row))}
    return True, withheld


@overload
def redact(record: Shared, allowed: Allowed) -> Shared | None: ...
@overload
def redact(record: R, allowed: Allowed) -> R | None: ...
def redact(record: Any, allowed: Allowed) -> Any:
    """The record as `allowed` may see it: None when its row is withheld, else without withheld fields (a plain
    row loses them, a domain record holds None in them). Fields the catalogue does not list (ids, words derived
    from answers) follow their row."""
    if allowed.everything:
        return record
    if isinstance(record, Shared):
        shown, withheld = _shown(record.entity, record.values, allowed)
        if not shown:
            return None
        return Shared(record.entity, {k: v for k, v in record.values.items() if k not in withheld})
    entity = ENTITY_OF[type(record)]
    shown, withheld = _shown(entity, {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}, allowed)
    if not shown:
        return None
    present = {f.name for f in dataclasses.fields(record)}
    return dataclasses.replace(record, **dict.fromkeys(withheld & present))


def redact_all(records: Iterable[R], allowed: Allowed) -> list[R]:
    """The records `allowed` may see, each redacted; withheld rows left out."""
    return [shown for shown in (redact(r, allowed) for r in records) if shown is not None]


# -- who is allowed what ---------------------------------------------------------------------------------------
def allowed_for(receiver_org: str, child_id: str | None) -> Allowed:
    """What an organisation's devices receive of a record of a child it sees (or of the shared directory).

    Today: everything, for every organisation that sees the child (visibility itself is `server.policy`'s).
    Sharing agreements between organisations narrow this by category.
    """
    del receiver_org, child_id
    return EVERYTHING


# A referral pack's sections, as grants: each section shares these categories of these record types.
SECTION_GRANTS: dict[str, Allowed] = {
    "identity": Allowed.of([Category.IDENTITY], ["children"]),
    "contact": Allowed.of([Category.CONTACT], ["children"]),
    "school": Allowed.of([Category.EDUCATION], ["children"]),
    "statuses": Allowed.of({*STATUS_CATEGORIES.values(), CATALOGUE["status_periods"].category}, ["status_periods"]),
    "involvements": Allowed.of([Category.INVOLVEMENT], ["involvements"])
    | Allowed.of([Category.ORGANISATION], ["organisations", "workers"]),
    "triage": Allowed.of([Category.TRIAGE], ["triage_results"]),
    "chronology": Allowed.of({*EVENT_CATEGORIES.values(), CATALOGUE["events"].category}, ["events"]),
}


def for_sections(sections: Iterable[str]) -> Allowed:
    """What a service's referral pack may show: the chosen sections' grants (identity is always shared)."""
    allowed = SECTION_GRANTS["identity"]
    for section in sections:
        allowed = allowed | SECTION_GRANTS[section]
    return allowed
