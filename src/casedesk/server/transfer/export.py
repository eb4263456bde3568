"""Export one child's record for another area, as the agreements allow that area to see it.

The receiving area is an organisation on this server (`admin create-org "Northshire Council" --kind
local_authority`), so the information-sharing agreements naming it decide what it receives, exactly as they
decide what any organisation's devices pull (`policies.view_values`, i.e. `domain.sharing.redact`): a withheld
row is left out and counted by category, a withheld field is left out, a restricted entry never leaves. Only the
record types that make sense in another area travel (`TRANSFERRED`: the child, statuses, the chronology, casework
and multi-agency plans with their outcomes, actions and reviews); who was involved here, the school history, the
meetings and the attendance travel as history — names, dates, decisions and counts (`history`).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from casedesk.domain import roles
from casedesk.domain.schema import CATALOGUE
from casedesk.server.db import policies, records
from casedesk.server.transfer.history import history

# the record types another area can hold: the child, statuses, the chronology, the casework records and plans
TRANSFERRED = (
    "children",
    "status_periods",
    "events",
    "ehc_plans",
    "peps",
    "youth_justice_outcomes",
    "plans",
    "plan_outcomes",
    "plan_actions",
    "plan_notes",
)
CONTEXT = ("involvements",)  # read for the names of who was involved, never sent as records


class TransferError(ValueError):
    """Nothing was exported or imported; the message says why."""


def _names(conn: Connection, entity: str, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(records.c.row_id, records.c.data).where(records.c.entity == entity, records.c.row_id.in_(ids))
    return {row_id: str(data.get("name") or "") for row_id, data in conn.execute(query)}


def export_payload(conn: Connection, child_id: str, to_org: str, from_area: str) -> dict[str, Any]:
    """The package payload: the child's rows the receiving organisation may see, and the names they refer to."""
    child = conn.execute(
        select(records).where(
            records.c.entity == "children", records.c.row_id == child_id, records.c.deleted.is_(False)
        )
    ).first()
    if child is None:
        raise TransferError(f"No child with id {child_id} on this server.")
    policy = policies.load(conn)
    if policy.orgs(to_org) is None:
        raise TransferError(f"No organisation with id {to_org}: create the receiving area's organisation first.")
    query = select(records).where(
        records.c.child_id == child_id, records.c.deleted.is_(False), records.c.entity.in_(TRANSFERRED + CONTEXT)
    )
    rows, withheld, involved = [], Counter[str](), []
    org_ids: set[str] = set()
    worker_ids: set[str] = set()
    for r in conn.execute(query.order_by(records.c.created_seq)).all():
        values = policies.view_values(policy, to_org, roles.FULL, r.entity, child_id, r.created_by_org, r.data)
        if values is None:
            withheld[str(CATALOGUE[r.entity].category_of(r.data).value)] += 1
            continue
        if r.entity in CONTEXT:
            involved.append(values)
            org_ids.add(str(values.get("organisation_id") or ""))
            worker_ids.add(str(values.get("worker_id") or ""))
            continue
        rows.append({"entity": r.entity, "row_id": r.row_id, "owner_org": r.created_by_org, "values": values})
        org_ids.update(str(values[k]) for k in ("organisation_id",) if values.get(k))
        worker_ids.update(str(values[k]) for k in ("worker_id", "officer_id", "case_manager_id") if values.get(k))
        if r.created_by_org:
            org_ids.add(r.created_by_org)
    orgs, workers = _names(conn, "organisations", org_ids - {""}), _names(conn, "workers", worker_ids - {""})
    past = history(conn, policy, to_org, child_id, withheld)
    return {
        **past,
        "child_id": child_id,
        "from_area": from_area,
        "exported_at": datetime.now(UTC).isoformat(),
        "rows": rows,
        "organisations": orgs,
        "workers": workers,
        "involved": [
            {
                "organisation": orgs.get(str(i.get("organisation_id")), ""),
                "worker": workers.get(str(i.get("worker_id") or ""), ""),
                "role": i.get("role"),
                "start_date": i.get("start_date"),
                "end_date": i.get("end_date"),
            }
            for i in involved
        ],
        "withheld": dict(withheld),
    }
