"""When a directory entry is due for review: each service is checked with its provider once a year.

A service's entry is current for `REVIEW_EVERY_DAYS` after its last review; from `DUE_SOON_DAYS` before that it is
due, and after it overdue. An entry never reviewed is overdue. The due-for-review list shows the overdue first,
then the soonest due, each with who owns the review, so the warning on a service means something.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from casedesk.domain.directory.model import Service

REVIEW_EVERY_DAYS = 365
DUE_SOON_DAYS = 30
CURRENT, DUE, OVERDUE = "current", "due", "overdue"


@dataclass(frozen=True)
class ReviewLine:
    service: Service
    state: str
    due_on: date | None  # None: never reviewed

    @property
    def text(self) -> str:
        owner = f" · owner: {self.service.review_owner}" if self.service.review_owner else " · no owner recorded"
        if self.due_on is None:
            return f"{self.service.name}: never reviewed{owner}"
        when = f"{self.due_on.day} {self.due_on:%B %Y}"
        verb = "was due" if self.state == OVERDUE else "due"
        return f"{self.service.name}: {verb} {when}{owner}"


def review_due_on(service: Service) -> date | None:
    return None if service.last_reviewed is None else service.last_reviewed + timedelta(days=REVIEW_EVERY_DAYS)


def review_state(service: Service, today: date) -> str:
    due = review_due_on(service)
    if due is None or due < today:
        return OVERDUE
    return DUE if due <= today + timedelta(days=DUE_SOON_DAYS) else CURRENT


def due_for_review(services: Iterable[Service], today: date) -> list[ReviewLine]:
    """Services overdue or due within `DUE_SOON_DAYS`, overdue (and never reviewed) first, then by due date."""
    lines = [ReviewLine(s, review_state(s, today), review_due_on(s)) for s in services]
    wanted = [line for line in lines if line.state != CURRENT]
    return sorted(wanted, key=lambda line: (line.due_on or date.min, line.service.name.lower()))
