"""The access log: which device and user received which child's records, when, and on what basis.

Written by the pull and snapshot endpoints after each page they answer: one row per device, child and sync
round (the device names its round in the `X-CaseDesk-Round` header; without one each request is its own round),
holding how many items of the child the round delivered. A second page of the same round adds to the child's
row instead of writing another, so the log grows with rounds and children, never with records.

The basis says why the device received the child: "involvement" (the organisation is involved with the child,
`server.policy`), the sharing agreements that let other organisations' records through (or the area's default
where no agreement names the two), and a break-glass override while one is in force for the user and child.
Read back per child for the app's Audit tab (only by devices whose organisation sees the child) and across
children for an administrator's review.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Select, insert, select, update

from casedesk.domain.ids import new_id
from casedesk.server.db import ServerDB, access_log, devices, org_scope, orgs, policies, records, users
from casedesk.server.db.bulk import one_of

ROUND_ID = re.compile(r"^[0-9A-Za-z-]{8,36}$")


def bases(conn: Connection, device: Any, child_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """child id → (basis, override id): the organisation's involvement with the child, then what let the other
    organisations' records through — the sharing agreements naming the two, or the area's default where none
    does — and a time-limited grant (a break-glass override) in force for the user, if any."""
    policy = policies.load(conn)
    owners: dict[str, set[str]] = {c: set() for c in child_ids}
    for start in range(0, len(child_ids), 500):
        chunk = child_ids[start : start + 500]
        owned = select(records.c.child_id, records.c.created_by_org)
        query = owned.where(one_of(conn, records.c.child_id, chunk)).distinct()
        for child_id, owner in conn.execute(query):
            if owner and owner != device.org_id:
                owners[child_id].add(owner)
    out: dict[str, tuple[str, str | None]] = {}
    for child_id in child_ids:
        parts = ["involvement"]
        titles: set[str] = set()
        defaults: set[str] = set()
        for owner in sorted(owners[child_id]):
            decision = policy.between(owner, device.org_id)
            if decision.agreements:
                titles.update(a.title for a in decision.agreements)
            else:
                defaults.add(decision.default)
        parts += [f"agreement {title}" for title in sorted(titles)]
        parts += [f"no agreement ({default} default)" for default in sorted(defaults)]
        grants = [g for g in policy.grants_for(device.org_id, device.username) if g.child_id == child_id]
        override_id = next((g.id for g in grants if g.id), None)
        parts += [f"override {g.id}" if g.id else "time-limited grant" for g in grants]
        out[child_id] = ("; ".join(parts)[:300], override_id)
    return out


def round_of(header: str) -> str:
    """The round a request belongs to: the device's own round id when it sent a well-formed one, else a new one
    (so a request without it is a round of its own and never joins another device's)."""
    header = header.strip()
    return header if ROUND_ID.match(header) else new_id()


def record(
    store: ServerDB,
    device: Any,
    round_id: str,
    kind: str,
    delivered: Mapping[str, int],
    *,
    now: datetime | None = None,
) -> None:
    """Log what one page delivered (`delivered`: child id → items). A page that delivered no child's records
    writes nothing, so an idle round costs no write."""
    if not delivered:
        return
    now = now or datetime.now(UTC)
    children = sorted(delivered)
    with store.write() as conn:
        reasons = bases(conn, device, children)
        log = access_log.c
        earlier = select(log.id, log.child_id, log.kind, log.basis, log["items"]).where(
            log.device_id == device.device_id, log.round_id == round_id, one_of(conn, log.child_id, children)
        )
        existing = {(r[1], r[2], r[3]): (r[0], r[4]) for r in conn.execute(earlier)}
        fresh = []
        for child_id in children:
            basis, override_id = reasons[child_id]
            found = existing.get((child_id, kind, basis))
            if found is not None:
                conn.execute(
                    update(access_log)
                    .where(access_log.c.id == found[0])
                    .values(items=found[1] + delivered[child_id], last_at=now)
                )
                continue
            fresh.append(
                {
                    "at": now,
                    "last_at": now,
                    "round_id": round_id,
                    "device_id": device.device_id,
                    "user_id": device.user_id,
                    "org_id": device.org_id,
                    "child_id": child_id,
                    "kind": kind,
                    "items": delivered[child_id],
                    "basis": basis,
                    "override_id": override_id,
                }
            )
        if fresh:
            conn.execute(insert(access_log), fresh)


# -- reading ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Filters:
    """An administrator's selection of the log; every criterion is optional and they combine with AND."""

    child_id: str | None = None
    org_id: str | None = None
    username: str | None = None
    device_id: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    basis: str | None = None  # a word the basis contains: involvement, agreement, override
    limit: int = 10_000


def _entries() -> Select[Any]:
    return (
        select(
            access_log,
            devices.c.name.label("device_name"),
            users.c.username,
            orgs.c.name.label("organisation"),
        )
        .select_from(
            access_log.outerjoin(devices, devices.c.device_id == access_log.c.device_id)
            .outerjoin(users, users.c.id == access_log.c.user_id)
            .outerjoin(orgs, orgs.c.id == access_log.c.org_id)
        )
        .order_by(access_log.c.at.desc(), access_log.c.id.desc())
    )


def _row(row: Any) -> dict[str, Any]:
    entry = dict(row._mapping)
    for key in ("at", "last_at"):
        moment = entry[key]
        entry[key] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    entry["device_name"] = entry["device_name"] or entry["device_id"]
    entry["username"] = entry["username"] or entry["user_id"]
    entry["organisation"] = entry["organisation"] or entry["org_id"]
    return entry


def sees(conn: Connection, org_id: str, child_id: str) -> bool:
    """Whether an organisation sees a child now (the only devices that may read the child's access log)."""
    return bool(
        conn.execute(
            select(org_scope.c.visible).where(org_scope.c.org_id == org_id, org_scope.c.child_id == child_id)
        ).scalar()
    )


def for_child(conn: Connection, child_id: str, limit: int = 2_000) -> list[dict[str, Any]]:
    """The newest entries for one child, with the device's name, the user's name and the organisation's."""
    return [_row(r) for r in conn.execute(_entries().where(access_log.c.child_id == child_id).limit(limit))]


def search(store: ServerDB, filters: Filters) -> list[dict[str, Any]]:
    """The entries an administrator asked for, newest first, each with the child's name where the server holds it."""
    query = _entries()
    if filters.child_id:
        query = query.where(access_log.c.child_id == filters.child_id)
    if filters.org_id:
        query = query.where(access_log.c.org_id == filters.org_id)
    if filters.username:
        query = query.where(users.c.username == filters.username)
    if filters.device_id:
        query = query.where(access_log.c.device_id == filters.device_id)
    if filters.since:
        query = query.where(access_log.c.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        query = query.where(access_log.c.at < datetime.combine(filters.until + timedelta(days=1), time(), UTC))
    if filters.basis:
        query = query.where(access_log.c.basis.contains(filters.basis, autoescape=True))
    with store.read() as conn:
        rows = [_row(r) for r in conn.execute(query.limit(filters.limit))]
        names = child_names(conn, {r["child_id"] for r in rows})
    for row in rows:
        row["child"] = names.get(row["child_id"], "")
    return rows


def child_names(conn: Connection, child_ids: set[str]) -> dict[str, str]:
    """Each child's name as the server holds it ("" for a child it does not hold)."""
    names: dict[str, str] = {}
    ids = sorted(child_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(records.c.row_id, records.c.data).where(
            records.c.entity == "children", records.c.row_id.in_(chunk)
        )
        for row_id, data in conn.execute(query):
            names[row_id] = " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p)
    return names
