"""Who may see what: the one place the server decides which children an organisation's devices receive.

Today's rule (issue 4): an organisation sees a child it is involved with — it has a live (not deleted)
involvement record for the child — and the organisation that recorded the child sees it until it records an
involvement of its own, from when on its involvements decide. Shared directory entries (organisations, workers)
are seen by everyone. Sharing agreements between organisations and data categories will refine
`visible_orgs` and `may_receive` here, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def visible_orgs(created_by_org: str | None, involvements: Iterable[Mapping[str, Any]]) -> set[str]:
    """The organisations that may see a child, given its creating organisation and its involvement records.

    Each involvement is a mapping with the record's `data` and its `deleted` flag.
    """
    involved_ever: set[str] = set()
    live: set[str] = set()
    for involvement in involvements:
        org = involvement["data"].get("organisation_id")
        if not org:
            continue
        involved_ever.add(org)
        if not involvement["deleted"]:
            live.add(org)
    if created_by_org and created_by_org not in involved_ever:
        live.add(created_by_org)
    return live


def may_receive(entity: str, child_visible: bool) -> bool:
    """Whether a row of `entity` goes to a device: directory rows always, a child's rows while it is visible."""
    return entity in {"organisations", "workers"} or child_visible
