"""The chronology entry every casework record (and a status or involvement changing) writes beside itself, in the
same unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from casedesk.domain.schema import STATUS_CATEGORIES, Category
from casedesk.domain.vocab import EventKind, InvolvementRole, Significance, StatusKind, label_of
from casedesk.store import repositories as repo
from casedesk.store.database import Database

# A record dated by day is placed at midday UTC in the chronology: the same calendar day in UK time all year.
MIDDAY = time(12)


def moment_of(day: date | datetime) -> datetime:
    if isinstance(day, datetime):
        return day
    return datetime.combine(day, MIDDAY, UTC)


def chronicle(
    uow: Any,
    author: str,
    child_id: str,
    *,
    kind: str,
    category: str,
    summary: str,
    on: date | datetime,
    body: str | None = None,
    significance: str = Significance.ROUTINE.value,
    organisation_id: str | None = None,
    related_id: str | None = None,
) -> str:
    """Append the chronology entry that records a casework change; returns its id."""
    return str(
        uow.insert(
            "events",
            {
                "child_id": child_id,
                "kind": kind,
                "category": category,
                "summary": summary[:300],
                "body": body,
                "occurred_at": moment_of(on),
                "recorded_at": datetime.now(UTC),
                "author": author,
                "significance": significance,
                "organisation_id": organisation_id,
                "related_id": related_id,
            },
        )
    )


def chronicle_status(uow: Any, author: str, child_id: str, kind: str, row_id: str, words: str, on: date) -> None:
    """A status period starting or ending ("Child in need from 01 Mar 2026"), filed under the status's category."""
    category = STATUS_CATEGORIES.get(kind)
    chronicle(
        uow,
        author,
        child_id,
        kind=EventKind.STATUS_CHANGE,
        on=on,
        related_id=row_id,
        category=category.value if category else Category.GENERAL.value,
        summary=f"{label_of(StatusKind, kind)} {words}",
    )


def chronicle_involvement(
    db: Database, uow: Any, author: str, child_id: str, row_id: str, values: dict[str, Any], words: str, on: date
) -> None:
    """An agency or named worker starting, changing or ending is part of the child's story."""
    with db.session() as session:
        org = repo.organisations(session, [values["organisation_id"]]).get(values["organisation_id"])
        worker = repo.workers(session, [values["worker_id"]]).get(values["worker_id"]) if values["worker_id"] else None
    role = label_of(InvolvementRole, values["role"])
    who = f"{worker.name} ({role})" if worker else role
    chronicle(
        uow,
        author,
        child_id,
        kind=EventKind.INVOLVEMENT,
        category=Category.GENERAL,
        on=on,
        summary=f"Involvement {words}: {who}, {org.name if org else 'unknown organisation'}",
        organisation_id=values["organisation_id"],
        related_id=row_id,
    )
