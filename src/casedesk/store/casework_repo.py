"""Read side for casework records: a child's EHC plans, PEPs and youth justice outcomes, or one of them."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.casework.records import EhcPlan, Pep, YouthJusticeOutcome
from casedesk.errors import NotFound
from casedesk.store.models import EhcPlanRow, PepRow, YouthJusticeOutcomeRow
from casedesk.store.repositories import to_record
from casedesk.store.tables import mapped_table

R = TypeVar("R")
# Each record type, its table and the date its rows are listed by (oldest first).
_SOURCES: dict[type, tuple[Any, str]] = {
    EhcPlan: (mapped_table(EhcPlanRow), "requested_on"),
    Pep: (mapped_table(PepRow), "held_on"),
    YouthJusticeOutcome: (mapped_table(YouthJusticeOutcomeRow), "outcome_on"),
}
ENTITY_OF: dict[type, str] = {EhcPlan: "ehc_plans", Pep: "peps", YouthJusticeOutcome: "youth_justice_outcomes"}


def for_child(session: Session, record_type: type[R], child_id: str) -> list[R]:
    table, order = _SOURCES[record_type]
    query = (
        select(table)
        .where(table.c.child_id == child_id, table.c.deleted.is_(False))
        .order_by(table.c[order], table.c.id)
    )
    return [to_record(record_type, row) for row in session.execute(query)]


def get(session: Session, record_type: type[R], row_id: str) -> R:
    table, _ = _SOURCES[record_type]
    row = session.execute(select(table).where(table.c.id == row_id, table.c.deleted.is_(False))).first()
    if row is None:
        raise NotFound(f"No {ENTITY_OF[record_type].replace('_', ' ')} record with id {row_id}.")
    return to_record(record_type, row)
