"""What a meeting's papers may show of a child: only what every attending organisation may see.

Each attending organisation's allowance comes from `domain.sharing.allowed_for` when it may see the child at all
(today: it is involved with the child on the day), else nothing; the papers show the part common to all of them,
and `sharing.redact` applies it to every record, so sharing agreements narrow the papers without a change here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from casedesk.domain import sharing
from casedesk.domain.records import Involvement
from casedesk.domain.schema import CATALOGUE, Category


def involved_on(involvements: Iterable[Involvement], day: date) -> set[str]:
    """The organisations with an involvement with the child on `day` (the device's view of who may see it)."""
    return {
        i.organisation_id for i in involvements if i.start_date <= day and (i.end_date is None or i.end_date >= day)
    }


def common(allowances: list[sharing.Allowed]) -> sharing.Allowed:
    """The grants every one of `allowances` holds, record type by record type (a category every record type has
    in all of them is granted for any record type)."""
    if not allowances:
        return sharing.NOTHING
    grants: set[tuple[str, Category]] = set()
    for category in Category:
        entities = [e for e in CATALOGUE if all(a.permits(e, category) for a in allowances)]
        if len(entities) == len(CATALOGUE):
            grants.add((sharing.ANY, category))
        else:
            grants.update((e, category) for e in entities)
    return sharing.Allowed(frozenset(grants))


def for_attendees(
    attending: Iterable[str], child_id: str, involvements: Iterable[Involvement], day: date
) -> sharing.Allowed:
    """What papers for a meeting of `attending` organisations may show of this child on `day`."""
    seeing = involved_on(involvements, day)
    orgs = sorted(set(attending))
    if not orgs or any(org not in seeing for org in orgs):
        return sharing.NOTHING
    return common([sharing.allowed_for(org, child_id) for org in orgs])
