"""Import a checked return: all or nothing, and a re-import updates.

A return that fails any DfE *error* rule is refused with every failure (rule, child, table and field, value), its
errors and its queries listed apart; the refusal is kept for the data-quality report (`refusals`) and nothing
else is written. A return of an earlier year than one already imported is refused too. Otherwise one transaction
records the import, brings each child of the return up to date (a child already matched keeps its match; a new
or undecided one is matched again: `matching`), ends the statuses the return no longer lists, of its children
and of children it no longer names (`statuses.carry_forward`), keeps the return's DfE *queries* for the
data-quality report, and publishes what the matched children's statuses have become (`publish`). Every matching
outcome goes to the matching log; the import itself to the administration audit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from casedesk.domain.feed.matching import Candidate, Match, Pool, match
from casedesk.domain.feed.records import FeedChild, FeedReturn
from casedesk.domain.feed.statuses import carry_forward
from casedesk.domain.ids import new_id
from casedesk.domain.vocab import OrgKind
from casedesk.server import administration
from casedesk.server.db import ServerDB, orgs, records
from casedesk.server.feed import publish, refusals
from casedesk.server.feed.identities import FeedRefused
from casedesk.server.feed.tables import feed_children, feed_failures, feed_imports, feed_match_log

PENDING, MATCHED, CREATED, REJECTED = "pending", "matched", "created", "rejected"


@dataclass
class ImportSummary:
    import_id: str
    org_id: str
    children: int = 0
    matched: int = 0
    pending: int = 0
    rejected: int = 0
    queries: int = 0
    published: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        changed = ", ".join(f"{n} {what}" for what, n in sorted(self.published.items()) if n) or "nothing"
        return (
            f"Imported {self.children} children: {self.matched} matched, {self.pending} waiting for review, "
            f"{self.rejected} rejected earlier; {self.queries} DfE queries to look at; published: {changed}."
        )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def social_care_org(conn: Connection, org_id: str | None, la_code: str | None) -> str:
    """The children's social care organisation that owns what the return publishes: the one given, or the only
    one of the return's local authority (or the only one there is)."""
    kinds = {row.id: row.kind for row in conn.execute(select(orgs.c.id, orgs.c.kind))}
    if org_id:
        if kinds.get(org_id) != OrgKind.CHILDRENS_SOCIAL_CARE.value:
            raise FeedRefused(f"{org_id} is not a children's social care organisation on this server.")
        return org_id
    care = sorted(i for i, kind in kinds.items() if kind == OrgKind.CHILDRENS_SOCIAL_CARE.value)
    if la_code and len(care) > 1:
        la_of = {
            row.row_id: (row.data or {}).get("la_code")
            for row in conn.execute(
                select(records.c.row_id, records.c.data).where(
                    records.c.entity == "organisations", records.c.row_id.in_(care)
                )
            )
        }
        care = [c for c in care if la_of.get(c) == la_code]
    if len(care) != 1:
        raise FeedRefused(
            "Say which children's social care organisation publishes this return (--org ID): "
            f"this server has {len(care)} that could."
        )
    return care[0]


def candidates(conn: Connection) -> list[Candidate]:
    rows = conn.execute(
        select(records.c.row_id, records.c.data).where(records.c.entity == "children", records.c.deleted.is_(False))
    )
    out = []
    for row in rows:
        data: dict[str, Any] = row.data or {}
        born = data.get("date_of_birth")
        out.append(
            Candidate(
                child_id=row.row_id,
                given_name=data.get("given_name") or "",
                family_name=data.get("family_name") or "",
                date_of_birth=_date(born),
                postcode=data.get("postcode"),
                upn=data.get("upn"),
                nhs_number=data.get("nhs_number"),
            )
        )
    return out


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def refusal(feed_return: FeedReturn) -> FeedRefused | None:
    """The refusal of a return failing DfE error rules: its errors, and apart from them its queries."""
    errors = feed_return.errors
    if not errors:
        return None
    return FeedRefused(
        f"The {feed_return.source.label} fails {len(errors)} DfE validation check(s) that refuse a return (errors); "
        "nothing was imported. DfE errors:",
        [f.describe() for f in errors],
        [f.describe() for f in feed_return.queries],
    )


def _refuse(
    store: ServerDB,
    feed_return: FeedReturn,
    refused: FeedRefused,
    *,
    file: str,
    data_hash: str,
    actor: str,
    org_id: str | None,
) -> None:
    """Keep the refusal for the data-quality report (when the return's organisation is known), then raise it."""
    with store.write(ordered=True) as conn:
        try:
            owner = social_care_org(conn, org_id, feed_return.la_code)
        except FeedRefused as unknown:
            refused.problems.append(f"(not kept for the data-quality report: {unknown.summary})")
        else:
            refusals.record(conn, owner, feed_return, file=file, data_hash=data_hash, actor=actor)
    raise refused


def _check_year(conn: Connection, owner: str, feed_return: FeedReturn) -> None:
    latest = conn.execute(
        select(func.max(feed_imports.c.year)).where(
            feed_imports.c.org_id == owner, feed_imports.c.source == feed_return.source.value
        )
    ).scalar()
    if latest is not None and feed_return.year < int(latest):
        raise FeedRefused(
            f"This {feed_return.source.label} is for {feed_return.year}, but the {latest} return is already imported: "
            "an earlier year's return would undo what the later one says. Nothing was imported."
        )


def import_return(
    store: ServerDB,
    feed_return: FeedReturn,
    *,
    data_hash: str,
    actor: str,
    org_id: str | None = None,
    accepted: Sequence[str] = (),
    file: str = "",
) -> ImportSummary:
    """Import a checked return (see the module's note); `accepted` names the DfE rules an administrator chose
    to import despite (their failures already counted as queries), for the audit; `file` names what was read."""
    refused = refusal(feed_return)
    if refused is not None:
        _refuse(store, feed_return, refused, file=file, data_hash=data_hash, actor=actor, org_id=org_id)
    now = datetime.now(UTC)
    with store.write(ordered=True) as conn:
        owner = social_care_org(conn, org_id, feed_return.la_code)
        _check_year(conn, owner, feed_return)
        summary = ImportSummary(new_id(), owner, children=len(feed_return.children))
        conn.execute(
            insert(feed_imports).values(
                id=summary.import_id,
                org_id=owner,
                source=feed_return.source.value,
                la_code=feed_return.la_code,
                year=feed_return.year,
                ruleset=feed_return.ruleset,
                sha256=data_hash,
                imported_at=now,
                actor=actor,
                children=len(feed_return.children),
                queries=len(feed_return.queries),
            )
        )
        held = {
            row.la_child_id: row
            for row in conn.execute(
                select(feed_children).where(
                    feed_children.c.org_id == owner, feed_children.c.source == feed_return.source.value
                )
            )
        }
        pool = Pool(candidates(conn))
        for child in feed_return.children:
            before = held.get(child.la_child_id)
            if before is not None:
                child = carry_forward(FeedChild.from_json(before.data), child, feed_return.year)
            state = _bring_up_to_date(conn, owner, child, before, pool, summary.import_id, now)
            if state in (MATCHED, CREATED):
                summary.matched += 1
            elif state == PENDING:
                summary.pending += 1
            else:
                summary.rejected += 1
        _end_the_absent(conn, owner, feed_return, held, now)
        conn.execute(
            delete(feed_failures).where(
                feed_failures.c.org_id == owner, feed_failures.c.source == feed_return.source.value
            )
        )
        if feed_return.queries:
            conn.execute(
                insert(feed_failures),
                refusals.failure_rows(summary.import_id, owner, feed_return.source.value, feed_return.queries),
            )
        summary.queries = len(feed_return.queries)
        summary.published = publish.publish_org(conn, owner, actor=actor)
        administration.record(
            conn,
            org_id=owner,
            actor=actor,
            action=f"import_{feed_return.source.value}",
            target=f"{len(feed_return.children)} children, sha256 {data_hash[:16]}"
            + (f", accepting rule(s) {', '.join(sorted(set(accepted)))}" if accepted else ""),
        )
    return summary


def _end_the_absent(conn: Connection, owner: str, feed_return: FeedReturn, held: dict[str, Any], now: datetime) -> None:
    """The children of earlier returns this one no longer names: their open statuses end (`carry_forward`)."""
    named = {c.la_child_id for c in feed_return.children}
    for la_child_id, row in held.items():
        if la_child_id in named:
            continue
        before = FeedChild.from_json(row.data)
        after = carry_forward(before, None, feed_return.year)
        if after.statuses != before.statuses:
            conn.execute(
                update(feed_children)
                .where(
                    feed_children.c.org_id == owner,
                    feed_children.c.source == feed_return.source.value,
                    feed_children.c.la_child_id == la_child_id,
                )
                .values(data=after.to_json(), updated_at=now)
            )


def _bring_up_to_date(
    conn: Connection,
    owner: str,
    child: FeedChild,
    before: Any,
    pool: Pool,
    import_id: str,
    now: datetime,
) -> str:
    key = {"org_id": owner, "source": child.source.value, "la_child_id": child.la_child_id}
    if before is not None and before.state in (MATCHED, CREATED, REJECTED):
        conn.execute(
            update(feed_children)
            .where(*(getattr(feed_children.c, k) == v for k, v in key.items()))
            .values(data=child.to_json(), import_id=import_id, updated_at=now)
        )
        return str(before.state)
    found = match(child, pool)
    state = MATCHED if found.certain else PENDING
    values = {
        "data": child.to_json(),
        "import_id": import_id,
        "updated_at": now,
        "state": state,
        "child_id": found.child_id,
        "method": found.method.value if found.method else None,
        "score": found.score,
        "candidates": [{"child_id": o.child_id, "score": o.score, "evidence": o.evidence} for o in found.offers],
    }
    if before is None:
        conn.execute(insert(feed_children).values(**key, **values))
    else:
        conn.execute(
            update(feed_children).where(*(getattr(feed_children.c, k) == v for k, v in key.items())).values(**values)
        )
    changed = before is None or before.state != state or (before.candidates or []) != values["candidates"]
    if changed:
        log(conn, owner, child.source.value, child.la_child_id, found, actor="matching", at=now)
    return state


def log(
    conn: Connection,
    org_id: str,
    source: str,
    la_child_id: str,
    found: Match | None = None,
    *,
    actor: str,
    at: datetime,
    decision: str | None = None,
    child_id: str | None = None,
    reason: str | None = None,
) -> None:
    """One line of the matching log (never updated or deleted)."""
    conn.execute(
        insert(feed_match_log).values(
            id=new_id(),
            at=at,
            org_id=org_id,
            source=source,
            la_child_id=la_child_id,
            decision=decision or (MATCHED if found and found.certain else PENDING),
            child_id=child_id or (found.child_id if found else None),
            method=found.method.value if found and found.method else ("person" if decision else None),
            score=found.score if found else None,
            actor=actor,
            reason=reason or (found.reason if found else None),
        )
    )
