"""Users' roles on the server (`casedesk.domain.roles`): set by an administrator, enforced on every push and pull.

A role decides which view of its organisation's children a user's devices receive. When a change of role changes
that view, each of the user's devices is marked: its next pulls (after it has pushed what it was holding, as every
round does) answer, a few children a page, with a purge of each child it sees and the child again as the new role
allows, then carry on with the feed where the device left it. Should an answer be lost, the round's digest no
longer matches and the ordinary targeted resync repairs the difference.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from casedesk.domain import roles
from casedesk.server.db import ServerDB, devices, orgs, users
from casedesk.server.db.accounts import AdminError


def set_role(store: ServerDB, username: str, role: str) -> tuple[str, int]:
    """Give a user a role; returns the role they had and how many of their devices will receive everything
    again (those whose view the change alters)."""
    try:
        new = roles.parse(role)
    except ValueError as exc:
        raise AdminError(f"Cannot set the role: {exc}.") from None
    with store.write() as conn:
        user = conn.execute(
            select(users.c.id, users.c.role, orgs.c.kind)
            .outerjoin(orgs, orgs.c.id == users.c.org_id)
            .where(users.c.username == username)
        ).first()
        if user is None:
            raise AdminError(f"No user called {username!r}.")
        old = roles.parse(user.role)
        conn.execute(update(users).where(users.c.id == user.id).values(role=new.value))
        reset = 0
        if roles.view_of(old, user.kind or "") != roles.view_of(new, user.kind or ""):
            reset = resend(conn, username)
    return old.value, reset


def list_users(store: ServerDB) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            select(users.c.username, users.c.role, users.c.manages_directory, orgs.c.name.label("organisation"))
            .outerjoin(orgs, orgs.c.id == users.c.org_id)
            .order_by(orgs.c.name, users.c.username)
        ).all()
    return [{**dict(r._mapping), "role": roles.parse(r.role).value} for r in rows]


def resync_progress(conn: Connection, device_id: str, after: str | None) -> None:
    """The children up to `after` were sent again (None: all of them; the device holds what its role allows)."""
    conn.execute(update(devices).where(devices.c.device_id == device_id).values(resync_from=after))


def resend(conn: Connection, username: str) -> int:
    """Send a user's devices their children again as the policy now allows them (after a role change, or when a
    grant to that user begins or ends); returns how many devices were marked."""
    user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
    if user_id is None:
        return 0
    done = conn.execute(
        update(devices).where(devices.c.user_id == user_id, devices.c.revoked_at.is_(None)).values(resync_from="")
    )
    return done.rowcount or 0
