"""Who may see what: the one place the server decides which children an organisation's devices receive.

Today's rule (issue 4, issue 11): an organisation sees a child it is involved with — it has an involvement
record for the child that is neither deleted nor ended — and the organisation that recorded the child sees it
until it records an involvement of its own, from when on its involvements decide. An involvement ends on its end
date; the organisation keeps seeing the child for the grace period the policy sets (days after the end date,
`CASEDESK_ENDED_INVOLVEMENT_GRACE_DAYS`, default none), then its devices purge it. Shared directory entries
(organisations, workers) are seen by everyone. *What* of a visible child's record an organisation receives is not
decided here but by `casedesk.domain.sharing` (`allowed_for` and `redact`), the one place every disclosure goes
through.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

GRACE_ENV = "CASEDESK_ENDED_INVOLVEMENT_GRACE_DAYS"


def grace_days() -> int:
    """Days an organisation keeps a child after its involvement's end date (the server's policy setting)."""
    raw = os.environ.get(GRACE_ENV, "").strip()
    return max(0, int(raw)) if raw.isdigit() else 0


def today() -> date:
    return datetime.now(UTC).date()


def ends_after(involvement: Mapping[str, Any], grace: int) -> date | None:
    """The last day an involvement still shares its child, or None while it has no end date."""
    raw = involvement["data"].get("end_date")
    if not raw:
        return None
    try:
        end = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        return None  # not a date the server would have stored; never let it hide a child by accident
    return end + timedelta(days=grace)


def visible_orgs(
    created_by_org: str | None,
    involvements: Iterable[Mapping[str, Any]],
    *,
    on: date | None = None,
    grace: int | None = None,
) -> set[str]:
    """The organisations that may see a child on day `on` (today), given its creating organisation and its
    involvement records. Each involvement is a mapping with the record's `data` and its `deleted` flag."""
    on = on or today()
    grace = grace_days() if grace is None else grace
    involved_ever: set[str] = set()
    live: set[str] = set()
    for involvement in involvements:
        org = involvement["data"].get("organisation_id")
        if not org:
            continue
        involved_ever.add(org)
        last_day = ends_after(involvement, grace)
        if not involvement["deleted"] and (last_day is None or on <= last_day):
            live.add(org)
    if created_by_org and created_by_org not in involved_ever:
        live.add(created_by_org)
    return live
