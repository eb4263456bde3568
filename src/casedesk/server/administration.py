"""Administration over the API, for an organisation's administrators: its users and devices with when each last
synced, revoking a device, issuing an enrolment code — what `casedesk-server admin` does, limited to the
administrator's own organisation, refused for everyone else, and every call (refusals included) written to the
administration audit (`admin_audit`) with who, from which device, what and on whom.

Whether a user administers is decided in one place, `casedesk.server.auth.is_administrator`.
"""

# No `from __future__ import annotations` here: FastAPI reads the routes' annotations at run time, and `Device`
# is local to `add_routes`.
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI
from sqlalchemy import Connection, insert, select, update

from casedesk.domain.ids import new_id
from casedesk.server.auth import AuthFailure, answers, is_administrator
from casedesk.server.db import ServerDB, admin_audit, devices, orgs, users
from casedesk.server.db.accounts import AdminError, issue_code
from casedesk.sync.wire import Account, AdminDevice, AdminOverview, AdminUser, CodeIssued, CodeRequest

COMMAND_LINE = "(command line)"
NOT_ADMINISTRATOR = "Only your organisation's CaseDesk administrators can do this."


def not_administrator() -> AuthFailure:
    return AuthFailure("not_administrator", NOT_ADMINISTRATOR, 403)


def record(
    conn: Connection,
    *,
    org_id: str | None,
    actor: str,
    action: str,
    target: str = "",
    outcome: str = "done",
    device_id: str | None = None,
) -> None:
    """One line of the administration audit: who did what to whom, from where, and whether it was allowed."""
    conn.execute(
        insert(admin_audit).values(
            id=new_id(),
            at=datetime.now(UTC),
            org_id=org_id,
            actor=actor,
            device_id=device_id,
            action=action,
            target=target[:200],
            outcome=outcome,
        )
    )


def audited(conn: Connection, device: Any, action: str, target: str = "", outcome: str = "done") -> None:
    """`record` for a call an enrolled device made, in its user's name."""
    record(
        conn,
        org_id=device.org_id,
        actor=device.username,
        device_id=device.device_id,
        action=action,
        target=target,
        outcome=outcome,
    )


def require(
    store: ServerDB,
    device: Any,
    action: str,
    may: Callable[[Any], bool],
    refusal: AuthFailure,
    target: str = "",
) -> None:
    """Let the call on when `may(user)` holds for the device's user; otherwise audit the refusal and raise it."""
    with store.read() as conn:
        user = conn.execute(select(users).where(users.c.id == device.user_id)).first()
    if user is not None and may(user):
        return
    with store.write() as conn:
        audited(conn, device, action, target, "refused")
    raise refusal


def audit_log(store: ServerDB, org_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The newest entries first (for `casedesk-server admin audit`)."""
    query = select(admin_audit).order_by(admin_audit.c.at.desc()).limit(limit)
    if org_id:
        query = query.where(admin_audit.c.org_id == org_id)
    with store.read() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def overview(conn: Connection, org_id: str) -> AdminOverview:
    """The organisation's users and devices, each with when it last synced (a device's last contact)."""
    name = conn.execute(select(orgs.c.name).where(orgs.c.id == org_id)).scalar() or ""
    device_rows = conn.execute(
        select(devices, users.c.username)
        .join(users, users.c.id == devices.c.user_id)
        .where(users.c.org_id == org_id)
        .order_by(users.c.username, devices.c.enrolled_at)
    ).all()
    listed = [
        AdminDevice(
            device_id=d.device_id,
            name=d.name,
            username=d.username,
            enrolled_at=_iso(d.enrolled_at) or "",
            last_sync=_iso(d.last_seen_at),
            revoked_at=_iso(d.revoked_at),
        )
        for d in device_rows
    ]
    people = []
    for user in conn.execute(select(users).where(users.c.org_id == org_id).order_by(users.c.username)):
        own = [d for d in listed if d.username == user.username]
        active = [d for d in own if d.revoked_at is None]
        seen = [d.last_sync for d in own if d.last_sync]
        people.append(
            AdminUser(
                username=user.username,
                administrator=is_administrator(user),
                created_at=_iso(user.created_at) or "",
                devices=len(active),
                last_sync=max(seen) if seen else None,
            )
        )
    return AdminOverview(organisation=name, users=people, devices=listed)


def revoke(conn: Connection, org_id: str, device_id: str) -> AdminDevice:
    """Revoke a device of this organisation; it erases its CaseDesk data at its next contact."""
    found = conn.execute(
        select(devices.c.device_id, devices.c.revoked_at)
        .join(users, users.c.id == devices.c.user_id)
        .where(devices.c.device_id == device_id, users.c.org_id == org_id)
    ).first()
    if found is None:
        raise AuthFailure("not_found", "No such device in your organisation.", 404)
    if found.revoked_at is None:
        conn.execute(update(devices).where(devices.c.device_id == device_id).values(revoked_at=datetime.now(UTC)))
    return next(d for d in overview(conn, org_id).devices if d.device_id == device_id)


def code_for(conn: Connection, org_id: str, request: CodeRequest) -> CodeIssued:
    """A one-time enrolment code for a user of this organisation (never for another organisation's user)."""
    user_id = conn.execute(
        select(users.c.id).where(users.c.username == request.username, users.c.org_id == org_id)
    ).scalar()
    if user_id is None:
        raise AuthFailure("not_found", f"No user called {request.username!r} in your organisation.", 404)
    code = issue_code(conn, user_id, request.hours)
    expires = datetime.now(UTC) + timedelta(hours=request.hours)
    return CodeIssued(username=request.username, code=code, expires_at=_iso(expires) or "")


def add_routes(app: FastAPI, store: ServerDB, current_device: Callable[..., Any]) -> None:
    """The account and administration endpoints, behind the same device token as sync."""
    Device = Annotated[Any, Depends(current_device)]

    def administrator(device: Any, action: str, target: str = "") -> None:
        """Refuse (and audit the refusal) unless the device's user administers their organisation."""
        require(store, device, action, is_administrator, not_administrator(), target)

    @app.get("/v1/me", response_model=Account)
    def me(device: Device) -> Account:
        """Who this device acts for, and whether they administer their organisation (the app shows its
        Administration page only then)."""
        with store.read() as conn:
            user = conn.execute(select(users).where(users.c.id == device.user_id)).first()
        return Account(
            username=device.username,
            organisation_id=device.org_id,
            administrator=user is not None and is_administrator(user),
        )

    @app.get("/v1/admin/overview", response_model=AdminOverview)
    def admin_overview(device: Device) -> AdminOverview:
        administrator(device, "list")
        with store.write() as conn:
            audited(conn, device, "list")
            return overview(conn, device.org_id)

    @app.post("/v1/admin/devices/{device_id}/revoke", response_model=AdminDevice, responses=answers(404))
    def admin_revoke(device_id: str, device: Device) -> AdminDevice:
        administrator(device, "revoke_device", device_id)
        with store.write() as conn:
            revoked = revoke(conn, device.org_id, device_id)
            audited(conn, device, "revoke_device", device_id)
            return revoked

    @app.post("/v1/admin/enrolment-codes", response_model=CodeIssued, responses=answers(404))
    def admin_code(body: CodeRequest, device: Device) -> CodeIssued:
        administrator(device, "enrolment_code", body.username)
        with store.write() as conn:
            issued = code_for(conn, device.org_id, body)
            audited(conn, device, "enrolment_code", body.username)
            return issued


def set_administrator(store: ServerDB, username: str, on: bool) -> None:
    """Let a user administer their organisation from the app, or stop them (`admin set-administrator`)."""
    with store.write() as conn:
        done = conn.execute(update(users).where(users.c.username == username).values(is_admin=on))
        if done.rowcount == 0:
            raise AdminError(f"No user called {username!r}.")


def set_directory_manager(store: ServerDB, username: str, on: bool) -> None:
    """Let a user edit and publish the area's directory, needs taxonomy and guidance, or stop them (`admin user
    directory-manager`); administrators may already. Their devices learn it at the next sync."""
    with store.write() as conn:
        done = conn.execute(update(users).where(users.c.username == username).values(manages_directory=on))
        if done.rowcount == 0:
            raise AdminError(f"No user called {username!r}.")


_COMMANDS = {  # the command line's actions that are audited: action name, and the argument naming the target
    "create-user": ("create_user", "username"),
    "enrolment-code": ("enrolment_code", "username"),
    "revoke-device": ("revoke_device", "device_id"),
}


def audit_command(store: ServerDB, action: str, args: dict[str, Any]) -> None:
    """Audit an administration command that succeeded (run by whoever holds the server's database)."""
    if action == "set-administrator":
        name, target = ("unset_administrator" if args.get("off") else "set_administrator"), str(args["username"])
    elif action in _COMMANDS:
        name, argument = _COMMANDS[action]
        target = str(args[argument])
    else:
        return
    with store.write() as conn:
        org_id = conn.execute(
            select(users.c.org_id)
            .select_from(users.outerjoin(devices, devices.c.user_id == users.c.id))
            .where((users.c.username == target) | (devices.c.device_id == target))
            .limit(1)
        ).scalar()
        record(conn, org_id=org_id, actor=COMMAND_LINE, action=name, target=target)


def format_audit(entries: list[dict[str, Any]]) -> str:
    lines = [
        f"{_iso(e['at'])}  {e['actor']:<24} {e['action']:<20} {e['target']:<36} {e['outcome']}"
        + (f"  from device {e['device_id']}" if e["device_id"] else "")
        for e in entries
    ]
    return "\n".join(lines) if lines else "No administration recorded yet."
