"""Demo review dates: most services reviewed recently, a few due soon, one overdue, each with an owner.

The bundled sample directory carries fixed review dates from when it was written, which a demo made later would
show as all over a year old, so the warning would mean nothing. The demo sets them relative to its own today,
deterministically by the services' names.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from casedesk.domain.directory.oruk_export import service_to_oruk3
from casedesk.domain.directory.oruk_map import service_from_oruk3
from casedesk.domain.directory.reviews import DUE_SOON_DAYS, REVIEW_EVERY_DAYS
from casedesk.store import directory_repo
from casedesk.store.database import Database

DUE_SOON = 3  # services due for review within the month
OVERDUE_AGE = REVIEW_EVERY_DAYS + 45


def review_age(position: int, count: int) -> int:
    """Days since the last review of the service at `position` (by name) of `count`."""
    if position == count // 2:
        return OVERDUE_AGE
    if position % max(count // DUE_SOON, 1) == 1 and position < DUE_SOON * max(count // DUE_SOON, 1):
        return REVIEW_EVERY_DAYS - DUE_SOON_DAYS + 5 + position % 20
    return 14 + (position * 37) % 240


def set_demo_review_dates(db: Database, today: date, author: str) -> int:
    """Give every stored service a review date and owner relative to `today`; returns how many changed."""
    changed = 0
    with db.unit_of_work(author) as uow:
        stored = sorted(directory_repo.list_services(uow.session), key=lambda s: (s.name.lower(), s.id))
        for position, row in enumerate(stored):
            service = service_from_oruk3(row.document)
            owner = service.review_owner or (
                f"{service.organization.name} (directory contact)" if service.organization else "Directory team"
            )
            reviewed = today - timedelta(days=review_age(position, len(stored)))
            updated = replace(service, last_reviewed=reviewed, review_owner=owner)
            if updated != service:
                document = json.loads(json.dumps(service_to_oruk3(updated)))
                uow.update("services", row.id, {"document": document, "last_reviewed": reviewed})
                changed += 1
    return changed
