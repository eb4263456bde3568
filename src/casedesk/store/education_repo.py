"""Read side of a child's education records and the schools register; plain records, never ORM objects.

The caseload's education columns come from grouped queries over all children at once (`suspensions_since`,
`last_contacts`, `open_referral_counts`), never a query per child.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casedesk.domain.education.records import (
    CmeEnquiry,
    CmeStep,
    EheCase,
    EheVisit,
    Enrolment,
    Exclusion,
    ManagedMove,
    Provision,
)
from casedesk.errors import NotFound
from casedesk.store.models import (
    SYNCED_TABLES,
    ChildActivityRow,
    ExclusionRow,
    OrganisationRow,
    ReferralRow,
)
from casedesk.store.repositories import _field_names, to_record
from casedesk.store.tables import mapped_table

R = TypeVar("R")

ENTITY_OF: dict[type, str] = {
    Enrolment: "enrolments",
    Exclusion: "exclusions",
    ManagedMove: "managed_moves",
    Provision: "provisions",
    EheCase: "ehe_cases",
    EheVisit: "ehe_visits",
    CmeEnquiry: "cme_enquiries",
    CmeStep: "cme_steps",
}
_ORDER = {
    Enrolment: "start_date",
    Exclusion: "first_day",
    ManagedMove: "start_date",
    Provision: "start_date",
    EheCase: "notified_on",
    EheVisit: "visited_on",
    CmeEnquiry: "opened_on",
    CmeStep: "done_on",
}


def for_child(session: Session, record_type: type[R], child_id: str) -> list[R]:
    """One kind of education record of a child, oldest first."""
    table = mapped_table(SYNCED_TABLES[ENTITY_OF[record_type]])
    columns = [table.c[name] for name in _field_names(record_type)]
    query = (
        select(*columns)
        .where(table.c.deleted.is_(False), table.c.child_id == child_id)
        .order_by(table.c[_ORDER[record_type]], table.c.id)
    )
    return [record_type(*row) for row in session.execute(query).all()]


def get(session: Session, record_type: type[R], row_id: str) -> R:
    table = mapped_table(SYNCED_TABLES[ENTITY_OF[record_type]])
    row = session.execute(select(table).where(table.c.id == row_id, table.c.deleted.is_(False))).first()
    if row is None:
        raise NotFound(f"No {ENTITY_OF[record_type][:-1].replace('_', ' ')} with id {row_id}.")
    return to_record(record_type, row)


@dataclass(frozen=True, slots=True)
class EducationRecords:
    enrolments: list[Enrolment]
    exclusions: list[Exclusion]
    moves: list[ManagedMove]
    provisions: list[Provision]
    ehe_cases: list[EheCase]
    ehe_visits: list[EheVisit]
    cme_enquiries: list[CmeEnquiry]
    cme_steps: list[CmeStep]

    def all(self) -> list[Any]:
        return [
            *self.enrolments,
            *self.exclusions,
            *self.moves,
            *self.provisions,
            *self.ehe_cases,
            *self.ehe_visits,
            *self.cme_enquiries,
            *self.cme_steps,
        ]


def records_for_child(session: Session, child_id: str) -> EducationRecords:
    return EducationRecords(*(for_child(session, t, child_id) for t in ENTITY_OF))


# -- the caseload's columns ----------------------------------------------------------------------------------
def suspensions_since(session: Session, first: date, last: date) -> dict[str, int]:
    """Suspensions (not permanent exclusions) per child whose first day falls in [first, last]."""
    t = mapped_table(ExclusionRow)
    query = (
        select(t.c.child_id, func.count())
        .where(t.c.deleted.is_(False), t.c.kind != "permanent", t.c.first_day.between(first, last))
        .group_by(t.c.child_id)
    )
    return {child_id: count for child_id, count in session.execute(query).all()}


def last_contacts(session: Session) -> dict[str, datetime]:
    """Each child's last contact, as the trigger on `events` keeps it (migration 0009)."""
    t = mapped_table(ChildActivityRow)
    query = select(t.c.child_id, t.c.last_contact).where(t.c.last_contact.is_not(None))
    return {child_id: at for child_id, at in session.execute(query).all()}


def open_referral_counts(session: Session, open_states: Iterable[str]) -> dict[str, int]:
    t = mapped_table(ReferralRow)
    query = (
        select(t.c.child_id, func.count())
        .where(t.c.deleted.is_(False), t.c.status.in_(list(open_states)))
        .group_by(t.c.child_id)
    )
    return {child_id: count for child_id, count in session.execute(query).all()}


# -- the schools register --------------------------------------------------------------------------------------
def schools_by_urn(session: Session) -> dict[str, dict[str, Any]]:
    """Every school held with a URN: URN → its register columns and id (the first one held for a URN)."""
    t = mapped_table(OrganisationRow)
    names = ("id", "name", "urn", "la_code", "phase", "establishment_type", "postcode", "establishment_status")
    query = (
        select(*(t.c[n] for n in names))
        .where(t.c.deleted.is_(False), t.c.kind == "school", t.c.urn.is_not(None))
        .order_by(t.c.id)
    )
    found: dict[str, dict[str, Any]] = {}
    for row in session.execute(query).mappings():
        found.setdefault(row["urn"], dict(row))
    return found


def search_schools(session: Session, text: str, limit: int = 50, open_only: bool = True) -> list[dict[str, Any]]:
    """Schools whose name, URN or postcode contains every typed word, open ones first, by name."""
    t = mapped_table(OrganisationRow)
    where = [t.c.deleted.is_(False), t.c.kind == "school"]
    for word in text.split():
        like = f"%{word.replace('%', '').replace('_', '')}%"
        where.append(or_(t.c.name.ilike(like), t.c.urn.ilike(like), t.c.postcode.ilike(like)))
    if open_only:
        where.append(or_(t.c.establishment_status.is_(None), ~t.c.establishment_status.ilike("closed%")))
    names = ("id", "name", "urn", "la_code", "phase", "establishment_type", "postcode", "establishment_status")
    query = select(*(t.c[n] for n in names)).where(*where).order_by(t.c.name).limit(limit)
    return [dict(row) for row in session.execute(query).mappings()]
