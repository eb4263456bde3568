"""Apply pushed changes: idempotent by change id, merged per field, one bad change never blocking the rest.

Rules (DESIGN.md §4, issue 4):
- a field edited from the version the server holds wins; edits to different fields of a record both survive;
- a field edited from an older base whose value differs is a **conflict**: both values are recorded, the
  newer clock's value is kept — except for critical fields, where the server keeps the value it holds and a
  person decides; the conflict goes to every device that holds the record until someone resolves it;
- append-only rows are only ever added, so they never conflict; deletes are tombstones;
- a change that breaks a rule is rejected with a reason and the next one is applied as if it were not there.

Everything runs in the caller's transaction, under the feed lock (see `ServerDB.write(ordered=True)`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pydantic
from sqlalchemy import Connection

from casedesk.domain import roles, sharing
from casedesk.server import policy
from casedesk.server.db import agreement_admin, applied_changes, merges, policies
from casedesk.server.db.answers import acknowledge, given
from casedesk.server.db.bulk import insert_rows
from casedesk.server.db.cache import BatchCache, next_seq
from casedesk.server.db.compact import pack_answer
from casedesk.server.db.decisions import ConflictRules
from casedesk.server.db.merged_inserts import MERGES, MergedInserts
from casedesk.server.db.recovered import put_in_doubt
from casedesk.server.db.rules import NOT_VISIBLE, SCOPE_FIELDS, Rejected, check_values, device_of
from casedesk.sync.entities import ENTITIES, EntitySpec, is_critical
from casedesk.sync.wire import HLC_PATTERN, UUID_PATTERN, ChangeResult, WireChange

_UUID = re.compile(UUID_PATTERN)


class Pusher(ConflictRules, MergedInserts):
    """One push request from one device, inside one transaction."""

    def __init__(
        self,
        conn: Connection,
        device_id: str,
        org_id: str,
        role: str | None = None,
        manages_directory: bool = False,
        user: str | None = None,
    ) -> None:
        self.conn = conn
        self.device_id = device_id
        self.org_id = org_id
        self.role = role
        self.user = user  # whose grants (a break-glass override) widen what this device may write, as they do reads
        self.writes_records = roles.may(role, roles.Action.WRITE_RECORDS)  # an administrator or auditor may not
        self.manages_directory = manages_directory  # `casedesk.server.auth.may_manage_directory`
        self._policy: sharing.Policy | None = None
        self.now = datetime.now(UTC)
        self.cache = BatchCache(conn)
        self.high_water = 0
        self.today = policy.today()
        self.rescope_due: dict[str, set[str]] = {}  # child id -> organisations that may have lost it
        self.merged: dict[str, str] = merges.merged_map(conn)  # merges: see `casedesk.server.db.merges`
        self.new_merges: list[tuple[str, str]] = []

    def _prefetch(self, raw_changes: list[dict[str, Any]]) -> None:
        """Read everything the batch can touch in a few queries (see `BatchCache`)."""
        keys: set[tuple[str, str]] = set()  # (entity, row id): the records table's primary key
        child_ids: set[str] = set()
        for raw in raw_changes:
            entity = str(raw.get("entity"))
            spec = ENTITIES.get(entity)
            given = raw.get("fields")
            fields: dict[str, Any] = given if isinstance(given, dict) else {}
            if spec is None:
                continue
            keys.add((entity, str(raw.get("row_id", ""))))
            keys.update((target, str(fields[name])) for name, target in spec.references.items() if fields.get(name))
            if spec.child_key == "id":
                child_ids.add(str(raw.get("row_id", "")))
            elif spec.child_key and fields.get(spec.child_key):
                child_ids.add(str(fields[spec.child_key]))
        self.cache.load_rows(k for k in keys if _UUID.match(k[1]))  # a malformed id is refused later, unread
        child_ids.update(r["child_id"] for r in self.cache.records.values() if r and r["child_id"])
        self.cache.load_children(c for c in child_ids if _UUID.match(c))

    # -- the batch ---------------------------------------------------------------------------------------------
    def push(self, raw_changes: list[dict[str, Any]], recorded: Sequence[str] = ()) -> list[ChangeResult]:
        """Apply a batch; `recorded` names changes whose answers the device has recorded (see `answers`)."""
        ids = [str(raw.get("change_id", "")) for raw in raw_changes]
        # Only well-formed ids are looked up: anything else is refused by `_one`, and a NUL in a query is an error
        # on PostgreSQL, not a miss.
        well_formed = [i for i in ids if _UUID.match(i)]
        self.high_water = next_seq(self.conn) - 1  # the newest version this server has issued
        done = given(self.conn, self.device_id, well_formed)
        self._prefetch([raw for raw, cid in zip(raw_changes, ids, strict=True) if cid not in done])
        results = []
        answers = []
        for change_id, raw in zip(ids, raw_changes, strict=True):
            if change_id in done:  # a retried batch (or a reused id): answer as before, apply nothing twice
                results.append(done[change_id])
                continue
            result = self._one(change_id, raw)
            if result.status != "rejected":  # a refusal wrote nothing: a retried one is judged afresh
                answer = pack_answer({"status": result.status, "versions": result.versions, "reason": result.reason})
                answers.append({"change_id": change_id, "device_id": self.device_id, "result": answer, "at": self.now})
                done[change_id] = result
            results.append(result)
        self.rescope_all()
        self.write_conflicts()
        self._flush()
        merges.apply_merges(self)
        self.write_conflicts()
        if answers:
            insert_rows(self.conn, applied_changes, answers)
        if recorded:
            acknowledge(self.conn, self.device_id, recorded)
        return results

    def _flush(self) -> None:
        """Write the batch. A consent record changed narrows or widens what other organisations receive of its
        child: those children are rescoped like a change of agreement (their views counted under the consent
        records before and after)."""
        cache = self.cache
        consented = {
            row["child_id"]
            for key in cache.new_records | cache.dirty_records
            if key[0] == "consents" and (row := cache.records.get(key)) is not None and row["child_id"]
        }
        before = policies.load(self.conn)
        for child_id in consented:
            before.consents(child_id)  # read now, before the batch writes them
        cache.flush(before)
        if consented:
            agreement_admin.rescope(self.conn, before, policies.load(self.conn), children=consented)

    def _one(self, change_id: str, raw: dict[str, Any]) -> ChangeResult:
        try:
            change = WireChange.model_validate(raw)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            reason = "malformed change id" if not change_id else f"malformed change ({where}: {first['msg']})"
            return ChangeResult(change_id=change_id or "?", status="rejected", reason=reason)
        try:
            if not HLC_PATTERN.match(change.hlc):
                raise Rejected("malformed clock value")
            if change.device_id != self.device_id:
                raise Rejected("the change names another device")
            return self._apply(change)
        except Rejected as exc:
            return ChangeResult(change_id=change_id, status="rejected", reason=str(exc))

    # -- helpers -----------------------------------------------------------------------------------------------
    def _get(self, entity: str, row_id: str) -> dict[str, Any] | None:
        return self.cache.get(entity, row_id)

    def _feed(
        self,
        kind: str,
        entity: str,
        row_id: str,
        child_id: str | None,
        fields: dict[str, Any],
        *,
        deleted: bool = False,
        hlc: str = "",
        audience: str | None = None,
    ) -> int:
        return self.cache.add_feed(
            kind=kind,
            entity=entity,
            row_id=row_id,
            child_id=child_id,
            audience_org=audience,
            fields=fields,
            deleted=deleted,
            hlc=hlc,
        )

    def _visible(self, child_id: str) -> bool:
        return self.cache.visible(self.org_id, child_id)

    def _save(self, entity: str, row_id: str, **values: Any) -> None:
        record = self.cache.get(entity, row_id)
        assert record is not None
        record.update(values)
        self.cache.touch_record(entity, row_id)

    def _child_of(self, spec: EntitySpec, row_id: str, fields: dict[str, Any]) -> str | None:
        if spec.child_key is None:
            return None
        return row_id if spec.child_key == "id" else fields.get(spec.child_key)

    def _check_references(self, spec: EntitySpec, fields: dict[str, Any]) -> None:
        for name, target in spec.references.items():
            value = fields.get(name)
            if value is None:
                continue
            held = self._get(target, str(value)) if _UUID.match(str(value)) else None
            if held is None or (held["child_id"] and not self._visible(held["child_id"])):
                raise Rejected(f"{name}: {NOT_VISIBLE}")

    # -- the rules ---------------------------------------------------------------------------------------------
    def _apply(self, change: WireChange) -> ChangeResult:
        if change.op == "resolve":
            return self._resolve(change)
        spec = ENTITIES.get(change.entity)
        if spec is None:
            raise Rejected(f"unknown kind of record {change.entity!r}")
        if change.entity == "sharing_agreements":
            raise Rejected("information-sharing agreements are recorded by the server's administrators")
        if change.entity == "alert_rule_sets" and not roles.may(self.role, roles.Action.CONFIGURE_ALERTS):
            raise Rejected("your role does not set the area's alert rules or risk indicators")
        if change.entity in roles.DIRECTORY_RECORDS and not self.manages_directory:
            raise Rejected(
                "only the area's directory managers change the directory and guidance; ask your administrator"
            )
        current = self._get(change.entity, change.row_id)
        if spec.child_key is not None and not self.writes_records:
            raise Rejected("your role does not record case information; ask your organisation's administrator")
        self._check_scope(change, spec, current)  # before anything else, so no answer depends on a hidden record
        self._check_shared(change, current)
        self._check_bases(change)
        if change.op in ("insert", "append") and current is None:
            return self._insert(merges.redirect(self, change, spec), spec)
        if current is None:
            raise Rejected(NOT_VISIBLE)
        if change.op == "insert" and change.entity in MERGES:  # the same row raised twice (e.g. an alert)
            return self._merge_insert(change, spec, current)
        if change.op == "append":  # already there: an append-only row never changes
            return self._same_append(change, spec, current)
        if change.op == "delete":
            return self._delete(change, current)
        if spec.append_only:
            raise Rejected(f"{change.entity} are append-only: record an amendment instead")
        return self._update(change, spec, current)

    def _check_scope(self, change: WireChange, spec: EntitySpec, current: dict[str, Any] | None) -> None:
        """Refuse, in one wording, a change to a row of a child this organisation does not see — whether the
        row or child exists or not — so the answer never tells a hidden record from a missing one."""
        if current is not None:
            child_id = current["child_id"]
        elif change.op in ("insert", "append"):
            child_id = None if spec.child_key == "id" else change.fields.get(spec.child_key or "")
        else:
            raise Rejected(NOT_VISIBLE)
        if child_id is not None and (
            not isinstance(child_id, str) or not _UUID.match(child_id) or not self._visible(child_id)
        ):
            raise Rejected(NOT_VISIBLE)

    def _check_shared(self, change: WireChange, current: dict[str, Any] | None) -> None:
        """Refuse, in the same wording, a change to a row (or a field) of another organisation that is not
        shared with this one: a device cannot write what it may not read. What an override in force grants its
        user may be written by that user's devices, as it may be read."""
        if current is None or not current["child_id"] or current.get("created_by_org") in (None, self.org_id):
            return
        if self._policy is None:
            self._policy = policies.load(self.conn)
        org = self._policy.orgs(self.org_id)
        view = roles.view_of(self.role, org.kind if org else "") or roles.FULL
        allowed = self._policy.allowed_for(
            self.org_id, current["child_id"], source_org=current["created_by_org"], view=view, user=self.user
        )
        withheld = sharing.fields_withheld(change.entity, current["data"], allowed)
        if withheld is None or withheld & set(change.fields):
            raise Rejected(NOT_VISIBLE)

    def _check_bases(self, change: WireChange) -> None:
        """A base version is one the server handed out; a higher one would skip conflict detection."""
        for name, base in change.base_versions.items():
            if base > self.high_water or base < 0:
                raise Rejected(f"{name}: base version {base} was never issued by this server")

    def _same_append(self, change: WireChange, spec: EntitySpec, current: dict[str, Any]) -> ChangeResult:
        """An append-only row sent again: the same content is the same row; different content is refused,
        never answered "applied" and dropped."""
        fields = check_values(spec, change.entity, {**spec.defaults, **change.fields})  # compared as stored
        if any(current["data"].get(name) != value for name, value in fields.items()):
            raise Rejected(f"another {change.entity[:-1].replace('_', ' ')} already has this id")
        return ChangeResult(change_id=change.change_id, status="applied", versions=current["versions"])

    def _insert(self, change: WireChange, spec: EntitySpec) -> ChangeResult:
        fields = check_values(spec, change.entity, {**spec.defaults, **change.fields})
        missing = sorted(name for name in spec.required if fields.get(name) in (None, ""))
        if missing:
            raise Rejected(f"missing {', '.join(missing)}")
        self._check_references(spec, fields)
        child_id = self._child_of(spec, change.row_id, fields)
        # the insert's feed item holds no copy of the values: the record does (`pulls.pull` reads them there)
        seq = self._feed("row", change.entity, change.row_id, child_id, {}, hlc=change.hlc)
        versions = dict.fromkeys(fields, seq)
        self.cache.add_record(
            {
                "entity": change.entity,
                "row_id": change.row_id,
                "child_id": child_id,
                "created_by_org": self.org_id or None,  # the owner: whose agreements decide who else receives it
                "created_seq": seq,
                "data": fields,
                "versions": versions,
                "hlcs": dict.fromkeys(fields, change.hlc),
                "authors": dict.fromkeys(fields, change.author),
                "deleted": False,
            },
            writes={str(seq): [change.hlc, change.author]} if fields else {},  # what `pack_writes` makes of one write
        )
        if change.recovered and change.entity == "mail_requests":
            put_in_doubt(self.conn, change.row_id, self.now)
        if change.entity == "children" and child_id:
            self.cache.set_scope(self.org_id, child_id, True, seq)
        elif change.entity == "involvements" and child_id:
            self._rescope_later(child_id)
        return ChangeResult(change_id=change.change_id, status="applied", versions=versions)

    def _update(self, change: WireChange, spec: EntitySpec, current: dict[str, Any]) -> ChangeResult:
        change = change.model_copy(update={"fields": check_values(spec, change.entity, change.fields)})
        self._check_references(spec, change.fields)
        if spec.child_key and spec.child_key in change.fields and change.fields[spec.child_key] != current["child_id"]:
            raise Rejected("a record cannot move to another child")
        data, versions = dict(current["data"]), dict(current["versions"])
        hlcs, authors = dict(current["hlcs"]), dict(current["authors"])
        winners: dict[str, Any] = {}
        result_versions: dict[str, int] = {}
        conflicted = False
        for name, value in change.fields.items():
            base, held = int(change.base_versions.get(name, 0)), int(versions.get(name, 0))
            held_hlc = str(hlcs.get(name, ""))
            own = device_of(held_hlc) == change.device_id == device_of(change.hlc)
            if base >= held or (own and change.hlc > held_hlc):
                # fresh, or this device superseding its own earlier edit that it had not yet heard back about
                # (a value re-sent after a restore carries its author's clock, so it never counts as "own")
                winners[name] = value
            elif data.get(name) == value:
                result_versions[name] = held  # the same value arrived by another road: nothing to decide
            else:
                conflicted = True
                incoming_wins = not is_critical(change.entity, name) and change.hlc > str(hlcs.get(name, ""))
                if incoming_wins:
                    winners[name] = value
                self._record_conflict(change, current, name, value, kept=value if incoming_wins else data.get(name))
        if winners:
            seq = self._feed(
                "row",
                change.entity,
                change.row_id,
                current["child_id"],
                winners,
                hlc=change.hlc,
                deleted=bool(current["deleted"]),
            )
            for name, value in winners.items():
                data[name], versions[name], hlcs[name], authors[name] = value, seq, change.hlc, change.author
                result_versions[name] = seq
            self._save(change.entity, change.row_id, data=data, versions=versions, hlcs=hlcs, authors=authors)
            if change.entity == "involvements" and winners.keys() & SCOPE_FIELDS:
                self._rescope_later(current["child_id"], also=current["data"].get("organisation_id"))
        return ChangeResult(
            change_id=change.change_id, status="conflict" if conflicted else "applied", versions=result_versions
        )

    def _delete(self, change: WireChange, current: dict[str, Any]) -> ChangeResult:
        if current["deleted"]:
            return ChangeResult(
                change_id=change.change_id,
                status="applied",
                versions={"deleted": int(current["versions"].get("deleted", 0))},
            )
        seq = self._feed("row", change.entity, change.row_id, current["child_id"], {}, deleted=True, hlc=change.hlc)
        versions = {**current["versions"], "deleted": seq}
        self._save(change.entity, change.row_id, deleted=True, versions=versions)
        if change.entity == "involvements":
            self._rescope_later(current["child_id"])
        return ChangeResult(change_id=change.change_id, status="applied", versions={"deleted": seq})

    # -- scope -------------------------------------------------------------------------------------------------
    def _rescope_later(self, child_id: str | None, also: str | None = None) -> None:
        """Note a child whose visibility may change. Scope is decided once, after the whole batch: a device's
        batch holds what it recorded while it still saw the child (a note written before the involvement was
        ended), and that must not be refused because the ending arrived first in the same batch."""
        if child_id:
            self.rescope_due.setdefault(child_id, set()).update({also} if also else set())

    def rescope_all(self) -> None:
        # the children's own records in one query, not one round trip each (an edit of involvements names many)
        due = [child_id for child_id in self.rescope_due if _UUID.match(child_id)]
        self.cache.load_rows(("children", child_id) for child_id in due)
        self.cache.load_involvements(due)
        for child_id, also in sorted(self.rescope_due.items()):
            targets: list[str | None] = [*sorted(also)] or [None]
            for org in targets:
                self._rescope(child_id, also=org)
        self.rescope_due.clear()

    def _rescope(self, child_id: str, also: str | None = None) -> None:
        """After an involvement changes, tell organisations that gain or lose the child (enter/leave items)."""
        child = self._get("children", child_id)
        if child is None:
            return
        now_visible = policy.visible_orgs(
            child["created_by_org"], self.cache.child_involvements(child_id), on=self.today
        )
        held = {org: bool(value["visible"]) for org, value in self.cache.scope_of(child_id).items()}
        for org in sorted(set(held) | now_visible | ({also} if also else set())):
            was, now = held.get(org, False), org in now_visible
            if was != now:
                seq = self._feed("enter" if now else "leave", "children", child_id, child_id, {}, audience=org)
                self.cache.set_scope(org, child_id, now, seq)
