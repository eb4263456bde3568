"""Break-glass overrides on the server: asked for, decided, granted for a limited time, expired, audited.

An override is a time-limited grant of data categories of one organisation's records about one child, to the one
user who asked. The sharing rules read the overrides in force through `policies.GRANT_LOADERS` (this module
registers `grants` there when it is imported, as the server app and its command line do), so the pull, the
snapshot and the digest all widen what that user's devices receive in the one place they decide it.

Its start and its end each send the user's devices that one child again (`child_resends`): each device purges the
child — after pushing anything waiting — and receives it as the policy now allows, so what the override brought
leaves the device at its next round. The end is found by `expire_due`, run
before every pull, which costs one indexed query when nothing is due.

Policy (`CASEDESK_OVERRIDE_MODE`: `approval`, the default, or `immediate`; `CASEDESK_OVERRIDE_HOURS`, default 4)
decides whether a request is granted at once — the owning organisation's safeguarding leads then see it in their
queue as granted, to review — or waits there for one of them to approve it. Who may ask and who may decide
follows the user's role (`casedesk.domain.overrides.may_ask`, `may_decide`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from casedesk.domain import overrides as model
from casedesk.domain import sharing
from casedesk.domain.ids import new_id
from casedesk.domain.schema import Category
from casedesk.errors import ValidationError
from casedesk.server.auth import AuthFailure
from casedesk.server.db import ServerDB, child_resends, devices, org_scope, orgs, overrides, policies, records

MODE_ENV, HOURS_ENV = "CASEDESK_OVERRIDE_MODE", "CASEDESK_OVERRIDE_HOURS"


def policy() -> model.OverridePolicy:
    """The server's override policy, from its environment (a bad value is refused at start, not ignored)."""
    mode = os.environ.get(MODE_ENV, "").strip() or model.Mode.APPROVAL
    hours = os.environ.get(HOURS_ENV, "").strip() or "4"
    try:
        return model.OverridePolicy(model.Mode(mode), int(hours))
    except ValueError:
        raise ValueError(
            f"{MODE_ENV} must be approval or immediate and {HOURS_ENV} a whole number of hours from 1 to 72"
        ) from None


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


# -- the grants the sharing policy reads ------------------------------------------------------------------------
def grants(conn: Connection, now: datetime | None = None) -> list[sharing.Grant]:
    """Every override in force now, as a grant to its user of the owning organisation's records of the child."""
    now = now or datetime.now(UTC)
    query = select(overrides).where(overrides.c.state == model.State.GRANTED, overrides.c.expires_at > now)
    return [
        sharing.Grant(
            child_id=row.child_id,
            org_id=row.org_id,
            categories=frozenset(Category(c) for c in row.categories),
            until=_aware(row.expires_at) or now,
            user=row.username,
            id=row.id,
            source_org=row.owner_org,
        )
        for row in conn.execute(query)
    ]


if grants not in policies.GRANT_LOADERS:
    policies.GRANT_LOADERS.append(grants)


# -- asking, deciding, ending ------------------------------------------------------------------------------------
def _announce(conn: Connection, row: Any) -> None:
    """Send the user's devices the override's child again as the policy now allows (see the module's
    docstring): only that child, whose record alone the grant changes."""
    child_resends.mark(conn, row.username, row.child_id)


def _get(conn: Connection, override_id: str) -> Any:
    row = conn.execute(select(overrides).where(overrides.c.id == override_id)).first()
    if row is None:
        raise AuthFailure("not_found", f"No override {override_id}.", status=404)
    return row


def _role(device: Any) -> str | None:
    return getattr(device, "role", None)  # None where the server keeps no roles


def ask(store: ServerDB, device: Any, body: Any, rules: model.OverridePolicy, now: datetime | None = None) -> str:
    """Record a request (granted at once under an immediate policy); returns its id. Refused with a clear
    error, storing nothing, when the child is not shared with the user's organisation, the reason or its
    explanation is missing, the role may not ask, or the same request is already open."""
    now = now or datetime.now(UTC)
    if not model.may_ask(_role(device)):
        raise AuthFailure("forbidden", "Your role may not ask for withheld information.", status=403)
    try:
        wanted = model.check_ask(
            body.child_id, body.owner_org, body.categories, body.reason, body.detail, device.org_id
        )
    except ValidationError as exc:
        raise AuthFailure("invalid_request", str(exc), status=422) from None
    with store.write(ordered=True) as conn:
        seen = conn.execute(
            select(org_scope.c.visible).where(
                org_scope.c.org_id == device.org_id, org_scope.c.child_id == wanted.child_id
            )
        ).scalar()
        if not seen:
            raise AuthFailure("not_found", f"No child {wanted.child_id} is shared with your organisation.", 404)
        if conn.execute(select(orgs.c.id).where(orgs.c.id == wanted.owner_org)).first() is None:
            raise AuthFailure("invalid_request", f"No organisation {wanted.owner_org} on this server.", 422)
        already = conn.execute(
            select(overrides.c.id).where(
                overrides.c.child_id == wanted.child_id,
                overrides.c.username == device.username,
                overrides.c.owner_org == wanted.owner_org,
                overrides.c.state.in_([s.value for s in model.OPEN_STATES]),
                or_(overrides.c.expires_at.is_(None), overrides.c.expires_at > now),
            )
        ).first()
        if already is not None:
            raise AuthFailure("conflict", f"You already have an open request for this child ({already.id}).", 409)
        override_id = new_id()
        granted = rules.mode is model.Mode.IMMEDIATE
        values = {
            "id": override_id,
            "child_id": wanted.child_id,
            "org_id": device.org_id,
            "user_id": device.user_id,
            "username": device.username,
            "device_id": device.device_id,
            "owner_org": wanted.owner_org,
            "categories": sorted(c.value for c in wanted.categories),
            "reason": wanted.reason.value,
            "detail": wanted.detail,
            "mode": rules.mode.value,
            "state": (model.State.GRANTED if granted else model.State.PENDING).value,
            "requested_at": now,
            "decided_at": now if granted else None,
            "decided_by": "policy: granted at once" if granted else None,
            "expires_at": rules.until(now) if granted else None,
        }
        conn.execute(insert(overrides).values(**values))
        if granted:
            _announce(conn, _get(conn, override_id))
    return override_id


def decide(
    store: ServerDB, device: Any, override_id: str, approve: bool, note: str, rules: model.OverridePolicy
) -> None:
    """A safeguarding lead of the owning organisation approves or refuses a waiting request."""
    now = datetime.now(UTC)
    with store.write(ordered=True) as conn:
        row = _get(conn, override_id)
        if row.owner_org != device.org_id or not model.may_decide(_role(device)):
            raise AuthFailure(
                "forbidden", "Only a safeguarding lead of the organisation whose records these are may decide.", 403
            )
        if row.state != model.State.PENDING:
            raise AuthFailure("conflict", f"This request is already {row.state}.", status=409)
        state = model.State.GRANTED if approve else model.State.REFUSED
        conn.execute(
            update(overrides)
            .where(overrides.c.id == override_id)
            .values(
                state=state.value,
                decided_at=now,
                decided_by=device.username,
                decision_note=" ".join(note.split()) or None,
                expires_at=rules.until(now) if approve else None,
            )
        )
        if approve:
            _announce(conn, _get(conn, override_id))


def end(store: ServerDB, device: Any, override_id: str) -> None:
    """End an override early: by the user who asked, or a safeguarding lead of the owning organisation."""
    now = datetime.now(UTC)
    with store.write(ordered=True) as conn:
        row = _get(conn, override_id)
        asker = row.username == device.username
        lead = row.owner_org == device.org_id and model.may_decide(_role(device))
        if not (asker or lead):
            raise AuthFailure("forbidden", "Only the person who asked or the owning lead may end this.", 403)
        if row.state not in model.OPEN_STATES:
            raise AuthFailure("conflict", f"This request is already {row.state}.", status=409)
        conn.execute(
            update(overrides)
            .where(overrides.c.id == override_id)
            .values(state=model.State.ENDED.value, ended_at=now, decided_by=row.decided_by or device.username)
        )
        if row.state == model.State.GRANTED:
            _announce(conn, row)


def expire_due(store: ServerDB, now: datetime | None = None) -> int:
    """Expire every granted override whose time has run out (each announced, so its data is purged)."""
    now = now or datetime.now(UTC)
    due_query = select(overrides.c.id).where(overrides.c.state == model.State.GRANTED, overrides.c.expires_at <= now)
    with store.read() as conn:
        if conn.execute(due_query.limit(1)).first() is None:
            return 0
    with store.write(ordered=True) as conn:
        due = list(conn.execute(select(overrides).where(overrides.c.id.in_(due_query))))
        for row in due:
            conn.execute(
                update(overrides)
                .where(overrides.c.id == row.id, overrides.c.state == model.State.GRANTED)
                .values(state=model.State.EXPIRED.value, ended_at=now)
            )
            _announce(conn, row)
    return len(due)


# -- reading -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Listing:
    mine: list[dict[str, Any]]
    to_decide: list[dict[str, Any]]


def _described(conn: Connection, rows: list[Any], names: bool) -> list[dict[str, Any]]:
    org_names = dict(conn.execute(select(orgs.c.id, orgs.c.name)).all())
    device_names = dict(
        conn.execute(
            select(devices.c.device_id, devices.c.name).where(devices.c.device_id.in_({r.device_id for r in rows}))
        ).all()
    )
    children = {}
    if names and rows:
        query = select(records.c.row_id, records.c.data).where(
            records.c.entity == "children", records.c.row_id.in_({r.child_id for r in rows})
        )
        children = {
            row_id: " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p)
            for row_id, data in conn.execute(query)
        }
    out = []
    for r in rows:
        entry = dict(r._mapping)
        for key in ("requested_at", "decided_at", "expires_at", "ended_at"):
            entry[key] = _aware(entry[key])
        entry["organisation"] = org_names.get(r.org_id, r.org_id)
        entry["owner"] = org_names.get(r.owner_org, r.owner_org)
        entry["device_name"] = device_names.get(r.device_id, r.device_id)
        entry["child"] = children.get(r.child_id, "")
        out.append(entry)
    return out


def listing(store: ServerDB, device: Any, child_id: str | None = None) -> Listing:
    """The user's own requests, and — for a safeguarding lead — those about the organisation's records."""
    with store.read() as conn:
        mine_query = select(overrides).where(overrides.c.username == device.username)
        if child_id:
            mine_query = mine_query.where(overrides.c.child_id == child_id)
        mine = list(conn.execute(mine_query.order_by(overrides.c.requested_at.desc()).limit(200)))
        to_decide: list[Any] = []
        if model.may_decide(_role(device)):
            query = select(overrides).where(overrides.c.owner_org == device.org_id)
            to_decide = list(conn.execute(query.order_by(overrides.c.requested_at.desc()).limit(500)))
        # The lead sees the child's name: the request is about the lead's own organisation's records of the child.
        return Listing(_described(conn, mine, names=True), _described(conn, to_decide, names=True))


def for_child(store: ServerDB, child_id: str, org_id: str) -> list[dict[str, Any]]:
    """The overrides on one child that an organisation asked for or whose records they were about."""
    with store.read() as conn:
        query = select(overrides).where(
            overrides.c.child_id == child_id, or_(overrides.c.org_id == org_id, overrides.c.owner_org == org_id)
        )
        return _described(conn, list(conn.execute(query.order_by(overrides.c.requested_at.desc()))), names=False)


def report(store: ServerDB, owner_org: str | None = None, since: datetime | None = None) -> list[dict[str, Any]]:
    """Every override (of one owning organisation's records), newest first: the owning organisation's report."""
    with store.read() as conn:
        query = select(overrides)
        if owner_org:
            query = query.where(overrides.c.owner_org == owner_org)
        if since:
            query = query.where(overrides.c.requested_at >= since)
        rows = list(conn.execute(query.order_by(overrides.c.requested_at.desc())))
        return _described(conn, rows, names=True)
