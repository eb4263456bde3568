"""Sending a device some of its children again, on its asking (`POST /v1/resend`).

When a changed agreement or role re-sends a child (a purge, then the child as the new policy allows) while the
device still holds a change for it, the device must push that change before it purges. It keeps the child
meanwhile and, once the change is pushed, asks for the child again here: a purge and the child's rows as the policy
allows at that moment, or only the purge if its organisation no longer sees the child. Without this, the purge
it made late would leave the device without a child it should hold (the re-send had already gone by).
"""

# No `from __future__ import annotations` here: FastAPI reads the route's annotations at run time.
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header
from sqlalchemy import Connection, select

from casedesk.server.db import ServerDB, access, org_scope, pulls
from casedesk.sync.wire import PullItem, PullResponse, ResendRequest


def resend(
    conn: Connection, who: pulls.Receiver, children: list[str], delivered: Counter[str] | None = None
) -> PullResponse:
    """Each child as a purge and, if the receiver's organisation sees it and its role receives case records, the
    child's rows as the policy allows now. The answer's cursor means nothing: the device keeps its own."""
    seen = set(
        conn.execute(
            select(org_scope.c.child_id).where(
                org_scope.c.org_id == who.org_id,
                org_scope.c.visible.is_(True),
                org_scope.c.child_id.in_(children),
            )
        ).scalars()
    )
    items: list[PullItem] = []
    for child_id in dict.fromkeys(children):
        items.append(PullItem(kind="purge", entity="children", row_id=child_id))
        if child_id in seen and who.view is not None:
            sent = pulls.child_snapshot(conn, who, child_id)
            items += sent
            if delivered is not None:
                pulls.count_records(delivered, child_id, sent)
    return PullResponse(items=items, cursor=0, has_more=False)


def add_routes(
    app: FastAPI,
    store: ServerDB,
    current_device: Callable[..., Any],
    receiver: Callable[[Connection, Any], pulls.Receiver],
) -> None:
    Device = Annotated[Any, Depends(current_device)]

    @app.post("/v1/resend", response_model=PullResponse)
    def resend_children(
        body: ResendRequest, device: Device, x_casedesk_round: Annotated[str, Header(max_length=36)] = ""
    ) -> PullResponse:
        delivered: Counter[str] = Counter()  # for the access log, like any pull
        with store.read() as conn:
            answer = resend(conn, receiver(conn, device), body.children, delivered)
        access.record(store, device, access.round_of(x_casedesk_round), "pull", delivered)
        return answer
