"""Conflicts on the server: recording both values of a same-field clash, and applying a person's decision.

A mixin of `Pusher` (it uses the batch's feed, records and scope), kept apart so each file reads on its own.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select, update

from casedesk.domain.ids import new_id
from casedesk.server.db import conflicts
from casedesk.server.db.bulk import insert_rows, one_of
from casedesk.server.db.rules import NOT_VISIBLE, SCOPE_FIELDS, Rejected, check_values, device_of
from casedesk.sync.entities import ENTITIES, is_critical
from casedesk.sync.wire import ChangeResult, WireChange


class ConflictRules:
    """Needs from its host: conn, now, org_id and _feed/_get/_visible/_save (see `Pusher`)."""

    conn: Any
    now: Any
    cache: Any  # the batch's `BatchCache`

    def _feed(self, *args: Any, **kwargs: Any) -> int:  # provided by Pusher
        raise NotImplementedError

    def _get(self, entity: str, row_id: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _visible(self, child_id: str) -> bool:
        raise NotImplementedError

    def _save(self, entity: str, row_id: str, **values: Any) -> None: ...

    def _rescope_later(self, child_id: str | None, also: str | None = None) -> None: ...

    def _record_conflict(self, change: WireChange, current: dict[str, Any], name: str, value: Any, kept: Any) -> None:
        incoming = {"value": value, "hlc": change.hlc, "device_id": change.device_id, "author": change.author}
        held_hlc = str(current["hlcs"].get(name, ""))
        held = {
            "value": current["data"].get(name),
            "hlc": held_hlc,
            "device_id": device_of(held_hlc),
            "author": str(current["authors"].get(name, "")),
        }
        existing = self._open_conflict(current["entity"], current["row_id"], name)
        if existing is None:
            row = {
                "id": new_id(),
                "entity": current["entity"],
                "row_id": current["row_id"],
                "child_id": current["child_id"],
                "field": name,
                "critical": is_critical(current["entity"], name),
                "kept": kept,
                "candidates": sorted([held, incoming], key=lambda c: c["hlc"]),
                "state": "open",
                "created_at": self.now,
            }
            self._conflicts_due().append(row)  # written with the batch (`write_conflicts`)
            self._open_conflicts()[(row["entity"], row["row_id"], name)] = SimpleNamespace(**row)
            conflict_id = row["id"]
        else:
            conflict_id = existing.id
            if any(c["hlc"] == incoming["hlc"] and c["value"] == value for c in existing.candidates):
                return  # the same value from the same clock, re-sent by another device after a restore
            candidates = sorted([*existing.candidates, incoming], key=lambda c: c["hlc"])
            self.write_conflicts()  # it may be one of this batch's
            self.conn.execute(
                update(conflicts).where(conflicts.c.id == conflict_id).values(candidates=candidates, kept=kept)
            )
            existing.candidates = candidates
        self._feed(
            "conflict",
            current["entity"],
            current["row_id"],
            current["child_id"],
            {"conflict_id": conflict_id},
            hlc=change.hlc,
        )

    # -- the batch's open conflicts, read at its first clash and written with it ----------------------------------
    def _open_conflicts(self) -> dict[tuple[str, str, str], Any]:
        """The open conflicts over the batch's records, by (entity, row id, field), as far as read (see
        `_open_conflict`)."""
        held: dict[tuple[str, str, str], Any] | None = self.__dict__.get("_open")
        if held is None:
            held = self.__dict__["_open"] = {}
            self.__dict__["_open_read"] = set()
        return held

    def _open_conflict(self, entity: str, row_id: str, name: str) -> Any:
        """The open conflict over this field, if any. The first clash in a record of an entity reads those of
        every record of that entity the batch holds, in one query per 500: one query per clash was a round trip
        each on PostgreSQL, most of a small round's statements when its edits clash."""
        held = self._open_conflicts()
        read: set[tuple[str, str]] = self.__dict__["_open_read"]
        if (entity, row_id) not in read:
            wanted = {key for key, row in self.cache.records.items() if row is not None and key[0] == entity}
            row_ids = sorted({r for _, r in wanted - read} | {row_id})
            for start in range(0, len(row_ids), 500):
                chunk = row_ids[start : start + 500]
                among = one_of(self.conn, conflicts.c.row_id, chunk)
                query = select(conflicts).where(conflicts.c.entity == entity, among, conflicts.c.state == "open")
                for found in self.conn.execute(query):
                    held.setdefault((found.entity, found.row_id, found.field), SimpleNamespace(**found._mapping))
            read.update(wanted | {(entity, row_id)})
        return held.get((entity, row_id, name))

    def _conflicts_due(self) -> list[dict[str, Any]]:
        due: list[dict[str, Any]] = self.__dict__.setdefault("_conflicts_due_rows", [])
        return due

    def write_conflicts(self) -> None:
        """Insert the conflicts this batch recorded so far, in one statement (the host calls it before the batch
        ends; a resolution calls it first, so it reads them too)."""
        due = self._conflicts_due()
        if due:
            insert_rows(self.conn, conflicts, list(due))
            due.clear()

    def _resolve(self, change: WireChange) -> ChangeResult:
        self.write_conflicts()
        found = self.conn.execute(select(conflicts).where(conflicts.c.id == change.row_id)).first()
        if found is None or (found.child_id and not self._visible(found.child_id)):
            raise Rejected(NOT_VISIBLE)
        if "value" not in change.fields:
            raise Rejected("a resolution needs the chosen value")
        if found.state == "resolved":
            return self._resolve_again(change, found)
        record = self._get(found.entity, found.row_id)
        assert record is not None
        value = check_values(ENTITIES[found.entity], found.entity, {found.field: change.fields["value"]})[found.field]
        seq = self._feed(
            "row",
            found.entity,
            found.row_id,
            found.child_id,
            {found.field: value},
            hlc=change.hlc,
            deleted=bool(record["deleted"]),
        )
        data = {**record["data"], found.field: value}
        versions = {**record["versions"], found.field: seq}
        self._save(
            found.entity,
            found.row_id,
            data=data,
            versions=versions,
            hlcs={**record["hlcs"], found.field: change.hlc},
            authors={**record["authors"], found.field: change.author},
        )
        if found.entity == "involvements" and found.field in SCOPE_FIELDS:
            self._rescope_later(found.child_id)
        self.conn.execute(
            update(conflicts)
            .where(conflicts.c.id == found.id)
            .values(state="resolved", resolution=value, kept=value, resolved_by=change.author)
        )
        self._feed("conflict", found.entity, found.row_id, found.child_id, {"conflict_id": found.id}, hlc=change.hlc)
        return ChangeResult(change_id=change.change_id, status="applied", versions={found.field: seq})

    def _resolve_again(self, change: WireChange, found: Any) -> ChangeResult:
        """A decision on a conflict someone already decided. The same choice is simply agreed; a different one
        is a new disagreement about the field, recorded as a new conflict with the value now held — never
        answered "applied" and thrown away."""
        record = self._get(found.entity, found.row_id)
        assert record is not None
        value = change.fields["value"]
        if value == found.resolution:
            held = int(record["versions"].get(found.field, 0))
            return ChangeResult(change_id=change.change_id, status="applied", versions={found.field: held})
        check_values(ENTITIES[found.entity], found.entity, {found.field: value})
        if record["data"].get(found.field) == value:  # the field holds that value already (edited since)
            held = int(record["versions"].get(found.field, 0))
            return ChangeResult(change_id=change.change_id, status="applied", versions={found.field: held})
        self._record_conflict(change, record, found.field, value, kept=record["data"].get(found.field))
        return ChangeResult(change_id=change.change_id, status="conflict")
