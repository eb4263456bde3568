"""What the meeting and plan use cases share: the database and acting user, small checks, and the chronology
entry each child's part, plan change or finished action writes in the same unit of work (`related_id` names it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from casedesk.domain.schema import Category
from casedesk.domain.vocab import EventKind, Significance
from casedesk.errors import ValidationError
from casedesk.store.database import Database
from casedesk.store.uow import UnitOfWork

ENTRY_HOUR = time(10)  # meetings and plans carry dates, not times: their entries sit mid-morning of that day


class MeetingsBase:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor


def require(errors: list[tuple[str, str]], message: str = "Please correct the highlighted details.") -> None:
    if errors:
        raise ValidationError(message, errors)


def clean(value: Any) -> str | None:
    return (str(value).strip() or None) if value is not None else None


def chronicle(
    uow: UnitOfWork,
    child_id: str,
    kind: EventKind,
    on: date,
    summary: str,
    *,
    related_id: str,
    body: str | None = None,
    category: str = Category.GENERAL.value,
    organisation_id: str | None = None,
    significance: Significance = Significance.NOTABLE,
    amends_id: str | None = None,
) -> str:
    return uow.insert(
        "events",
        {
            "child_id": child_id,
            "kind": kind.value,
            "occurred_at": datetime.combine(on, ENTRY_HOUR, UTC),
            "recorded_at": uow.now,
            "author": uow.author,
            "organisation_id": organisation_id,
            "category": category,
            "significance": significance.value,
            "summary": summary[:300],
            "body": (body or "").strip() or None,
            "related_id": related_id,
            "amends_id": amends_id,
        },
    )
