"""Merges of two records of one child, on the server: check them, apply them, and file late rows correctly.

A device pushes a merge as one `child_merges` row (see `casedesk.store.merges`). The server checks the pushing
organisation sees both children and neither is already merged, then, once the batch is written, re-points every
row it holds under the merged child at the kept one — the same transformation each device applies when it pulls
the merge record, so both sides end with the same rows (and the same digest) without a feed entry per row.
Organisations that saw the merged child through an involvement now see the kept child (its involvements moved),
so they receive it whole, merge record first.

A device that recorded something for the merged child while offline pushes it under the old id afterwards: the
server files it under the kept child (`redirect`), and the device re-points its own copy when it pulls the merge.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from casedesk.server.db import records, tallies
from casedesk.server.db.rules import NOT_VISIBLE, Rejected
from casedesk.sync.entities import EntitySpec
from casedesk.sync.wire import WireChange

ENTITY = "child_merges"


def merged_map(conn: Connection) -> dict[str, str]:
    """merged child id -> kept child id, for every merge the server holds (a handful: one per confirmed merge)."""
    query = select(records.c.data).where(records.c.entity == ENTITY, records.c.deleted.is_(False))
    return {str(d["merged_id"]): str(d["kept_id"]) for (d,) in conn.execute(query)}


def final(merged: dict[str, str], child_id: str) -> str:
    seen = {child_id}
    while child_id in merged and merged[child_id] not in seen:
        child_id = merged[child_id]
        seen.add(child_id)
    return child_id


def redirect(pusher: Any, change: WireChange, spec: EntitySpec) -> WireChange:
    """A new row for a merged child goes under the kept child; a new merge is checked and noted for the batch."""
    merged: dict[str, str] = pusher.merged
    if change.entity == ENTITY:
        kept_id, merged_id = str(change.fields.get("kept_id", "")), str(change.fields.get("merged_id", ""))
        target = pusher._get("children", merged_id)
        if target is None or not pusher._visible(merged_id):
            raise Rejected(f"merged_id: {NOT_VISIBLE}")
        if kept_id == merged_id or merged_id in merged or final(merged, kept_id) == merged_id:
            raise Rejected("this child has already been merged")
        if kept_id in merged:
            raise Rejected("the kept child has itself been merged into another; merge into that one")
        merged[merged_id] = kept_id
        pusher.new_merges.append((merged_id, kept_id))
        return change
    child_id = change.fields.get("child_id") if spec.child_key == "child_id" else None
    if isinstance(child_id, str) and child_id in merged:
        return change.model_copy(update={"fields": {**change.fields, "child_id": final(merged, child_id)}})
    return change


def apply_merges(pusher: Any) -> None:
    """After the batch is written: re-point the merged children's rows, rescope the kept children, recount."""
    if not pusher.new_merges:
        return
    conn: Connection = pusher.conn
    for merged_id, kept_id in pusher.new_merges:
        repoint(conn, merged_id, kept_id)
    rescoper = type(pusher)(conn, device_id="server", org_id="")  # a Pusher of the server's own
    for _, kept_id in pusher.new_merges:
        rescoper._rescope_later(kept_id)
    rescoper.rescope_all()
    rescoper._flush()
    # Rows changed child, which the kept tallies never expect of a row: count them again from the records.
    tallies.rebuild(conn)
    pusher.new_merges.clear()


def repoint(conn: Connection, merged_id: str, kept_id: str) -> int:
    """Every row held under `merged_id` (but the child's own row) now under `kept_id`; idempotent."""
    query = select(records.c.entity, records.c.row_id, records.c.data).where(
        records.c.child_id == merged_id, records.c.entity != "children"
    )
    moved = 0
    for entity, row_id, data in conn.execute(query).all():
        new_data = {**data, "child_id": kept_id} if "child_id" in data else data
        conn.execute(
            update(records)
            .where(records.c.entity == entity, records.c.row_id == row_id)
            .values(child_id=kept_id, data=new_data)
        )
        moved += 1
    return moved
