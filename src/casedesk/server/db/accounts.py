"""Accounts and administration in the server database: organisations, users, codes, devices, tokens.

An organisation is also a synced directory record (entity `organisations`, same id), so every device learns
about it and can record involvements with it. Re-enrolling a device replaces its token, so the old one stops
working; a token only works together with its own device id.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from casedesk.domain import roles
from casedesk.domain.ids import new_id
from casedesk.server.auth import AuthFailure, digest, hash_password, new_code, normalise_code, verify_password
from casedesk.server.db import ServerDB, devices, enrolment_codes, feed, meta, orgs, records, tallies, users
from casedesk.server.db.cache import next_seq
from casedesk.sync.entities import ENTITIES


class AdminError(Exception):
    """An admin command that cannot be done; the message says why."""


def create_org(store: ServerDB, name: str, kind: str = "school", la_code: str | None = None) -> str:
    """An organisation (and its directory record); `la_code` is its local authority, which agreements with every
    organisation of a kind in one local authority match on."""
    if la_code is not None and not (len(la_code) == 3 and la_code.isdigit()):
        raise AdminError(f"A local authority is its three-digit code (e.g. 383), not {la_code!r}.")
    org_id = new_id()
    fields = {**dict.fromkeys(ENTITIES["organisations"].fields), "name": name, "kind": kind, "la_code": la_code}
    hlc = f"{int(datetime.now(UTC).timestamp() * 1000):013d}-000000-server"
    with store.write(ordered=True) as conn:
        conn.execute(insert(orgs).values(id=org_id, name=name, kind=kind, created_at=datetime.now(UTC)))
        seq = next_seq(conn)  # numbered like pushes, under the same feed lock
        conn.execute(
            insert(feed).values(
                seq=seq,
                kind="row",
                entity="organisations",
                row_id=org_id,
                child_id=None,
                audience_org=None,
                fields=fields,
                deleted=False,
                hlc=hlc,
            )
        )
        conn.execute(
            insert(records).values(
                entity="organisations",
                row_id=org_id,
                child_id=None,
                created_by_org=org_id,
                created_seq=seq,
                data=fields,
                versions=seq if fields else {},  # one write: every field holds its version (`compact.pack_versions`)
                writes="server",  # one write, its clock its feed item's: the author alone (`clocks.lend`)
                deleted=False,
            )
        )
        tallies.apply(conn, tallies.Changes(rows=[("organisations", org_id, None, org_id, None, (fields, False))]))
    return org_id


def create_user(
    store: ServerDB, org_id: str, username: str, password: str, role: str | None = None, *, administrator: bool = False
) -> str:
    """A user of an organisation; without a role, the default one (`casedesk.domain.roles.DEFAULT_ROLE`)."""
    if len(password) < 10:
        raise AdminError("Passwords must be at least 10 characters long.")
    try:
        chosen = roles.parse(role).value
    except ValueError as exc:
        raise AdminError(f"Cannot create the user: {exc}.") from None
    user_id = new_id()
    with store.write() as conn:
        if conn.execute(select(orgs.c.id).where(orgs.c.id == org_id)).first() is None:
            raise AdminError(f"No organisation with id {org_id}.")
        if conn.execute(select(users.c.id).where(users.c.username == username)).first() is not None:
            raise AdminError(f"A user called {username!r} already exists.")
        conn.execute(
            insert(users).values(
                id=user_id,
                org_id=org_id,
                username=username,
                password_hash=hash_password(password),
                created_at=datetime.now(UTC),
                is_admin=administrator,
                role=chosen,
            )
        )
    return user_id


def enrolment_code(store: ServerDB, username: str, hours: float = 24.0) -> str:
    with store.write() as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        if user_id is None:
            raise AdminError(f"No user called {username!r}.")
        return issue_code(conn, user_id, hours)


def list_devices(store: ServerDB) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            select(
                devices.c.device_id,
                devices.c.name,
                users.c.username,
                devices.c.enrolled_at,
                devices.c.last_seen_at,
                devices.c.revoked_at,
            )
            .join(users, users.c.id == devices.c.user_id)
            .order_by(devices.c.enrolled_at)
        ).all()
    return [dict(r._mapping) for r in rows]


def revoke_device(store: ServerDB, device_id: str) -> None:
    with store.write() as conn:
        done = conn.execute(
            update(devices)
            .where(devices.c.device_id == device_id, devices.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        if done.rowcount == 0:
            raise AdminError(f"No active device {device_id}.")


def issue_code(conn: Connection, user_id: str, hours: float) -> str:
    code = new_code()
    conn.execute(
        insert(enrolment_codes).values(
            code_hash=digest(normalise_code(code)),
            user_id=user_id,
            expires_at=datetime.now(UTC) + timedelta(hours=hours),
        )
    )
    return code


def enrol(conn: Connection, username: str, password: str, code: str, device_id: str, name: str) -> tuple[str, Any]:
    """Check credentials and a one-time code; return a new device token and the user. Re-enrolling a device
    replaces its token, so the old one stops working."""
    user = conn.execute(select(users).where(users.c.username == username)).first()
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise AuthFailure("bad_credentials", "Unknown user name or wrong password.")
    now = datetime.now(UTC)
    code_hash = digest(normalise_code(code))
    found = conn.execute(select(enrolment_codes).where(enrolment_codes.c.code_hash == code_hash)).first()
    if found is None or found.user_id != user.id:
        raise AuthFailure("bad_code", "That enrolment code is not valid for this user.")
    if found.used_at is not None:
        raise AuthFailure("code_used", "That enrolment code has already been used; ask for a new one.")
    if _aware(found.expires_at) < now:
        raise AuthFailure("code_expired", "That enrolment code has expired; ask for a new one.")
    existing = conn.execute(select(devices).where(devices.c.device_id == device_id)).first()
    if existing is not None and (existing.revoked_at is not None or existing.user_id != user.id):
        raise AuthFailure("device_refused", "This device cannot be enrolled again; ask an administrator.", 403)
    conn.execute(update(enrolment_codes).where(enrolment_codes.c.code_hash == found.code_hash).values(used_at=now))
    token = secrets.token_urlsafe(32)
    if existing is None:
        conn.execute(
            insert(devices).values(
                device_id=device_id,
                user_id=user.id,
                name=name or device_id,
                token_hash=digest(token),
                enrolled_at=now,
                last_seen_at=now,
            )
        )
    else:
        conn.execute(update(devices).where(devices.c.device_id == device_id).values(token_hash=digest(token)))
    return token, user


def device_for_token(conn: Connection, token: str, device_id: str, also: Sequence[Any] = ()) -> Any:
    """The device row and its user's organisation, or AuthFailure. A token only works with its own device id.
    `also`: more (scalar) columns read in the same statement (see `casedesk.server.caller`)."""
    row = conn.execute(
        select(
            devices,
            users.c.org_id,
            users.c.username,
            users.c.role,
            users.c.is_admin,
            users.c.manages_directory,
            orgs.c.kind.label("org_kind"),
            *also,
        )
        .join(users, users.c.id == devices.c.user_id)
        .outerjoin(orgs, orgs.c.id == users.c.org_id)
        .where(devices.c.token_hash == digest(token))
    ).first()
    if row is None or not secrets.compare_digest(row.device_id, device_id or ""):
        raise AuthFailure("invalid_token", "The device token was not recognised; enrol this device again.")
    if row.revoked_at is not None:
        raise AuthFailure("device_revoked", "This device has been revoked by an administrator.", status=403)
    return row


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def server_id(store: ServerDB) -> str:
    """This server's stable id (made on first start), so a device can tell servers apart."""
    with store.write() as conn:
        value = conn.execute(select(meta.c.value).where(meta.c.key == "server_id")).scalar()
        if value is None:
            value = new_id()
            conn.execute(insert(meta).values(key="server_id", value=value))
    return str(value)


def note_seen(store: ServerDB, device: Any) -> None:
    """Note when a device (a `device_for_token` row) was last seen, at most once a minute."""
    seen = device.last_seen_at
    if seen is not None and seen.tzinfo is None:
        seen = seen.replace(tzinfo=UTC)
    if seen is None or seen < datetime.now(UTC) - timedelta(minutes=1):
        with store.write() as conn:
            conn.execute(
                update(devices).where(devices.c.device_id == device.device_id).values(last_seen_at=datetime.now(UTC))
            )
