"""A child's meetings and plans for the subject access export, each row through `domain.sharing.redact`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from casedesk.domain import sharing
from casedesk.store import meetings_repo as mrepo


def child_records(session: Any, child_id: str, allowed: sharing.Allowed) -> dict[str, list[dict[str, Any]]]:
    """Every meeting part, plan, outcome, action and note of the child, with the headers of its meetings."""
    out: dict[str, list[dict[str, Any]]] = {}
    for record_type, entity in mrepo.ENTITY_OF.items():
        if entity == "meetings":
            continue
        held: list[Any] = mrepo.rows(session, record_type, child_id=child_id)
        rows = (sharing.Shared(entity, asdict(r)) for r in held)
        out[entity] = [dict(r.values) for r in sharing.redact_all(rows, allowed)]
    ids = {row["meeting_id"] for entity in ("meeting_items", "plans") for row in out[entity] if row["meeting_id"]}
    headers = (sharing.Shared("meetings", asdict(m)) for m in mrepo.meetings(session, ids).values())
    out["meetings"] = [dict(r.values) for r in sharing.redact_all(headers, allowed)]
    return out
