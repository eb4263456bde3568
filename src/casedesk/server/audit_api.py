"""The audit's endpoints: a child's access log, read by a device whose organisation sees the child.

Kept apart from `app` so the sync endpoints stay short; `add_routes` is called once by `create_app` with the
device dependency it uses, so every endpoint here checks the device token the same way.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query

from casedesk.server.auth import AuthFailure
from casedesk.server.db import ServerDB, access
from casedesk.sync.wire import UUID_PATTERN
from casedesk.sync.wire_audit import AccessEntry, AccessLogResponse


def not_shared(child_id: str) -> AuthFailure:
    """The same answer for a child the server does not hold and one the organisation does not see, so a device
    cannot learn which children exist elsewhere."""
    return AuthFailure("not_found", f"No child {child_id} is shared with your organisation.", status=404)


def entry(row: dict[str, Any]) -> AccessEntry:
    return AccessEntry(
        at=row["at"].isoformat(),
        last_at=row["last_at"].isoformat(),
        kind=row["kind"],
        items=row["items"],
        basis=row["basis"],
        override_id=row["override_id"],
        device_id=row["device_id"],
        device_name=row["device_name"],
        username=row["username"],
        organisation_id=row["org_id"],
        organisation=row["organisation"],
    )


def add_routes(app: FastAPI, store: ServerDB, current_device: Callable[..., Any]) -> None:
    Device = Annotated[Any, Depends(current_device)]

    @app.get("/v1/access-log", response_model=AccessLogResponse)
    def access_log(
        device: Device,
        child_id: Annotated[str, Query(pattern=UUID_PATTERN, description="the child whose log to read")],
    ) -> AccessLogResponse:
        """Which devices received this child's records, when and on what basis, newest first."""
        with store.read() as conn:
            if not access.sees(conn, device.org_id, child_id):
                raise not_shared(child_id)
            rows = access.for_child(conn, child_id)
        return AccessLogResponse(child_id=child_id, entries=[entry(r) for r in rows])
