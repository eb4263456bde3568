"""A write-behind view of the server tables for one push: read once, decide in memory, write with executemany.

A 500-change batch would otherwise cost several small statements per change, and statement overhead (not the
database) dominated. Everything a batch can touch — the records it names or points at, the involvements and
scope of the children involved — is fetched up front in a few `IN` queries; decisions update the in-memory
copies; `flush()` writes feed items, records, scope and answers in bulk, inside the caller's transaction.

Feed sequence numbers are assigned here (max + 1, …) because pushes run one at a time under the feed lock,
so numbering in memory is as safe as a database sequence and lets the feed be written in one statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, select

from casedesk.domain import sharing
from casedesk.server.db import feed, org_scope, records, tallies
from casedesk.server.db.bulk import insert_rows, one_of, probed, update_rows
from casedesk.server.db.clocks import borrowed, feed_clocks, lend, restore
from casedesk.server.db.compact import pack_versions, pack_writes, unpack_versions, unpack_writes

Key = tuple[str, str]
_CHUNK = 500


def next_seq(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one()) + 1


def held_rows(conn: Connection, result: Any, clocks: dict[int, str]) -> list[dict[str, Any]]:
    """A query's records as the push code works on them: versions, and per-field clocks and authors, as
    `{field: value}` maps. The clocks the records' writes leave to the feed (`clocks.lend`) are read from it once
    for all of them, and kept in `clocks` (feed item number → clock). The columns are named once: a row's own
    mapping built a key view per row, which took longer than reading it."""
    keys = list(result.keys())
    rows = [dict(zip(keys, row, strict=True)) for row in result]
    wanted: set[int] = set()
    for held in rows:
        held["versions"] = unpack_versions(held["versions"], held["data"])
        wanted |= borrowed(held["versions"], held["writes"])
    wanted -= clocks.keys()
    if wanted:
        clocks.update(feed_clocks(conn, wanted))
    for held in rows:
        writes = restore(held["versions"], held.pop("writes"), clocks)
        held["hlcs"], held["authors"] = unpack_writes(held["versions"], writes)
    return rows


def as_stored(row: dict[str, Any], clocks: dict[int, str], writes: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record's columns as stored: versions against the data, the per-field clocks and authors kept once per
    write (`writes` when the caller knows them already: an insert is one write), without the clocks the feed
    holds (`clocks`: those of the feed items this batch knows)."""
    stored = {k: v for k, v in row.items() if k not in ("hlcs", "authors")}
    stored["versions"] = pack_versions(row["versions"], row["data"])
    if writes is None:
        writes = pack_writes(row["versions"], row["hlcs"], row["authors"])
    stored["writes"] = lend(row["versions"], writes, clocks)
    return stored


class BatchCache:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.records: dict[Key, dict[str, Any] | None] = {}
        self.loaded: set[Key] = set()  # (entity, row id) pairs looked up: absent means absent
        self.new_records: set[Key] = set()
        self.one_write: dict[Key, dict[str, Any]] = {}  # new records written once: their stored `writes`
        self.dirty_records: set[Key] = set()
        self.involvements: dict[str, set[str]] = defaultdict(set)  # child id -> involvement row ids
        self.scope: dict[tuple[str, str], dict[str, Any]] = {}
        self.orgs_of: dict[str, set[str]] = defaultdict(set)  # child id -> organisations with a scope row
        self.scope_loaded: set[str] = set()
        self.involvements_loaded: set[str] = set()
        self.new_scope: set[tuple[str, str]] = set()
        self.dirty_scope: set[tuple[str, str]] = set()
        self.feed_rows: list[dict[str, Any]] = []
        self._seq: int | None = None
        # as read from the database, for the digest tallies: each record's (data, deleted), each scope's visibility
        self.stored: dict[Key, tuple[dict[str, Any], bool]] = {}
        self.scope_stored: dict[tuple[str, str], bool] = {}
        self.clocks: dict[int, str] = {}  # feed item number -> clock, of the items this batch knows (`clocks`)

    # -- loading -----------------------------------------------------------------------------------------------
    def _chunks(self, values: Iterable[str]) -> Iterable[list[str]]:
        items = sorted(set(values))
        for start in range(0, len(items), _CHUNK):
            yield items[start : start + _CHUNK]

    def load_rows(self, keys: Iterable[Key]) -> None:
        """Fetch these (entity, row id) records, one `IN` query per entity and chunk, so the lookups use the
        primary key (entity, row_id): by row id alone SQLite scanned the table for every batch."""
        by_entity: dict[str, set[str]] = defaultdict(set)
        for entity, row_id in keys:
            if row_id and (entity, row_id) not in self.loaded:
                by_entity[entity].add(row_id)
        for entity, row_ids in sorted(by_entity.items()):
            for chunk in self._chunks(row_ids):
                query = probed(self.conn, select(records).where(records.c.entity == entity), records.c.row_id, chunk)
                for held in held_rows(self.conn, self.conn.execute(query), self.clocks):
                    self._remember(held)
                self.loaded.update((entity, row_id) for row_id in chunk)

    def load_children(self, child_ids: Iterable[str]) -> None:
        """The scope rows of these children (who sees them: every change's visibility decision)."""
        fresh = [c for c in set(child_ids) if c and c not in self.scope_loaded]
        if not fresh:
            return
        for chunk in self._chunks(fresh):
            for row in self.conn.execute(select(org_scope).where(one_of(self.conn, org_scope.c.child_id, chunk))):
                self.scope[(row.org_id, row.child_id)] = {"visible": bool(row.visible), "since_seq": row.since_seq}
                self.orgs_of[row.child_id].add(row.org_id)
                self.scope_stored[(row.org_id, row.child_id)] = bool(row.visible)
        self.scope_loaded.update(fresh)

    def load_involvements(self, child_ids: Iterable[str]) -> None:
        """The involvement records of these children, for a rescope (who sees a child follows from them). Read
        only for the children whose visibility may change: every other change needs the scope rows alone."""
        fresh = [c for c in set(child_ids) if c and c not in self.involvements_loaded]
        for chunk in self._chunks(fresh):
            involved = one_of(self.conn, records.c.child_id, chunk)
            query = select(records).where(records.c.entity == "involvements", involved)
            for held in held_rows(self.conn, self.conn.execute(query), self.clocks):
                self._remember(held)
        self.involvements_loaded.update(fresh)

    def _remember(self, row: dict[str, Any]) -> None:
        key = (row["entity"], row["row_id"])
        if key not in self.records or self.records[key] is None:
            self.records[key] = row
            self.stored[key] = (row["data"], bool(row["deleted"]))
            if row["entity"] == "involvements" and row["child_id"]:
                self.involvements[row["child_id"]].add(row["row_id"])

    # -- reading -----------------------------------------------------------------------------------------------
    def get(self, entity: str, row_id: str) -> dict[str, Any] | None:
        key = (entity, row_id)
        if key not in self.records and key in self.loaded:
            return None
        if key not in self.records:
            query = select(records).where(records.c.entity == entity, records.c.row_id == row_id)
            found = held_rows(self.conn, self.conn.execute(query), self.clocks)
            self.records[key] = found[0] if found else None
            if found:
                self.stored[key] = (found[0]["data"], bool(found[0]["deleted"]))
        return self.records[key]

    def child_involvements(self, child_id: str) -> list[dict[str, Any]]:
        self.load_involvements([child_id])
        return [r for i in self.involvements[child_id] if (r := self.records.get(("involvements", i)))]

    def scope_of(self, child_id: str) -> dict[str, dict[str, Any]]:
        self.load_children([child_id])
        return {org: self.scope[(org, child_id)] for org in self.orgs_of[child_id]}

    def visible(self, org_id: str, child_id: str) -> bool:
        if child_id not in self.scope_loaded:  # asked for every change: loaded children answer from memory
            self.load_children([child_id])
        held = self.scope.get((org_id, child_id))
        return bool(held and held["visible"])

    # -- writing -----------------------------------------------------------------------------------------------
    def add_feed(self, **item: Any) -> int:
        if self._seq is None:
            self._seq = next_seq(self.conn)
        seq, self._seq = self._seq, self._seq + 1
        self.feed_rows.append(row := {"seq": seq, "audience_org": None, "deleted": False, "hlc": "", **item})
        self.clocks[seq] = row["hlc"]
        return seq

    def add_record(self, row: dict[str, Any], writes: dict[str, Any] | None = None) -> None:
        """A new record; `writes` is its stored clocks and authors when one write gave every field (an insert),
        so they need not be worked out again from per-field maps, unless the batch changes the record again."""
        key = (row["entity"], row["row_id"])
        self.records[key] = row
        self.new_records.add(key)
        if writes is not None:
            self.one_write[key] = writes
        if row["entity"] == "involvements" and row["child_id"]:
            self.involvements[row["child_id"]].add(row["row_id"])

    def touch_record(self, entity: str, row_id: str) -> None:
        self.one_write.pop((entity, row_id), None)
        if (entity, row_id) not in self.new_records:
            self.dirty_records.add((entity, row_id))

    def set_scope(self, org_id: str, child_id: str, visible: bool, since_seq: int) -> None:
        self.load_children([child_id])
        key = (org_id, child_id)
        if key not in self.scope and key not in self.new_scope:
            self.new_scope.add(key)
        elif key not in self.new_scope:
            self.dirty_scope.add(key)
        self.scope[key] = {"visible": visible, "since_seq": since_seq}
        self.orgs_of[child_id].add(org_id)
        self.scope_loaded.add(child_id)

    def tally_changes(self) -> tallies.Changes:
        """What this batch did to records and visibility, for the digest tallies. Pushes replace a record's data
        dictionary rather than change it in place, so `stored` still holds what the database holds."""
        out = tallies.Changes()
        children: set[str] = set()
        for key in sorted(self.new_records | self.dirty_records):
            row = self.records[key]
            if row is None:
                continue
            held = None if key in self.new_records else self.stored.get(key)
            after = (row["data"], bool(row["deleted"]))
            if held is None or held[0] != after[0] or held[1] != after[1]:
                out.rows.append((key[0], key[1], row["child_id"], row.get("created_by_org"), held, after))
                if row["child_id"]:
                    children.add(row["child_id"])
        children.update(child for _, child in self.new_scope | self.dirty_scope)
        self.load_children(children)
        for child in children:
            out.visible_before[child] = set()
            out.visible_after[child] = set()
        for (org, child), visible in self.scope_stored.items():
            if visible and child in children:
                out.visible_before[child].add(org)
        for (org, child), value in self.scope.items():
            if value["visible"] and child in children:
                out.visible_after[child].add(org)
        return out

    def flush(self, policy: sharing.Policy | None = None) -> None:
        c = self.conn
        tallies.apply(c, self.tally_changes(), policy)
        if self.feed_rows:
            insert_rows(c, feed, self.feed_rows)
        if self.new_records:
            added = [(k, self.records[k]) for k in sorted(self.new_records)]  # never None: a known-absent row
            insert_rows(
                c, records, [as_stored(row, self.clocks, self.one_write.get(k)) for k, row in added if row is not None]
            )
        if self.dirty_records:
            changed = [
                {
                    "entity": e,
                    "row_id": r,
                    "data": row["data"],
                    "versions": pack_versions(row["versions"], row["data"]),
                    "writes": lend(
                        row["versions"], pack_writes(row["versions"], row["hlcs"], row["authors"]), self.clocks
                    ),
                    "deleted": row["deleted"],
                }
                for (e, r) in sorted(self.dirty_records)
                if (row := self.records[(e, r)]) is not None
            ]
            update_rows(c, records, ("entity", "row_id"), changed)
        if self.new_scope:
            added_scope = [{"org_id": o, "child_id": ch, **self.scope[(o, ch)]} for (o, ch) in sorted(self.new_scope)]
            insert_rows(c, org_scope, added_scope)
        if self.dirty_scope:
            moved = [{"org_id": o, "child_id": ch, **self.scope[(o, ch)]} for (o, ch) in sorted(self.dirty_scope)]
            update_rows(c, org_scope, ("org_id", "child_id"), moved)
