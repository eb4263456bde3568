"""The audit's endpoints: a child's access log, read by a device whose organisation sees the child, and
break-glass overrides (asked for, listed, decided, ended).

Kept apart from `app` so the sync endpoints stay short; `add_routes` is called once by `create_app` with the
device dependency it uses, so every endpoint here checks the device token the same way.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query

from casedesk.server.auth import AuthFailure, answers
from casedesk.server.db import ServerDB, access, breakglass
from casedesk.sync.wire import UUID_PATTERN
from casedesk.sync.wire_audit import (
    AccessEntry,
    AccessLogResponse,
    OverrideAsk,
    OverrideDecision,
    OverrideInfo,
    OverrideList,
)


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

    @app.get("/v1/access-log", response_model=AccessLogResponse, responses=answers(404))
    def access_log(
        device: Device,
        child_id: Annotated[str, Query(pattern=UUID_PATTERN, description="the child whose log to read")],
    ) -> AccessLogResponse:
        """Which devices received this child's records, when and on what basis, newest first."""
        with store.read() as conn:
            if not access.sees(conn, device.org_id, child_id):
                raise not_shared(child_id)
            rows = access.for_child(conn, child_id)
        about = breakglass.for_child(store, child_id, device.org_id)
        return AccessLogResponse(
            child_id=child_id, entries=[entry(r) for r in rows], overrides=[override_info(r) for r in about]
        )


def override_info(row: dict[str, Any]) -> OverrideInfo:
    def when(key: str) -> str | None:
        return row[key].isoformat() if row[key] is not None else None

    return OverrideInfo(
        id=row["id"],
        child_id=row["child_id"],
        child=row["child"],
        org_id=row["org_id"],
        organisation=row["organisation"],
        owner_org=row["owner_org"],
        owner=row["owner"],
        username=row["username"],
        device_id=row["device_id"],
        device_name=row["device_name"],
        categories=list(row["categories"]),
        reason=row["reason"],
        detail=row["detail"],
        mode=row["mode"],
        state=row["state"],
        requested_at=row["requested_at"].isoformat(),
        decided_at=when("decided_at"),
        decided_by=row["decided_by"],
        decision_note=row["decision_note"],
        expires_at=when("expires_at"),
        ended_at=when("ended_at"),
    )


def add_override_routes(app: FastAPI, store: ServerDB, current_device: Callable[..., Any]) -> None:
    """Break-glass overrides: ask, list (one's own, and the lead's queue), decide, end early."""
    Device = Annotated[Any, Depends(current_device)]
    rules = breakglass.policy()  # a bad policy setting stops the server at start, not at the first request

    def listed(device: Any, child_id: str | None = None) -> OverrideList:
        found = breakglass.listing(store, device, child_id)
        return OverrideList(
            policy=rules.describe(),
            mode=rules.mode.value,
            hours=rules.hours,
            mine=[override_info(r) for r in found.mine],
            to_decide=[override_info(r) for r in found.to_decide],
        )

    def one(device: Any, override_id: str) -> OverrideInfo:
        found = breakglass.listing(store, device)
        for row in (*found.mine, *found.to_decide):
            if row["id"] == override_id:
                return override_info(row)
        raise not_found_override(override_id)

    @app.get("/v1/overrides", response_model=OverrideList)
    def list_overrides(
        device: Device,
        child_id: Annotated[str | None, Query(pattern=UUID_PATTERN)] = None,
    ) -> OverrideList:
        """This user's requests (for one child, if given) and, for a safeguarding lead, those about the
        organisation's records, with the server's override policy in words."""
        return listed(device, child_id)

    @app.post("/v1/overrides/ask", response_model=OverrideInfo, responses=answers(404, 409))
    def ask_override(body: OverrideAsk, device: Device) -> OverrideInfo:
        """Ask for what is withheld of one child: granted at once or queued for the owning lead, by policy."""
        return one(device, breakglass.ask(store, device, body, rules))

    @app.post("/v1/overrides/{override_id}/decision", response_model=OverrideInfo, responses=answers(404, 409))
    def decide_override(
        override_id: Annotated[str, Path(pattern=UUID_PATTERN)], body: OverrideDecision, device: Device
    ) -> OverrideInfo:
        breakglass.decide(store, device, override_id, body.approve, body.note, rules)
        return one(device, override_id)

    @app.post("/v1/overrides/{override_id}/end", response_model=OverrideInfo, responses=answers(404, 409))
    def end_override(override_id: Annotated[str, Path(pattern=UUID_PATTERN)], device: Device) -> OverrideInfo:
        breakglass.end(store, device, override_id)
        return one(device, override_id)


def not_found_override(override_id: str) -> AuthFailure:
    return AuthFailure("not_found", f"No override {override_id} of yours or of your organisation.", status=404)
