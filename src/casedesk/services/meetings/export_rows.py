"""A child's meetings and plans for the subject access export, each row through `domain.sharing.redact`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from casedesk.domain import sharing
from casedesk.store import meetings_repo as mrepo


def child_records(
    session: Any, child_id: str, shown: Callable[[Iterable[sharing.Shared]], list[sharing.Shared]]
) -> dict[str, list[dict[str, Any]]]:
    """Every meeting part, plan, outcome, action and note of the child, with the headers of its meetings, as
    `shown` (a `redact_all` of the export's rules) lets them go."""
    out: dict[str, list[dict[str, Any]]] = {}
    for record_type, entity in mrepo.ENTITY_OF.items():
        if entity == "meetings":
            continue
        held: list[Any] = mrepo.rows(session, record_type, child_id=child_id)
        rows = (sharing.Shared(entity, asdict(r)) for r in held)
        out[entity] = [dict(r.values) for r in shown(rows)]
    ids = {row["meeting_id"] for entity in ("meeting_items", "plans") for row in out[entity] if row["meeting_id"]}
    headers = (sharing.Shared("meetings", asdict(m)) for m in mrepo.meetings(session, ids).values())
    out["meetings"] = [dict(r.values) for r in shown(headers)]
    return out
