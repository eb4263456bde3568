"""Read side of meetings and plans: plain records, never ORM objects.

A device holds every meeting header but only the children's parts (`meeting_items`) of children it may see, so
"the children discussed" at a meeting is always "the children discussed that this device may know of".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.meetings.records import (
    Meeting,
    MeetingItem,
    Plan,
    PlanAction,
    PlanNote,
    PlanOutcome,
    PlanRecords,
)
from casedesk.errors import NotFound
from casedesk.store.models import SYNCED_TABLES
from casedesk.store.repositories import _field_names
from casedesk.store.tables import mapped_table

R = TypeVar("R")

ENTITY_OF: dict[type, str] = {
    Meeting: "meetings",
    MeetingItem: "meeting_items",
    Plan: "plans",
    PlanOutcome: "plan_outcomes",
    PlanAction: "plan_actions",
    PlanNote: "plan_notes",
}
_ORDER: dict[type, tuple[str, ...]] = {
    Meeting: ("held_on", "id"),
    MeetingItem: ("meeting_id", "created_at", "id"),
    Plan: ("started_on", "id"),
    PlanOutcome: ("created_at", "id"),
    PlanAction: ("due_on", "created_at", "id"),
    PlanNote: ("written_at", "id"),
}


def rows(session: Session, record_type: type[R], **equal: Any) -> list[R]:
    """Records of one type whose fields equal the given values (a list value: any of them), in their order."""
    table = mapped_table(SYNCED_TABLES[ENTITY_OF[record_type]])
    where = [table.c.deleted.is_(False)]
    for name, value in equal.items():
        if isinstance(value, list | tuple | set | frozenset):
            where.append(table.c[name].in_(list(value)))
        else:
            where.append(table.c[name] == value)
    columns = [table.c[name] for name in _field_names(record_type)]
    query = select(*columns).where(*where).order_by(*(table.c[n] for n in _ORDER[record_type]))
    return [record_type(*row) for row in session.execute(query).all()]


def get(session: Session, record_type: type[R], row_id: str) -> R:
    found = rows(session, record_type, id=row_id)
    if not found:
        raise NotFound(f"No {ENTITY_OF[record_type][:-1].replace('_', ' ')} with id {row_id}.")
    return found[0]


def meetings(session: Session, ids: Iterable[str] | None = None) -> dict[str, Meeting]:
    found = rows(session, Meeting) if ids is None else rows(session, Meeting, id=list(ids))
    return {m.id: m for m in found}


def plan_records(session: Session, plan_id: str) -> PlanRecords:
    plan = get(session, Plan, plan_id)
    return PlanRecords(
        plan,
        rows(session, PlanOutcome, plan_id=plan_id),
        rows(session, PlanAction, plan_id=plan_id),
        rows(session, PlanNote, plan_id=plan_id),
    )
