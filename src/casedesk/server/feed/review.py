"""The review queue: the returns' children matching could not place with certainty, for an administrator to
match to one of the server's children, create as a new child, or reject. Every decision is written to the
matching log and the administration audit, and takes effect at once: a match publishes the child's statuses,
undoing one withdraws what it published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from casedesk.domain.feed.records import FeedChild
from casedesk.domain.ids import new_id
from casedesk.server import administration
from casedesk.server.db import ServerDB, orgs, records
from casedesk.server.feed import imports, publish
from casedesk.server.feed.identities import FeedRefused
from casedesk.server.feed.tables import feed_children

DECISIONS = ("match", "create", "reject")


@dataclass(frozen=True)
class Waiting:
    org_id: str
    child: FeedChild
    since: datetime
    offers: list[dict[str, Any]]


def queue(store: ServerDB, org_id: str | None = None) -> list[Waiting]:
    """The children waiting, each with every child matching offered (not only the best): its score and evidence,
    and the child's name, date of birth, postcode and whose record it is, for a person to compare."""
    query = select(feed_children).where(feed_children.c.state == imports.PENDING)
    if org_id:
        query = query.where(feed_children.c.org_id == org_id)
    with store.read() as conn:
        rows = conn.execute(query.order_by(feed_children.c.source, feed_children.c.la_child_id)).all()
        details = _offered(conn, {str(o["child_id"]) for r in rows for o in (r.candidates or [])})
    return [
        Waiting(
            r.org_id,
            FeedChild.from_json(r.data),
            r.updated_at,
            [{**o, **details.get(str(o["child_id"]), {})} for o in (r.candidates or [])],
        )
        for r in rows
    ]


def _offered(conn: Connection, child_ids: set[str]) -> dict[str, dict[str, Any]]:
    if not child_ids:
        return {}
    names = {r.id: r.name for r in conn.execute(select(orgs.c.id, orgs.c.name))}
    out: dict[str, dict[str, Any]] = {}
    for r in conn.execute(
        select(records.c.row_id, records.c.data, records.c.created_by_org).where(
            records.c.entity == "children", records.c.row_id.in_(sorted(child_ids))
        )
    ):
        data = r.data or {}
        out[r.row_id] = {
            "name": " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p) or None,
            "date_of_birth": data.get("date_of_birth"),
            "postcode": data.get("postcode"),
            "held_by": names.get(r.created_by_org or ""),
        }
    return out


def format_queue(items: list[Waiting]) -> str:
    if not items:
        return "No returns' children are waiting for review."
    lines = []
    for item in items:
        c = item.child
        born = c.date_of_birth.isoformat() if c.date_of_birth else "date of birth not given"
        ids = ", ".join(f"{k} {v}" for k, v in (("UPN", c.upn), ("NHS", c.nhs_number)) if v) or "no identifiers"
        lines.append(f"{c.source.value} {c.la_child_id}: {c.name}, born {born}, {c.postcode or 'no postcode'}, {ids}")
        for offer in item.offers or [{"child_id": "-", "score": "", "evidence": "no similar child on the server"}]:
            who = ", ".join(str(offer[k]) for k in ("name", "date_of_birth", "postcode", "held_by") if offer.get(k))
            held = f"  [{who}]" if who else ""
            lines.append(f"    {offer['child_id']}  {offer['score']:>3}  {offer['evidence']}{held}")
    return "\n".join(lines)


def decide(
    store: ServerDB,
    *,
    source: str,
    la_child_id: str,
    decision: str,
    actor: str,
    reason: str,
    child_id: str | None = None,
    org_id: str | None = None,
) -> str:
    """Carry out a person's decision on one return's child; returns what was done, in words."""
    if decision not in DECISIONS:
        raise FeedRefused(f"A decision is one of {', '.join(DECISIONS)}, not {decision!r}.")
    if not reason.strip():
        raise FeedRefused("Say why (--reason): the decision is kept in the matching log.")
    if decision == "match" and not child_id:
        raise FeedRefused("Say which of the server's children it is (the child's id).")
    now = datetime.now(UTC)
    with store.write(ordered=True) as conn:
        row = _one(conn, source, la_child_id, org_id)
        child = FeedChild.from_json(row.data)
        before = row.child_id if row.state in publish.LIVE_STATES else None
        if decision == "match":
            assert child_id is not None
            if not _child_exists(conn, child_id):
                raise FeedRefused(f"The server holds no child {child_id}.")
            target: str | None = child_id
        elif decision == "create":
            target = _create_child(conn, row.org_id, child, actor)
        else:
            target = None
        state = {"match": imports.MATCHED, "create": imports.CREATED, "reject": imports.REJECTED}[decision]
        conn.execute(
            update(feed_children)
            .where(
                feed_children.c.org_id == row.org_id,
                feed_children.c.source == source,
                feed_children.c.la_child_id == la_child_id,
            )
            .values(state=state, child_id=target, method="person", score=None, decided_by=actor, decided_at=now)
        )
        if before and before != target:
            publish.withdraw(conn, row.org_id, before, child, actor=actor)
        if target:
            publish.publish_children(conn, row.org_id, [target], actor=actor)
        imports.log(
            conn, row.org_id, source, la_child_id, actor=actor, at=now, decision=state, child_id=target, reason=reason
        )
        administration.record(
            conn, org_id=row.org_id, actor=actor, action=f"feed_{decision}", target=f"{source} {la_child_id}"
        )
    words = {"match": f"matched to child {target}", "create": f"created as child {target}", "reject": "rejected"}
    return f"{source} {la_child_id}: {words[decision]}."


def _one(conn: Connection, source: str, la_child_id: str, org_id: str | None) -> Any:
    query = select(feed_children).where(feed_children.c.source == source, feed_children.c.la_child_id == la_child_id)
    if org_id:
        query = query.where(feed_children.c.org_id == org_id)
    rows = conn.execute(query).all()
    if not rows:
        raise FeedRefused(f"No {source} child {la_child_id} has been imported.")
    if len(rows) > 1:
        raise FeedRefused(f"Several organisations' returns name {source} child {la_child_id}: say which (--org).")
    return rows[0]


def _child_exists(conn: Connection, child_id: str) -> bool:
    found = conn.execute(
        select(records.c.row_id).where(
            records.c.entity == "children", records.c.row_id == child_id, records.c.deleted.is_(False)
        )
    ).first()
    return found is not None


def _create_child(conn: Connection, org_id: str, child: FeedChild, actor: str) -> str:
    """A new child of the server, owned by children's social care, from what the return and identity extract
    give; refused when they give no name or no date of birth (a child record needs both)."""
    if not (child.given_name and child.family_name and child.date_of_birth):
        raise FeedRefused(
            "The return gives no name or date of birth for this child: send the identity extract "
            "(identities.csv) with the return, or match it to an existing child."
        )
    child_id = new_id()
    fields = {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "sex": child.sex or "U",
        "upn": child.upn,
        "upn_unknown_reason": child.upn_unknown_reason if not child.upn else None,
        "nhs_number": child.nhs_number,
        "postcode": child.postcode,
    }
    publish.insert_rows(conn, org_id, [("children", child_id, {k: v for k, v in fields.items() if v})], actor=actor)
    return child_id
