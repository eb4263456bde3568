"""Publish what the returns say of a matched child as records owned by children's social care.

For each child of the server that a return's child is matched to, the social care organisation holds:
- a **status period** per status of the return (child in need, child protection plan with its category,
  looked after with its legal status), with its start and end dates and the allocated social worker;
- one **involvement** of the organisation (role social worker, the allocated worker, from the first status's
  start; it ends when every status has ended), which is also what lets the organisation see the child;
- a **worker** (directory) entry for each allocated social worker.

These are ordinary synced records written through the push rules (`FeedWriter`), so they carry versions, reach
the feed, keep the digests true, and reach each school exactly as the agreements between the school and
children's social care allow (`casedesk.domain.sharing.Policy`, applied at every pull). A later return that
gives an end date ends the status on every device it reached. Row ids follow from the organisation, the child
and the return's own keys, so a re-import updates the same rows rather than adding new ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select

from casedesk.domain.feed.records import FeedChild
from casedesk.domain.ids import new_id
from casedesk.domain.vocab import InvolvementRole
from casedesk.server import policy
from casedesk.server.db import records
from casedesk.server.db.compact import unpack_versions
from casedesk.server.db.push import Pusher
from casedesk.server.feed.identities import FeedRefused
from casedesk.server.feed.tables import feed_children

DEVICE = "feed"  # the writer's device id in clocks and answers: the server's own feed
_NAMESPACE = uuid.UUID("5a1c7e0e-6f0d-4c52-9b8e-2f3c1d9e4a70")
LIVE_STATES = ("matched", "created")


class FeedWriter(Pusher):
    """The push rules, for the server's own feed writing as a children's social care organisation. It writes
    for children that organisation does not see yet (its involvement is what will let it) and on rows only it
    owns, so the visibility checks a device's push must pass do not apply; every other rule does."""

    def _visible(self, child_id: str) -> bool:
        return True

    def _check_shared(self, change: Any, current: dict[str, Any] | None) -> None:
        return None


def row_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def desired_rows(
    org_id: str, child_id: str, sources: Iterable[FeedChild], today: date
) -> dict[tuple[str, str], dict[str, Any]]:
    """The rows the organisation should hold for one server child, from every return's record of it."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    starts: list[date] = []
    ends: list[date | None] = []
    current_worker: str | None = None
    for source in sorted(sources, key=lambda s: s.source.value):
        worker = source.current_worker(today)
        for allocated in source.workers:
            wid = row_id(org_id, "worker", allocated.key)
            out[("workers", wid)] = {
                "organisation_id": org_id,
                "name": allocated.name or f"Social worker {allocated.key}",
                "role": "Social worker",
            }
        if worker is not None:
            current_worker = row_id(org_id, "worker", worker.key)
        for status in source.statuses:
            at = source.current_worker(min(status.end, today) if status.end else today)
            sid = row_id(org_id, child_id, source.source.value, source.la_child_id, status.key)
            out[("status_periods", sid)] = {
                "child_id": child_id,
                "kind": status.kind,
                "detail": status.detail,
                "start_date": status.start.isoformat(),
                "end_date": status.end.isoformat() if status.end else None,
                "worker_id": row_id(org_id, "worker", at.key) if at else None,
            }
            starts.append(status.start)
            ends.append(status.end)
    if starts:
        open_ = any(e is None for e in ends)
        out[("involvements", row_id(org_id, child_id, "involvement"))] = {
            "child_id": child_id,
            "organisation_id": org_id,
            "worker_id": current_worker,
            "role": InvolvementRole.SOCIAL_WORKER.value,
            "start_date": min(starts).isoformat(),
            "end_date": None if open_ else max(e for e in ends if e is not None).isoformat(),
        }
    return out


def publish_children(conn: Connection, org_id: str, child_ids: Iterable[str], *, actor: str) -> dict[str, int]:
    """Bring the organisation's published rows for these server children up to date; returns counts."""
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    by_child: dict[str, list[FeedChild]] = {}
    ids = sorted(set(child_ids))
    if not ids:
        return {}
    for row in conn.execute(
        select(feed_children.c.child_id, feed_children.c.data).where(
            feed_children.c.org_id == org_id,
            feed_children.c.state.in_(LIVE_STATES),
            feed_children.c.child_id.in_(ids),
        )
    ):
        by_child.setdefault(row.child_id, []).append(FeedChild.from_json(row.data))
    today = policy.today()
    for child_id, sources in by_child.items():
        wanted.update(desired_rows(org_id, child_id, sources, today))
    return _apply(conn, org_id, wanted, set(), actor=actor)


def publish_org(conn: Connection, org_id: str, *, actor: str) -> dict[str, int]:
    children = {
        row.child_id
        for row in conn.execute(
            select(feed_children.c.child_id).where(
                feed_children.c.org_id == org_id, feed_children.c.state.in_(LIVE_STATES)
            )
        )
    }
    return publish_children(conn, org_id, children, actor=actor)


def withdraw(conn: Connection, org_id: str, child_id: str, feed_child: FeedChild, *, actor: str) -> dict[str, int]:
    """Remove what one return's record published on a server child (a match a person has undone), then
    publish again what other returns still say of that child."""
    gone = desired_rows(org_id, child_id, [feed_child], policy.today())
    counts = _apply(conn, org_id, {}, {k for k in gone if k[0] != "workers"}, actor=actor)
    for what, n in publish_children(conn, org_id, [child_id], actor=actor).items():
        counts[what] = counts.get(what, 0) + n
    return counts


def _apply(
    conn: Connection,
    org_id: str,
    wanted: dict[tuple[str, str], dict[str, Any]],
    removed: set[tuple[str, str]],
    *,
    actor: str,
) -> dict[str, int]:
    keys = sorted(set(wanted) | removed)
    held: dict[tuple[str, str], Any] = {}
    for entity in sorted({k[0] for k in keys}):
        names = [k[1] for k in keys if k[0] == entity]
        for row in conn.execute(
            select(records.c.row_id, records.c.data, records.c.versions, records.c.deleted).where(
                records.c.entity == entity, records.c.row_id.in_(names)
            )
        ):
            held[(entity, row.row_id)] = row
    clock = int(datetime.now(UTC).timestamp() * 1000)
    changes: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    # parents first: workers before the rows naming them, involvements before status periods
    order = {"workers": 0, "involvements": 1, "status_periods": 2}
    for entity, rid in sorted(keys, key=lambda k: (order.get(k[0], 9), k[1])):
        current = held.get((entity, rid))
        label = entity.replace("_", " ")
        if (entity, rid) in removed:
            if current is not None and not current.deleted:
                changes.append(_change(entity, rid, "delete", {}, {}, clock, len(changes), actor))
                counts[f"{label} removed"] = counts.get(f"{label} removed", 0) + 1
            continue
        fields = wanted[(entity, rid)]
        if current is None:
            changes.append(_change(entity, rid, "insert", fields, {}, clock, len(changes), actor))
            counts[f"{label} added"] = counts.get(f"{label} added", 0) + 1
            continue
        if current.deleted:
            continue  # withdrawn by a person's decision; never brought back behind their back
        differs = {k: v for k, v in fields.items() if current.data.get(k) != v}
        if differs:
            versions = unpack_versions(current.versions, current.data)
            bases = {k: int(versions.get(k, 0)) for k in differs}
            changes.append(_change(entity, rid, "update", differs, bases, clock, len(changes), actor))
            ended = "end_date" in differs and differs["end_date"] and not current.data.get("end_date")
            what = f"{label} ended" if ended else f"{label} updated"
            counts[what] = counts.get(what, 0) + 1
    _push(conn, org_id, changes)
    return counts


def insert_rows(conn: Connection, org_id: str, rows: list[tuple[str, str, dict[str, Any]]], *, actor: str) -> None:
    """Add new records (entity, row id, fields) as the organisation."""
    clock = int(datetime.now(UTC).timestamp() * 1000)
    _push(conn, org_id, [_change(e, rid, "insert", f, {}, clock, n, actor) for n, (e, rid, f) in enumerate(rows)])


def _push(conn: Connection, org_id: str, changes: list[dict[str, Any]]) -> None:
    if not changes:
        return
    writer = FeedWriter(conn, device_id=DEVICE, org_id=org_id)
    refused = [r for r in writer.push(changes) if r.status != "applied"]
    if refused:
        raise FeedRefused(
            "The feed's records could not be written; nothing was changed.",
            [f"{r.change_id}: {r.status} {r.reason or ''}".strip() for r in refused],
        )


def _change(
    entity: str, rid: str, op: str, fields: dict[str, Any], bases: dict[str, int], clock: int, n: int, actor: str
) -> dict[str, Any]:
    return {
        "change_id": new_id(),
        "entity": entity,
        "row_id": rid,
        "op": op,
        "fields": fields,
        "base_versions": bases,
        "hlc": f"{clock:013d}-{n % 1_000_000:06d}-{DEVICE}",
        "device_id": DEVICE,
        "author": actor[:200],
    }
