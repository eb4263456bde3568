"""One sync round, as a short list of named steps (Joplin's shape): push → purge → pull → finalize.

- **push** the outbox in batches of ≤ 500, oldest first, and record each answer; a change that cannot even be
  put on the wire is set aside locally and the rest go on;
- **purge** children that left the user's view while changes for them were waiting (those are now pushed), taking
  each again as the server now sends it (a re-send of the child went by while the change waited);
- **pull** pages from the stored cursor; each page and its cursor are applied in one local transaction, so an
  interrupted pull resumes where it stopped;
- **finalize** with the digest: per entity a row count and an order-independent hash of every row, which both
  sides keep up to date with each change (`casedesk.domain.tally`), so a round compares a few numbers whatever
  the caseload — and still catches a change that never arrived. The device also counts its tables each round, so
  a row lost outside the journal is noticed at once. Once a day, and before any repair, both sides recount the
  digest from the rows instead (which checks the kept sums too). On a mismatch that survives the recount, resync
  only the entities that differ, log it, and check again.

Any step may raise `Offline`; whatever finished before it is kept, and the next round carries on from there.

The engine waits on the network, but never touches the database itself from the thread it runs on: every read
and write is handed to `on_db`, which in the desktop app runs it on the one database thread (and refuses once
the app is locked, so a lock mid-round stops the round between two steps, never inside one). Each step's
database work is one call, so what a step writes is one transaction, applied whole or not at all.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal

import pydantic

from casedesk import __version__, config
from casedesk.domain.tally import Tally
from casedesk.store import usage_records
from casedesk.store.database import Database
from casedesk.store.journal import apply as sync_apply
from casedesk.store.journal import digest as sync_digest
from casedesk.store.journal import outbox as sync_outbox
from casedesk.store.journal import unapplied as sync_unapplied
from casedesk.sync import acks, reconcile
from casedesk.sync import mismatch as sync_mismatch
from casedesk.sync.entities import ENTITIES, row_digest
from casedesk.sync.policy import keep_server_policy
from casedesk.sync.transport import Offline, Refused, Transport
from casedesk.sync.wire import MAX_BATCH, MAX_PAGE, ProblemReport, WireChange

log = logging.getLogger(__name__)
OnDb = Callable[[Callable[[], Any]], Any]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held back while pages are pulled, and back as it was afterwards.

    A page of a first sync is hundreds of thousands of objects that live until it is applied; every few thousand
    of them started a collection, and the full ones walked every object held, about a sixth of the device's time.
    Those objects are freed by their reference counts, not by the collector; the pull collects the youngest
    generation itself after each page, so a cycle made while a page is applied does not outlive the pull.
    """
    was_enabled = gc.isenabled()  # another pause (the caseload's) may be under way: leave it to end its own
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _then(finish: Callable[[], Any]) -> Iterator[None]:
    """Run `finish` when the block ends, however it ends."""
    try:
        yield
    finally:
        finish()


def run_here(fn: Callable[[], Any]) -> Any:
    """The default `on_db`: run on the calling thread (the command line has no other)."""
    return fn()


PAGE = MAX_PAGE  # the largest page the server gives: fewer round trips and commits
OLDER_PAGE = 1000  # the largest page servers gave before
FULL_DIGEST_EVERY = timedelta(hours=24)
RESEND_CHILDREN = 100  # children asked for again per request (`wire.ResendRequest`)
DIGEST_ATTEMPTS = 3


@dataclass
class SyncReport:
    pushed: int = 0
    conflicts: int = 0
    set_aside: int = 0
    set_aside_pulled: int = 0  # pulled rows this device could not store, held with their reason
    pulled_rows: int = 0
    pulled_conflicts: int = 0
    pages: int = 0
    purged: list[str] = field(default_factory=list)
    digest_ok: bool = False
    digest_rows: int | None = None  # rows the digest hashed afresh: 0 with the kept sums; None when it recounted
    resynced: list[str] = field(default_factory=list)
    digest_deferred: bool = False  # the server's feed kept moving: compared next round instead
    mismatched_rows: dict[str, list[str]] = field(default_factory=dict)  # a mismatch a resync did not clear
    recovery: str = ""  # set when this round reconciled after a restore (see casedesk.sync.reconcile)

    def describe(self) -> str:
        text = (
            f"pushed {self.pushed} change(s), pulled {self.pulled_rows} row(s) in {self.pages} page(s), "
            f"{self.set_aside} set aside, {self.conflicts + self.pulled_conflicts} conflict(s) reported"
        )
        if self.set_aside_pulled:
            text += f", {self.set_aside_pulled} pulled row(s) set aside (this device cannot store them)"
        if self.purged:
            text += f", {len(self.purged)} child record(s) removed (no longer shared)"
        if self.resynced:
            text += f"; resynced {', '.join(self.resynced)} after a digest mismatch"
        if self.mismatched_rows:
            rows = "; ".join(f"{e}: {', '.join(r[:5])}" for e, r in self.mismatched_rows.items())
            text += f"; these rows differ from the server and were reported ({rows})"
        if self.digest_deferred:
            text += "; digest check deferred (the server was busy with newer changes)"
        else:
            text += "; digest matches" if self.digest_ok else "; digest MISMATCH"
        return f"{self.recovery} {text}" if self.recovery else text


class SyncEngine:
    def __init__(
        self,
        db: Database,
        transport: Transport,
        *,
        batch: int = MAX_BATCH,
        page: int = PAGE,
        on_db: OnDb = run_here,
    ) -> None:
        self.db = db
        self.on_db = on_db
        self.transport = transport
        self.batch = min(batch, MAX_BATCH)
        self.page = page
        self._server_lines: dict[str, dict[str, str]] = {}  # row → digest line, as seen by this round's resyncs

    def run(self) -> SyncReport:
        report = SyncReport()
        report.recovery = reconcile.reconcile_if_needed(self.db, self.transport, self.on_db)
        self.on_db(partial(keep_server_policy, self.db, self.transport.policy()))  # before anything is exported
        if report.recovery:
            self.on_db(partial(self.db.put, config.LAST_FULL_DIGEST, None))  # check every row once the walk is done
        self.push(report)
        self.on_db(partial(usage_records.forget_uploaded, self.db))  # server-only: the server keeps them now
        self.purge_deferred(report)
        self.pull(report)
        if self.on_db(partial(self.db.get, config.DEFERRED_PURGES)):  # a person wrote for a child being re-sent
            self.push(report)
            self.purge_deferred(report)
        self.finalize(report)
        return report

    # -- steps -------------------------------------------------------------------------------------------------
    def push(self, report: SyncReport) -> None:
        """Push the outbox oldest first, sending batch n+1 while the answers to batch n are recorded, so the server
        works while the device does. Batches still reach the server one at a time and in order: a batch is sent
        only once the one before it was answered, and never if that one failed."""
        after = 0
        flights: list[tuple[list[dict[str, Any]], Future[Any], list[str]]] = []
        held = self.on_db(partial(self.db.get, config.RECORDED_UNTOLD))
        untold = acks.Untold(held)
        sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casedesk-net-push")
        try:
            while True:
                batch, after = self.on_db(partial(sync_outbox.pending_after, self.db, self.batch, after))
                if not batch:
                    break
                sendable = self._sendable(batch, report)
                if not sendable:
                    continue
                before = flights[-1][1] if flights else None
                named = untold.take()
                flights.append((sendable, sender.submit(self._send_after, before, sendable, named), named))
                if len(flights) > 1:
                    self._record(*flights.pop(0), report, untold)
            while flights:
                self._record(*flights.pop(0), report, untold)
        finally:
            sender.shutdown(wait=False, cancel_futures=True)
            if untold.held() != held:
                self.on_db(partial(self.db.put, config.RECORDED_UNTOLD, untold.held()))

    def _sendable(self, batch: list[dict[str, Any]], report: SyncReport) -> list[dict[str, Any]]:
        """The changes that can go on the wire; one that cannot is set aside here and the rest go on."""
        sendable, unsendable = [], []
        for change in batch:
            try:
                WireChange.model_validate(change)
                sendable.append(change)
            except pydantic.ValidationError as exc:
                unsendable.append((change["change_id"], f"cannot be sent: {exc.errors()[0]}"))
        if unsendable:
            self.on_db(partial(self._set_aside, unsendable))
            report.set_aside += len(unsendable)
        return sendable

    def _send_after(self, before: Future[Any] | None, changes: list[dict[str, Any]], recorded: list[str]) -> Any:
        if before is not None:
            before.result()  # the batch before this one failed: do not send this one out of order
        return self.transport.push(changes, recorded) if recorded else self.transport.push(changes)

    def _record(
        self, sent: list[dict[str, Any]], answer: Future[Any], named: list[str], report: SyncReport, untold: acks.Untold
    ) -> None:
        results = answer.result().results
        counts = self.on_db(partial(sync_outbox.record_results, self.db, sent, results))
        untold.told(named, (r.change_id for r in results if r.status != "rejected"))  # a refusal is not kept there
        report.pushed += counts["applied"]
        report.conflicts += counts["conflict"]
        report.set_aside += counts["rejected"]
        if not any(counts.values()):
            raise RuntimeError("the server answered a push without accounting for any change")

    def purge_deferred(self, report: SyncReport) -> None:
        """Children whose purge waited for a change to be pushed (now pushed): purge each and take it again as the
        server sends it now. The re-send that came with the purge has gone by, so the purge is never made here
        alone: a child the device should still hold would vanish, and one it holds in full would keep entries
        its organisation may no longer see."""
        due = self.on_db(partial(sync_apply.deferred_ready, self.db))
        for start in range(0, len(due), RESEND_CHILDREN):
            answer = self.transport.resend(due[start : start + RESEND_CHILDREN])
            stats = self.on_db(partial(sync_apply.apply_resent, self.db, answer.items))
            report.pulled_rows += stats.rows
            report.purged += stats.purged

    def pull(self, report: SyncReport) -> None:
        """Pull pages from the stored cursor, fetching the next page while this one is applied, so the server
        builds page n+1 while the device writes page n. Each page is still applied, with its cursor, in its own
        transaction and in order; a fetch that fails surfaces after the pages before it are kept."""
        retried = self.on_db(partial(sync_apply.retry_unapplied, self.db))  # rows an earlier version set aside
        report.pulled_rows += retried.rows
        cursor = self.on_db(partial(self.db.get, config.CURSOR))
        unapplied: list[tuple[str, str, str]] = []
        self.on_db(partial(sync_apply.begin_pull, self.db))
        with _then(lambda: self.on_db(partial(sync_apply.end_pull, self.db))), _collector_paused():
            fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casedesk-net-pull")
            try:
                ahead = fetcher.submit(self._fetch, cursor)
                while True:
                    page = ahead.result()
                    if page.has_more:
                        ahead = fetcher.submit(self._fetch, page.cursor)
                    stats = self.on_db(partial(sync_apply.apply_page, self.db, page.items, page.cursor))
                    gc.collect(0)  # cycles among this page's objects; what survives is left for later
                    report.pages += 1
                    report.pulled_rows += stats.rows
                    report.pulled_conflicts += stats.conflicts
                    report.set_aside_pulled += len(stats.set_aside)
                    unapplied += [(r.entity, r.row_id, r.field) for r in stats.set_aside]
                    report.purged += stats.purged
                    if not page.has_more:
                        break
            finally:
                fetcher.shutdown(wait=False, cancel_futures=True)
        self._tell_server("unapplied", unapplied)  # once the pages are in: one request on the wire at a time

    def _fetch(self, cursor: int) -> Any:
        """A page of at most `self.page` items; a server from before larger pages refuses more than
        `OLDER_PAGE` (HTTP 422), and is asked again, and from then on, for that many."""
        try:
            return self.transport.pull(cursor, self.page)
        except Refused as exc:
            if exc.status != 422 or self.page <= OLDER_PAGE:
                raise
            self.page = OLDER_PAGE
            return self.transport.pull(cursor, self.page)

    def finalize(self, report: SyncReport) -> None:
        last_full = self.on_db(partial(self.db.get, config.LAST_FULL_DIGEST)) or None
        # A new device's kept sums are exact from its first write, so its first sync needs no recount either.
        recount = last_full is not None and datetime.fromisoformat(last_full) < datetime.now(UTC) - FULL_DIGEST_EVERY
        compared = self._compare(report, recount, self.on_db(partial(sync_mismatch.known_rows, self.db)))
        if compared is None:
            return
        exclude, mismatched = compared
        if mismatched and not recount:  # first make sure neither side's kept sums drifted: recount both
            recount = True
            compared = self._compare(report, recount, self.on_db(partial(sync_mismatch.known_rows, self.db)))
            if compared is None:
                return
            exclude, mismatched = compared
        if mismatched:
            log.warning("sync digest mismatch in %s; resyncing those entities", ", ".join(mismatched))
            for entity in mismatched:
                self.resync(entity, exclude)
            report.resynced = mismatched
            compared = self._compare(report, recount, set())
            if compared is None:
                return
            exclude, mismatched = compared
            if mismatched:
                news = self.on_db(partial(self._report_rows, mismatched, exclude))
                if news:
                    self._tell_server("digest_mismatch", [(e, r, "") for e, ids in news.items() for r in ids])
            else:
                self.on_db(partial(sync_mismatch.clear, self.db))
        report.digest_ok = not mismatched
        report.digest_rows = None if recount else 0
        report.mismatched_rows = self.on_db(partial(sync_mismatch.known, self.db))
        if report.digest_ok and (recount or last_full is None):
            self.on_db(partial(self.db.put, config.LAST_FULL_DIGEST, datetime.now(UTC).isoformat()))

    def _compare(self, report: SyncReport, recount: bool, known: set[str]) -> tuple[set[str], list[str]] | None:
        """Digests of the same moment on both sides: the device's own, then the server's for the feed position the
        device has applied. While other devices keep writing what this one would pull, it pulls and compares
        again (a few times); if the feed never holds still, the comparison waits for the next round rather
        than calling a difference that is only a moment apart a mismatch."""
        for _attempt in range(DIGEST_ATTEMPTS):
            exclude, local = self.on_db(partial(self._local_now, recount, known))
            cursor = self.on_db(partial(self.db.get, config.CURSOR))
            remote = self.transport.digest(sorted(exclude), cursor, recount=recount)
            if remote.current:
                theirs = remote.entities
                return exclude, [
                    e
                    for e in ENTITIES
                    if e not in theirs or (theirs[e].count, theirs[e].hash) != (local[e].count, local[e].hash)
                ]
            self.pull(report)
        report.digest_deferred = True
        return None

    def _local_now(self, recount: bool, known: set[str]) -> tuple[set[str], dict[str, Tally]]:
        """The device's digest with the rows held back at that moment (a person writing meanwhile adds some), and
        rows of a mismatch already reported (`known`)."""
        exclude = self._held_back() | known
        while True:
            local = sync_digest.local_tallies(self.db, exclude, recount=recount)
            again = self._held_back()
            if again <= exclude:
                return exclude, local
            exclude |= again

    def _tell_server(self, kind: Literal["unapplied", "digest_mismatch"], rows: list[tuple[str, str, str]]) -> None:
        """Report rows this device could not take in, once, so an administrator sees them too. A server that does
        not know the report (older) or cannot be reached loses nothing: the device keeps its own record."""
        by_entity: dict[str, list[tuple[str, str]]] = {}
        for entity, row_id, field_name in rows:
            by_entity.setdefault(entity, []).append((row_id, field_name))
        for entity, found in by_entity.items():
            problem = ProblemReport.model_validate(
                {
                    "kind": kind,
                    "entity": entity,
                    "row_ids": [row_id for row_id, _ in found][:1000],
                    "fields": sorted({f for _, f in found if f})[:100],
                    "app_version": __version__,
                }
            )
            try:
                self.transport.report(problem)
            except (Offline, Refused) as exc:
                log.info("could not report %s rows to the server: %s", kind, exc)

    def _held_back(self) -> set[str]:
        return sync_outbox.held_back_row_ids(self.db) | sync_unapplied.held_row_ids(self.db)

    def _report_rows(self, entities: list[str], exclude: set[str]) -> dict[str, list[str]] | None:
        """A mismatch the resync did not clear: find its rows, record them, say so once; later rounds leave those
        rows out of the digest instead of resyncing again (`casedesk.sync.mismatch`)."""
        rows: dict[str, list[str]] = {}
        for entity in entities:
            spec = ENTITIES[entity]
            local = {
                row_id: row_digest(row_id, values, deleted, spec)
                for row_id, deleted, values in sync_digest.digest_rows(self.db, entity)
            }
            rows[entity] = sync_mismatch.differing(self._server_lines.get(entity, {}), local, exclude)
        if not sync_mismatch.remember(self.db, rows):
            return None
        log.error(
            "sync digest still differs after resync: %s", "; ".join(f"{e}: {', '.join(r)}" for e, r in rows.items())
        )
        return rows  # news: the caller tells the server (off the database thread)

    # -- helpers -----------------------------------------------------------------------------------------------
    def _set_aside(self, refused: list[tuple[str, str]]) -> None:
        for change_id, reason in refused:
            sync_outbox.set_aside_locally(self.db, change_id, reason)

    def resync(self, entity: str, exclude: set[str]) -> None:
        """Make one entity match the server: overwrite from its current rows, drop rows it does not have."""
        seen: set[str] = set()
        after: str | None = None
        while True:
            page: Any = self.transport.snapshot(entity, after, self.page)
            self._server_lines.setdefault(entity, {}).update(
                (item.row_id, row_digest(item.row_id, item.fields, item.deleted, ENTITIES[entity]))
                for item in page.items
            )
            self.on_db(partial(sync_digest.overwrite_rows, self.db, entity, page.items))
            seen.update(item.row_id for item in page.items)
            after = page.next_after
            if after is None:
                break
        self.on_db(partial(sync_digest.remove_unknown, self.db, entity, seen, exclude))
