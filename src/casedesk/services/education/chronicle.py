"""The chronology entry each education record writes in the same unit of work, pointing at it (`related_id`).

One helper so every entry has the same shape: the education category, the date it happened at nine in the
morning (a school day's start: these records carry dates, not times), the acting user as author.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from casedesk.domain.schema import Category
from casedesk.domain.vocab import EventKind, Significance
from casedesk.store.uow import UnitOfWork


def chronicle(
    uow: UnitOfWork,
    child_id: str,
    kind: EventKind,
    on: date,
    summary: str,
    *,
    related_id: str,
    body: str | None = None,
    organisation_id: str | None = None,
    significance: Significance = Significance.NOTABLE,
) -> str:
    return uow.insert(
        "events",
        {
            "child_id": child_id,
            "kind": kind.value,
            "occurred_at": datetime.combine(on, time(9), UTC),
            "recorded_at": uow.now,
            "author": uow.author,
            "organisation_id": organisation_id,
            "category": Category.EDUCATION.value,
            "significance": significance.value,
            "summary": summary[:300],
            "body": (body or "").strip() or None,
            "related_id": related_id,
        },
    )
