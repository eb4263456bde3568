"""Sending a user's devices one child again: when an override for that child begins or ends, only that child's
record changes for them, so only it is purged and sent again as the policy now allows (not every child they see,
which a change of role needs: `user_roles.resend`).

`mark` queues the child on each of the user's live devices; the device's next pull takes the queue (`take`) and
answers with each child's purge and current rows before the feed goes on (`casedesk.server.resend.resend`, the
answer a device gets when it asks for children itself). Should that answer be lost, the round's digest — which
counts what the grants in force bring — finds the difference and repairs it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from casedesk.server.db import ServerDB, devices, users


def mark(conn: Connection, username: str, child_id: str) -> int:
    """Queue `child_id` on every live device of `username`; returns how many devices."""
    user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
    if user_id is None:
        return 0
    live = conn.execute(
        select(devices.c.device_id, devices.c.resend_children).where(
            devices.c.user_id == user_id, devices.c.revoked_at.is_(None)
        )
    ).all()
    for device_id, queued in live:
        children = list(queued or [])
        if child_id not in children:
            children.append(child_id)
        conn.execute(update(devices).where(devices.c.device_id == device_id).values(resend_children=children))
    return len(live)


def take(store: ServerDB, device: Any, queued_since: bool = False) -> list[str]:
    """The children queued for this device, emptying its queue. `device` is its `devices` row read for this
    request, holding the queue as it stood then: when that was empty nothing more is read, unless `queued_since`
    (this request itself may have queued some since: an override it expired). A child queued by another request
    after that read is taken by the next pull."""
    if not device.resend_children and not queued_since:
        return []
    device_id = device.device_id
    query = select(devices.c.resend_children).where(devices.c.device_id == device_id)
    with store.write() as conn:
        children = list(conn.execute(query).scalar() or [])
        if children:
            conn.execute(update(devices).where(devices.c.device_id == device_id).values(resend_children=None))
    return children
