"""Merging two records of one child on this device: the merge record, and re-pointing rows at the kept child.

A merge is one append-only `child_merges` row, journaled like any other, plus a tombstone of the merged child.
What it *does* — every row recorded under the merged child now sits under the kept child — is not journaled row
by row: each device and the server apply it themselves from the merge record (`repoint`), the same way, so the
result is identical everywhere and applying it twice changes nothing. Nothing is deleted: the rows keep their ids,
authors, versions and audit entries (the audit log is never rewritten); the merged child's row stays as a
tombstone, and the merge record keeps its identity as it was.

A device that recorded something for the merged child while offline pushes it under the old id; the server files
it under the kept child (`casedesk.server.db.merges`), and when this device pulls the merge it re-points its own
copy too (`settle`, after every pulled page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text, update
from sqlalchemy.orm import Session

from casedesk.domain.schema import CATALOGUE
from casedesk.store import attendance_repo
from casedesk.store.journal import tallies
from casedesk.store.models import SYNCED_TABLES, AuditRow, ChildMergeRow
from casedesk.store.tables import mapped_table

# every synced table recording rows under a child by `child_id` (the merge record itself is under `kept_id`)
REPOINTED = tuple(name for name, spec in CATALOGUE.items() if spec.child_key == "child_id")
MERGES = mapped_table(ChildMergeRow)


@dataclass(frozen=True)
class Merge:
    id: str
    kept_id: str
    merged_id: str
    merged_by: str
    merged_at: datetime
    reason: str | None
    evidence: list[Any]
    merged_identity: dict[str, Any]


def repoint(conn: Connection, merged_id: str, kept_id: str) -> int:
    """Move every row recorded under `merged_id` to `kept_id` (a merge record must name the two: the append-only
    tables' triggers refuse anything else). Returns how many rows moved; the second time, none."""
    delta = tallies.new_delta()
    moved = 0
    for entity in REPOINTED:
        table = mapped_table(SYNCED_TABLES[entity])
        rows = conn.execute(select(table).where(table.c.child_id == merged_id)).mappings().all()
        if not rows:
            continue
        for row in rows:
            after = {**row, "child_id": kept_id}
            tallies.record_change(delta, entity, tallies.number_of(entity, row), tallies.number_of(entity, after))
        conn.execute(update(table).where(table.c.child_id == merged_id).values(child_id=kept_id))
        moved += len(rows)
    tallies.adjust(conn, delta)
    _derived(conn, merged_id, kept_id)
    return moved


def _derived(conn: Connection, merged_id: str, kept_id: str) -> None:
    """The device-only tables derived from a child's rows follow them: notices of withheld rows move, the last
    contact is the later of the two, attendance counts are worked out again and alerts evaluated again."""
    ids = {"m": merged_id, "k": kept_id}
    conn.execute(text("UPDATE withheld_rows SET child_id = :k WHERE child_id = :m"), ids)
    conn.execute(
        text(
            "INSERT OR REPLACE INTO child_activity (child_id, last_contact) SELECT :k, MAX(last_contact) "
            "FROM child_activity WHERE child_id IN (:m, :k) HAVING COUNT(*) > 0"
        ),
        ids,
    )
    conn.execute(text("DELETE FROM child_activity WHERE child_id = :m"), ids)
    conn.execute(text("DELETE FROM attendance_totals WHERE child_id = :m"), ids)
    attendance_repo.refresh_totals(conn, [kept_id])
    conn.execute(text("INSERT OR IGNORE INTO alert_dirty (child_id) VALUES (:k)"), ids)


def record_merge(conn: Connection, row: dict[str, Any]) -> None:
    """A merge record just written here or pulled: apply it."""
    repoint(conn, str(row["merged_id"]), str(row["kept_id"]))


def settle(conn: Connection, items: Iterable[Any]) -> None:
    """After a pulled page: apply the merges it brought, and re-point rows it brought for a merged child (another
    device recorded them before it heard of the merge). Idempotent, so a page applied again changes nothing."""
    if conn.execute(select(MERGES.c.id).limit(1)).first() is None:
        return  # no merge held here, the page's own included (applied by now): nothing to re-point
    named: set[str] = set()
    for item in items:
        if getattr(item, "kind", "") != "row":
            continue
        fields = item.fields or {}
        if item.entity == "child_merges" and fields.get("merged_id"):
            named.add(str(fields["merged_id"]))
        elif fields.get("child_id"):
            named.add(str(fields["child_id"]))
    if not named:
        return
    for start in range(0, len(named), 500):
        chunk = sorted(named)[start : start + 500]
        query = select(MERGES.c.merged_id, MERGES.c.kept_id).where(MERGES.c.merged_id.in_(chunk))
        for merged_id, kept_id in conn.execute(query.order_by(MERGES.c.merged_at)).all():
            repoint(conn, merged_id, final_id(conn, kept_id))


def final_id(conn: Connection, child_id: str) -> str:
    """Where a child's rows live now: itself, or the child it was merged into (followed through later merges)."""
    seen = {child_id}
    while True:
        row = conn.execute(select(MERGES.c.kept_id).where(MERGES.c.merged_id == child_id).limit(1)).first()
        if row is None or row[0] in seen:
            return child_id
        child_id = row[0]
        seen.add(child_id)


def merges_into(session: Session, kept_id: str) -> list[Merge]:
    rows = session.execute(select(MERGES).where(MERGES.c.kept_id == kept_id).order_by(MERGES.c.merged_at)).mappings()
    return [
        Merge(
            r["id"],
            r["kept_id"],
            r["merged_id"],
            r["merged_by"],
            r["merged_at"],
            r["reason"],
            list(r["evidence"] or []),
            dict(r["merged_identity"] or {}),
        )
        for r in rows
    ]


def merged_ids(session: Session) -> set[str]:
    return set(session.execute(select(MERGES.c.merged_id)).scalars())


DIFFERENT = "different-child"  # the audit action of a person's "these are two children"


def different_children(session: Session) -> set[frozenset[str]]:
    """The pairs a person has said are two different children (from the possible duplicates, or when adding a
    child like another). The audit log is where the decision lives: append-only and hash-chained, so a decision
    is never lost or quietly changed, and the finder leaves these pairs out."""
    rows = session.execute(select(AuditRow.row_id, AuditRow.after).where(AuditRow.action == DIFFERENT))
    return {
        frozenset((row_id, str(after["other_child_id"])))
        for row_id, after in rows
        if isinstance(after, dict) and after.get("other_child_id")
    }
