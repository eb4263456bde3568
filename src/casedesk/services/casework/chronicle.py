"""The chronology entry every casework record writes beside itself, in the same unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from casedesk.domain.vocab import Significance

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
