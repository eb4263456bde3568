"""The administrators' audit across children, over the API (`GET /v1/audit/search`): the access log an
organisation's administrator or auditor may read — what its own devices received, and who received the records of
children it sees — filtered by child, user, organisation, action and dates, with the break-glass overrides asked by
or of the organisation in the same period. The app joins it with its own audit chain (`services.audit_search`).

Kept apart from `app` (one line there adds the route); a user whose role neither administers nor reads the audit is
refused with a clear answer.
"""

# No `from __future__ import annotations` here: FastAPI reads the route's annotations at run time.
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query

from casedesk.domain import roles
from casedesk.server import auth
from casedesk.server.audit_api import entry, override_info
from casedesk.server.db import ServerDB, access, breakglass
from casedesk.sync.wire import UUID_PATTERN
from casedesk.sync.wire_audit import AuditSearchEntry, AuditSearchResponse

LIMIT = 10_000


def may_read(device: Any) -> bool:
    return auth.is_administrator(device) or roles.may(getattr(device, "role", None), roles.Action.READ_AUDIT)


def search(store: ServerDB, device: Any, filters: access.Filters) -> AuditSearchResponse:
    """The entries the organisation may read, newest first: its devices' receipts, and any device's receipt of a
    child the organisation sees."""
    rows = access.search(store, filters)
    seen: dict[str, bool] = {}
    with store.read() as conn:
        for row in rows:
            if row["org_id"] != device.org_id and row["child_id"] not in seen:
                seen[row["child_id"]] = access.sees(conn, device.org_id, row["child_id"])
    shown = [r for r in rows if r["org_id"] == device.org_id or seen.get(r["child_id"])]
    since = datetime.combine(filters.since, time(), UTC) if filters.since else None
    about = [
        o
        for o in breakglass.report(store, None, since)
        if (o["org_id"] == device.org_id or o["owner_org"] == device.org_id)
        and (not filters.child_id or o["child_id"] == filters.child_id)
        and (not filters.until or o["requested_at"].date() <= filters.until)
        and (not filters.username or o["username"] == filters.username)
    ]
    return AuditSearchResponse(
        entries=[AuditSearchEntry(**entry(r).model_dump(), child_id=r["child_id"], child=r["child"]) for r in shown],
        overrides=[override_info(o) for o in about],
        truncated=len(rows) >= filters.limit,
    )


def add_routes(app: FastAPI, store: ServerDB, current_device: Callable[..., Any]) -> None:
    Device = Annotated[Any, Depends(current_device)]

    @app.get("/v1/audit/search", response_model=AuditSearchResponse)
    def audit_search(
        device: Device,
        child_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
        org_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
        username: Annotated[str | None, Query(max_length=200)] = None,
        since: date | None = None,
        until: date | None = None,
        limit: Annotated[int, Query(ge=1, le=LIMIT)] = LIMIT,
    ) -> AuditSearchResponse:
        """The access log across children for an administrator or auditor of the asking device's organisation."""
        if not may_read(device):
            raise auth.AuthFailure(
                "forbidden", "Only an administrator or an auditor reads the audit across children.", 403
            )
        if since and until and until < since:
            raise auth.AuthFailure("invalid_request", "until is before since.", 422)
        filters = access.Filters(
            child_id=child_id, org_id=org_id, username=username, since=since, until=until, limit=limit
        )
        return search(store, device, filters)
