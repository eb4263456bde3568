"""Recovering from a restore without loss: the server's from a backup, or this device's from an old backup.

**Detection** (before every push): the server reports its generation, lineage and feed end
(`casedesk.server.db.generation`). A new generation, or a stored cursor beyond the feed's end, means the server
went back in time. The **fork** is the last feed position the device and the server still share: the base of
the first generation that is not common to the lineage the device last saw and the server's.

**Reconciliation** compares the device's own state with the server's current rows (the snapshot endpoint),
entity by entity, parents first:
- a field whose value differs and whose version on the device is past the fork is a write the server lost: it is
  re-sent — from the server's version when the server has not touched the field since (it applies), else from
  the fork (the server weighs it against the newer value: a conflict, recorded as usual, never settled silently);
- a row the server lacks is re-sent whole (and its tombstone, if deleted) unless the server provably had it;
- otherwise the server's value and version are taken, so every version on the device is in the new numbering;
- fields with edits still in the outbox are left to the ordinary push, whose bases are rebased past the fork;
- open conflicts on a re-sent field are re-created on the server (each candidate sent with its own clock).

Re-sent changes are marked `recovered`: the server holds any referral email they carry, so none is sent twice.
A device restored from its own old backup is the same walk with the fork at the server's feed end: nothing is
re-sent and it takes everything it lacks, including its own later writes (which pulls never echo back).

The marker (`config.RECOVERY`) stays until the walk finishes, and a field keeps its old version until the server
answered for it, so an interrupted reconciliation simply runs again. Re-running is harmless: equal values
are only renumbered. Several devices reconciling at once converge because every decision is the server's
ordinary per-field merge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from casedesk import config
from casedesk.domain.ids import new_id
from casedesk.store.database import Database
from casedesk.store.journal import recovery
from casedesk.store.models import APPEND_ONLY_TABLES
from casedesk.sync.entities import ENTITIES, ENTITY_ORDER
from casedesk.sync.transport import Transport
from casedesk.sync.wire import MAX_BATCH, ServerState

log = logging.getLogger(__name__)
OnDb = Callable[[Callable[[], Any]], Any]  # as in casedesk.sync.engine (which imports this module)


def run_here(fn: Callable[[], Any]) -> Any:
    """The default `on_db`: run on the calling thread."""
    return fn()


PAGE = 500


def mark_device_restored(db: Database) -> None:
    """Called after this device's database was restored from a backup: the next sync reconciles."""
    db.put(config.RECOVERY, {"kind": "device", "detected_at": _now()})


def notice(db: Database) -> dict[str, Any] | None:
    """What the Sync page shows: a recovery waiting to finish, or the last one that finished."""
    waiting = db.get(config.RECOVERY)
    if waiting:
        return {"active": True, "text": _describe_waiting(waiting), "at": waiting.get("detected_at")}
    done = db.get(config.RECOVERY_NOTICE)
    return {"active": False, **done} if done else None


def _describe_waiting(waiting: dict[str, Any]) -> str:
    if waiting.get("kind") == "device":
        return "This device was restored from a backup; it is catching up with the server."
    return (
        "The server went back in time (it was restored from a backup). This device is re-sending what the "
        "server lost; keep syncing until this message says it is done."
    )


def fork_point(known: list[dict[str, Any]], server: list[dict[str, Any]]) -> int | None:
    """The last feed position both lineages share, or None when the server is on the same history."""
    common = 0
    while common < len(known) and common < len(server) and known[common]["id"] == server[common]["id"]:
        common += 1
    bases = [int(g["base_seq"]) for g in (known[common : common + 1] + server[common : common + 1])]
    return min(bases) if bases else None


def detect(db: Database, state: ServerState) -> dict[str, Any] | None:
    """The reconciliation this round needs (recorded, so it survives until done), or None."""
    waiting = db.get(config.RECOVERY)
    server = [g.model_dump() for g in state.lineage]
    cursor = db.get(config.CURSOR)
    if waiting and waiting.get("kind") == "device" and "fork" not in waiting:
        waiting = {**waiting, "fork": state.feed_end}
    elif not waiting:
        known = db.get(config.LINEAGE)
        fork = fork_point(known, server) if known else None
        if fork is None and cursor > state.feed_end:
            fork = state.feed_end  # restored without a new generation: the feed end is all we know
        if fork is None:
            if not known:
                db.put(config.LINEAGE, server)
            return None
        waiting = {"kind": "server", "fork": fork, "detected_at": _now()}
        log.warning("the server went back in time (fork at %s); reconciling", waiting["fork"])
    else:
        return waiting
    db.put(config.RECOVERY, waiting)
    return waiting


class Reconciler:
    """One reconciliation walk. `run()` returns counts for the sync report."""

    def __init__(self, db: Database, transport: Transport, fork: int, on_db: OnDb) -> None:
        self.db = db
        self.transport = transport
        self.fork = fork
        self.resent = 0
        self.taken = 0
        self.refused = 0
        self.sends: list[tuple[dict[str, Any], dict[str, int]]] = []  # (wire change, versions if refused)
        self.recreated: list[str] = []  # local conflicts re-created on the server (forgotten once sent)
        self.on_db = on_db
        self.author = str(on_db(partial(db.get, config.USERNAME)) or "recovered")

    def run(self, state: ServerState, kind: str) -> dict[str, int]:
        pending = self.on_db(partial(recovery.pending, self.db))
        conflicts = self.on_db(partial(recovery.open_conflicts, self.db))
        server_versions: dict[tuple[str, str], dict[str, int]] = {}
        for entity in ENTITY_ORDER:
            self._entity(entity, pending, conflicts, server_versions)
        self.on_db(partial(recovery.rebase_pending, self.db, self.fork, server_versions))
        self._push()
        for conflict_id in self.recreated:
            self.on_db(partial(recovery.forget_conflict, self.db, conflict_id))
        self.on_db(
            partial(
                recovery.finish,
                self.db,
                self.fork,
                [
                    (config.LINEAGE, [g.model_dump() for g in state.lineage]),
                    (config.RECOVERY_NOTICE, {"text": self._summary(kind), "at": _now()}),
                ],
            )
        )
        return {"resent": self.resent, "taken": self.taken, "refused": self.refused}

    def _summary(self, kind: str) -> str:
        if kind == "device":
            what = "This device was restored from a backup and caught up with the server"
        else:
            what = "The server was restored from a backup; this device re-sent what it had lost"
        text = f"{what}: {self.resent} change(s) re-sent, {self.taken} record(s) brought up to date"
        return text + (f", {self.refused} refused (see below)." if self.refused else ".")

    # -- one entity --------------------------------------------------------------------------------------------
    def _server_rows(self, entity: str) -> dict[str, Any]:
        rows: dict[str, Any] = {}
        after: str | None = None
        while True:
            page = self.transport.snapshot(entity, after, PAGE)
            rows.update((item.row_id, item) for item in page.items)
            after = page.next_after
            if after is None:
                return rows

    def _entity(
        self,
        entity: str,
        pending: dict[tuple[str, str], set[str]],
        conflicts: dict[tuple[str, str, str], dict[str, Any]],
        server_versions: dict[tuple[str, str], dict[str, int]],
    ) -> None:
        spec = ENTITIES[entity]
        append_only = entity in APPEND_ONLY_TABLES
        server = self._server_rows(entity)
        updates: list[dict[str, Any]] = []
        local_ids: set[str] = set()
        for row in self.on_db(lambda: list(recovery.local_rows(self.db, entity))):
            local_ids.add(row.row_id)
            key = (entity, row.row_id)
            item = server.get(row.row_id)
            if item is not None:
                server_versions[key] = {k: int(v) for k, v in item.versions.items()}
            if item is None and key in pending and (append_only or not row.versions):
                continue  # its insert is still waiting in the outbox: the ordinary push sends it
            if item is None:
                self._missing_on_server(entity, row, append_only)
                continue
            held_back = pending.get(key, set())
            changes: dict[str, Any] = {}
            bases: dict[str, int] = {}
            taken: dict[str, Any] = {}
            versions = dict(row.versions)
            for name in sorted(spec.fields):
                if name in held_back:
                    continue
                mine, theirs = row.values.get(name), item.fields.get(name)
                held, known = int(row.versions.get(name, 0)), int(item.versions.get(name, 0))
                if mine == theirs:
                    if known:
                        versions[name] = known
                elif held > self.fork and not append_only:
                    changes[name] = mine  # lost by the server: re-send (keeps its old version until answered)
                    bases[name] = known if known <= self.fork else self.fork
                else:
                    taken[name], versions[name] = theirs, known
            update: dict[str, Any] = {"row_id": row.row_id, "values": taken, "versions": versions}
            if item.deleted and not row.deleted:
                update["deleted"] = True
                versions["deleted"] = int(item.versions.get("deleted", 0))
            if append_only:
                pass  # never changes once written (the table refuses updates); nothing to renumber
            elif taken or versions != row.versions or "deleted" in update:
                updates.append(update)
                self.taken += 1 if taken or "deleted" in update else 0
            if changes:
                self._resend_fields(entity, row, changes, bases, item, conflicts)
            if row.deleted and not item.deleted and int(row.versions.get("deleted", 0)) > self.fork:
                self._queue(entity, row, "delete", {}, {}, revert={"deleted": int(item.versions.get("deleted", 0))})
        missing = [item for row_id, item in server.items() if row_id not in local_ids]
        self.taken += len(missing)
        self.on_db(partial(recovery.adopt, self.db, entity, updates, missing))

    def _missing_on_server(self, entity: str, row: recovery.LocalRow, append_only: bool) -> None:
        known_versions = [v for k, v in row.versions.items() if k != "deleted"]
        if known_versions and max(known_versions) <= self.fork:
            return  # the server had it before the fork: it is out of this user's view now (the pull decides)
        fields = {k: v for k, v in row.values.items() if k in ENTITIES[entity].fields and v is not None}
        self._queue(entity, row, "append" if append_only else "insert", fields, {}, revert={})
        if row.deleted:
            self._queue(entity, row, "delete", {}, {}, revert={})

    def _resend_fields(
        self,
        entity: str,
        row: recovery.LocalRow,
        changes: dict[str, Any],
        bases: dict[str, int],
        item: Any,
        conflicts: dict[tuple[str, str, str], dict[str, Any]],
    ) -> None:
        revert = {name: int(item.versions.get(name, 0)) for name in changes}
        plain = {n: v for n, v in changes.items() if (entity, row.row_id, n) not in conflicts}
        if plain:
            self._queue(
                entity, row, "update", plain, {n: bases[n] for n in plain}, revert={n: revert[n] for n in plain}
            )
        for name in sorted(set(changes) - set(plain)):
            conflict = conflicts[(entity, row.row_id, name)]
            candidates = sorted(conflict["candidates"], key=lambda c: str(c.get("hlc", "")))
            kept = next((c for c in candidates if c.get("value") == changes[name]), None)
            first = {"hlc": kept["hlc"], "author": kept.get("author")} if kept else {}
            self._queue(
                entity, row, "update", {name: changes[name]}, {name: bases[name]}, {name: revert[name]}, **first
            )
            for candidate in candidates:
                if candidate.get("value") != changes[name]:
                    self._queue(
                        entity,
                        row,
                        "update",
                        {name: candidate.get("value")},
                        {name: 0},
                        {},
                        hlc=str(candidate.get("hlc", "")),
                        author=candidate.get("author"),
                    )
            self.recreated.append(conflict["conflict_id"])

    def _queue(
        self,
        entity: str,
        row: recovery.LocalRow,
        op: str,
        fields: dict[str, Any],
        bases: dict[str, int],
        revert: dict[str, int],
        *,
        hlc: str | None = None,
        author: str | None = None,
    ) -> None:
        stamp = int(row.updated_at.timestamp() * 1000)
        change = {
            "change_id": new_id(),
            "entity": entity,
            "row_id": row.row_id,
            "op": op,
            "fields": fields,
            "base_versions": bases,
            "hlc": hlc or f"{stamp:013d}-{0:06d}-{self.db.device_id}",
            "device_id": self.db.device_id,
            "author": author or self.author,
            "recovered": True,
        }
        self.sends.append((change, revert))

    # -- sending -----------------------------------------------------------------------------------------------
    def _push(self) -> None:
        for start in range(0, len(self.sends), MAX_BATCH):
            batch = self.sends[start : start + MAX_BATCH]
            response = self.transport.push([change for change, _ in batch])
            answers = {result.change_id: result for result in response.results}
            versions: dict[str, dict[str, dict[str, int]]] = {}
            for change, revert in batch:
                result = answers.get(change["change_id"])
                if result is None:
                    raise RuntimeError("the server answered a push without accounting for a re-sent change")
                if result.status == "rejected":
                    self.refused += 1
                    self.on_db(partial(recovery.set_aside_recovered, self.db, change, result.reason or "refused"))
                else:
                    self.resent += 1
                if change["entity"] in APPEND_ONLY_TABLES and change["op"] == "append":
                    continue
                chosen = {**revert, **{k: int(v) for k, v in result.versions.items()}}
                if chosen:
                    versions.setdefault(change["entity"], {}).setdefault(change["row_id"], {}).update(chosen)
            for entity, by_row in versions.items():
                self.on_db(partial(recovery.set_versions, self.db, entity, by_row))


def reconcile_if_needed(db: Database, transport: Transport, on_db: OnDb = run_here) -> str:
    """The engine's first step: check the server's generation, reconcile if it (or this device) went back in
    time. Returns a sentence for the sync report ('' when nothing happened). Database work goes through `on_db`
    (the database thread in the app), network calls stay on the caller's thread."""
    state = transport.state()
    if state.role and state.role != on_db(partial(db.get, config.ROLE)):
        on_db(partial(db.put, config.ROLE, state.role))  # an administrator changed this user's role
    if state.manages_directory != on_db(partial(db.get, config.MANAGES_DIRECTORY)):
        on_db(partial(db.put, config.MANAGES_DIRECTORY, state.manages_directory))  # the directory editor follows
    if state.sharing_default and state.sharing_default != on_db(partial(db.get, config.SHARING_DEFAULT)):
        on_db(partial(db.put, config.SHARING_DEFAULT, state.sharing_default))  # packs pass records on under it
    waiting = on_db(partial(detect, db, state))
    if waiting is None:
        return ""
    counts = Reconciler(db, transport, int(waiting["fork"]), on_db).run(state, waiting["kind"])
    log.warning("recovery finished: %s", counts)
    return str((on_db(partial(db.get, config.RECOVERY_NOTICE)) or {}).get("text", ""))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
