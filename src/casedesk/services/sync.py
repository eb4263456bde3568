"""Sync as the app and the CLI use it: enrol, status, one round, set-aside changes, conflicts, resolve.

The UI calls these from its network pool (never the UI thread) and shows `SyncStatus` in the status bar:

    service = SyncService(db)                  # transport built from the stored server URL and token
    service.status()     -> SyncStatus         # online?, changes waiting, set aside, conflicts, last success/error
    service.probe()      -> bool               # is the server reachable right now (cheap)
    service.run_once()   -> SyncReport         # one full round; raises DeviceWiped if the device was revoked
    service.round()      -> (SyncRound, Changes)  # the app's background round: probe, then run_once if online
    service.set_aside()  -> list[SetAside]     # changes the server refused, with its reasons
    service.retry(change_id)                   # put a set-aside change back in the queue
    service.conflicts()  -> list[ConflictView] # open conflicts: every candidate value, and what is kept for now
    service.resolve(conflict_id, value, author) -> Changes

Enrolment, the server URL, the device token and the cursor live in the device's settings, inside the encrypted
database. A revoked device erases itself: the key file is destroyed (crypto-erase) and the user is told why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar

from casedesk import __version__, config
from casedesk.domain import versions
from casedesk.domain.records import Changes
from casedesk.errors import AuthError, Cancelled, CaseDeskError
from casedesk.services.failures import for_user
from casedesk.store import calendar, maintenance
from casedesk.store.database import Database
from casedesk.store.journal import apply as sync_apply
from casedesk.store.journal import conflicts as sync_conflicts
from casedesk.store.journal import outbox as sync_outbox
from casedesk.store.journal import unapplied as sync_unapplied
from casedesk.sync import reconcile
from casedesk.sync.engine import OnDb, SyncEngine, SyncReport, run_here
from casedesk.sync.entities import ENTITIES
from casedesk.sync.http import HttpTransport
from casedesk.sync.transport import DeviceRevoked, Offline, Transport, UpdateRequired
from casedesk.sync.wire import EnrolRequest

T = TypeVar("T")
log = logging.getLogger(__name__)

# What the UI shows of a round, of a refused change and of a conflict (the UI imports them from here, not store/sync).
ConflictView = sync_conflicts.ConflictView
SetAside = sync_outbox.SetAside
UnappliedRow = sync_unapplied.UnappliedRow  # a received row this device could not store
__all__ = [
    "ConflictView",
    "DeviceWiped",
    "NotEnrolled",
    "SetAside",
    "SyncReport",
    "SyncRound",
    "SyncService",
    "SyncStatus",
    "UnappliedRow",
    "UpdateRequired",
    "enrol",
]


class NotEnrolled(CaseDeskError):
    """This device has not been enrolled with a server yet."""


class DeviceWiped(AuthError):
    """The server revoked this device, so its local data was crypto-erased."""


@dataclass(frozen=True, slots=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    online: bool | None  # None: not checked in this call
    pending: int
    set_aside: int
    open_conflicts: int
    last_success: str | None
    last_error: str | None
    unapplied: int = 0  # pulled rows this device could not store, set aside with their reason
    app_version: str = __version__
    minimum_version: str = ""  # the oldest app the server accepts, as it last said
    latest_version: str = ""  # the newest app there is, as the server last said

    @property
    def update_required(self) -> bool:
        """This app is older than the server accepts: it does not sync until it is updated."""
        return versions.needs_update(self.app_version, self.minimum_version)

    @property
    def newer_version(self) -> str | None:
        """The newer version the server says exists, if this app is older than it."""
        return self.latest_version if versions.newer_exists(self.app_version, self.latest_version) else None


def enrol(
    db: Database,
    server_url: str,
    username: str,
    password: str,
    code: str,
    *,
    device_name: str = "",
    transport: Transport | None = None,
    on_db: OnDb = run_here,
) -> str:
    """Enrol this device; stores the server URL and token in the encrypted database. Returns the organisation id.

    Only the storing runs through `on_db` (the app's database thread); the request waits on the network."""
    remote = transport or HttpTransport(server_url)
    answer = remote.enrol(
        EnrolRequest(
            username=username,
            password=password,
            code=code,
            device_id=db.device_id,
            device_name=device_name or db.device_id,
        )
    )

    def store() -> None:
        for setting, value in (
            (config.SERVER_URL, server_url.rstrip("/")),
            (config.DEVICE_TOKEN, answer.device_token),
            (config.ORGANISATION_ID, answer.organisation_id),
            (config.USERNAME, answer.username),
            (config.ROLE, answer.role),
        ):
            db.put(setting, value)
        db.put(config.MANAGES_DIRECTORY, answer.manages_directory)

    on_db(store)
    return answer.organisation_id


@dataclass(frozen=True, slots=True)
class SyncRound:
    """What the app's background round did: its report (None when not enrolled or offline) and the status after."""

    report: SyncReport | None
    status: SyncStatus


class SyncService:
    """Sync for one database. `on_db(fn)` runs database work where it belongs: the caller's thread by default, the
    app's one database thread when a round runs on its network pool (see `Collection.on_db`)."""

    def __init__(
        self,
        db: Database,
        transport: Transport | None = None,
        *,
        on_db: OnDb = run_here,
        app_version: str = __version__,
    ) -> None:
        self.db = db
        self._transport = transport
        self.on_db = on_db
        self.app_version = app_version

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            url, token, device_id = self.on_db(
                lambda: (self.db.get(config.SERVER_URL), self.db.get(config.DEVICE_TOKEN), self.db.device_id)
            )
            if not url or not token:
                raise NotEnrolled("This device is not enrolled with a server yet.")
            self._transport = HttpTransport(url, device_id=device_id, token=token, app_version=self.app_version)
        return self._transport

    def status(self, *, probe: bool = False) -> SyncStatus:
        status = self.on_db(self._stored_status)
        return replace(status, online=self.probe()) if (probe and status.enrolled) else status

    def _stored_status(self) -> SyncStatus:
        counts = sync_outbox.count_by_state(self.db)
        published = self.db.get(config.CLIENT_VERSIONS)
        return SyncStatus(
            enrolled=bool(self.db.get(config.DEVICE_TOKEN)),
            server_url=self.db.get(config.SERVER_URL) or None,
            online=None,
            pending=counts.get("pending", 0),
            set_aside=counts.get("rejected", 0),
            open_conflicts=len(sync_conflicts.list_conflicts(self.db)),
            last_success=self.db.get(config.LAST_SUCCESS) or None,
            last_error=self.db.get(config.LAST_ERROR) or None,
            unapplied=len(sync_unapplied.held_row_ids(self.db)),
            app_version=self.app_version,
            minimum_version=published.get("minimum") or "",
            latest_version=published.get("latest") or "",
        )

    def probe(self) -> bool:
        return self.transport.probe()

    def forget_transport(self) -> None:
        """Build the transport afresh at the next round (after enrolling: a new token, perhaps a new server)."""
        self._transport = None

    def round(self, stop: Callable[[], bool] | None = None) -> tuple[SyncRound, Changes]:
        """Probe, then one full round if the server answers: an offline laptop costs one quick failed request.

        The changes name every synced entity when the round brought rows or conflicts in, so views refresh.
        `stop()` is asked before each database step; once it says so the round ends there with `Cancelled`,
        which is safe: each step commits whole and the outbox keeps what was not yet sent.
        """
        before = self.status()
        if not before.enrolled:
            return SyncRound(None, before), Changes()
        if not self.probe():
            return SyncRound(None, replace(before, online=False)), Changes()
        report = self.run_once(stop)
        brought = report.pulled_rows or report.pulled_conflicts or report.conflicts or report.recovery
        changes = Changes(SYNCED_ENTITIES if brought else frozenset())
        return SyncRound(report, replace(self.status(), online=True)), changes

    def run_once(self, stop: Callable[[], bool] | None = None) -> SyncReport:
        def step(fn: Callable[[], T]) -> T:
            if stop is not None and stop():
                raise Cancelled("Sync stopped. Nothing is lost: what was not sent yet goes with the next round.")
            return self.on_db(fn)

        try:
            self._check_version()
            report = SyncEngine(self.db, self.transport, on_db=step).run()
        except Cancelled:
            log.info("sync round stopped between two steps")
            raise  # locked or stopped mid-round: nothing more is written; the next round carries on
        except DeviceRevoked as exc:
            log.warning("sync refused: this device was revoked; erasing its data")
            self.on_db(self._erase)
            raise DeviceWiped(
                f"{exc} This device's CaseDesk data has been erased (its key was destroyed). "
                "Ask your administrator to enrol it again."
            ) from exc
        except (Offline, CaseDeskError) as exc:
            log.warning("sync round failed: %s", type(exc).__name__)  # the kind only: a message may quote a value
            self.on_db(partial(self.db.put, config.LAST_ERROR, f"{_now()} {exc}"))
            raise
        except Exception as exc:  # any failure is recorded for the app to show, never only printed
            log.error("sync round failed unexpectedly: %s", type(exc).__name__)
            failure = f"{_now()} sync failed: {for_user(exc, 'sync', self.db.path)}"[:2000]
            self.on_db(partial(self.db.put, config.LAST_ERROR, failure))
            raise
        self.on_db(partial(self._record_success, report))
        log.info("sync round finished: %s", _counts(report))
        self._refresh_bank_holidays()
        return report

    def _refresh_bank_holidays(self) -> None:
        """Once a day, after a round, ask the server for the bank holidays due dates skip. A failure here never
        fails the round: the list kept from before (or weekdays only) stays in use and the next round asks again."""
        today = date.today()
        if self.on_db(partial(calendar.asked_on, self.db)) == today:
            return
        try:
            given = self.transport.bank_holidays()
        except (Offline, CaseDeskError) as exc:
            log.info("bank holidays not refreshed: %s", type(exc).__name__)
            return
        days, source = (given.days, given.source) if given is not None else ([], "")  # None: a server from before
        self.on_db(partial(calendar.keep, self.db, days, source, today))

    def _check_version(self) -> None:
        """Ask which app versions the server accepts (kept for the status and the About dialog); an app older
        than the minimum stops here, before anything is sent or received, so its data and outbox stay as they are.
        The server refuses such an app too: this check only saves the round trips and says why first."""
        published = self.transport.client_versions()
        self.on_db(partial(self.db.put, config.CLIENT_VERSIONS, published.model_dump()))
        if versions.needs_update(self.app_version, published.minimum):
            raise UpdateRequired(versions.update_needed(self.app_version, published.minimum or ""))

    def _record_success(self, report: SyncReport) -> None:
        self.db.put(config.LAST_SUCCESS, _now())
        problem = None if report.digest_ok or report.digest_deferred else "digest mismatch"
        if report.mismatched_rows:  # recorded once by the engine; shown until a later check clears it
            rows = "; ".join(f"{e} {', '.join(ids)}" for e, ids in report.mismatched_rows.items())
            problem = f"records that differ from the server and could not be repaired: {rows}"[:2000]
        self.db.put(config.LAST_ERROR, problem and f"{_now()} {problem}")
        self.db.put(config.LAST_REPORT, report.describe())

    def _erase(self) -> None:
        path = self.db.path
        self.db.close()
        maintenance.wipe(path)

    def set_aside(self) -> list[sync_outbox.SetAside]:
        return sync_outbox.set_aside(self.db)

    def retry(self, change_id: str) -> Changes:
        """Put a set-aside change back in the queue for the next push (no record changes until then)."""
        sync_outbox.retry(self.db, change_id)
        return Changes()

    def unapplied(self) -> list[sync_unapplied.UnappliedRow]:
        """Rows pulled from the server that this device could not store, with the reason."""
        return sync_unapplied.list_unapplied(self.db)

    def retry_unapplied(self) -> tuple[int, Changes]:
        """Try every set-aside pulled row again now; returns how many could be stored, and the rows now stored."""
        before = {(row.entity, row.row_id) for row in sync_unapplied.list_unapplied(self.db)}
        stored = sync_apply.retry_unapplied(self.db, everything=True).rows
        now_stored = before - {(row.entity, row.row_id) for row in sync_unapplied.list_unapplied(self.db)}
        return stored, Changes(frozenset(e for e, _ in now_stored), frozenset(r for _, r in now_stored))

    def conflicts(self, *, include_resolved: bool = False) -> list[sync_conflicts.ConflictView]:
        return sync_conflicts.list_conflicts(self.db, include_resolved=include_resolved)

    def resolve(self, conflict_id: str, value: Any, author: str) -> Changes:
        return sync_conflicts.resolve(self.db, conflict_id, value, author)

    def recovery_notice(self) -> dict[str, Any] | None:
        """After the server (or this device) was restored from a backup: what happened and whether it is done."""
        return reconcile.notice(self.db)


def _counts(report: SyncReport) -> str:
    """A round in numbers only (its `describe()` can name record ids), for the support log."""
    digest = "deferred" if report.digest_deferred else ("matches" if report.digest_ok else "MISMATCH")
    return (
        f"pushed {report.pushed}, pulled {report.pulled_rows} in {report.pages} page(s), set aside {report.set_aside}"
        f" (+{report.set_aside_pulled} received), conflicts {report.conflicts + report.pulled_conflicts}, purged "
        f"{len(report.purged)}, resynced {len(report.resynced)} entit(ies), digest {digest}"
        + (", after a server restore" if report.recovery else "")
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Everything a pull can bring in, so views refresh after a round (derived: a new synced entity is never missed).
SYNCED_ENTITIES = frozenset(ENTITIES)


def describe_status(status: SyncStatus, now: datetime | None = None) -> tuple[str, str]:
    """The status bar's short line and its longer tooltip, in words a practitioner reads at a glance."""
    if not status.enrolled:
        return (
            "Not enrolled with a server (records stay on this computer)",
            "Connect to your organisation's server from the Sync page.",
        )
    waiting = f"{status.pending} change{'s' if status.pending != 1 else ''} waiting"
    if status.update_required:
        return (
            f"Update CaseDesk to sync (this is {status.app_version}; the server needs {status.minimum_version} or "
            f"newer) · {waiting}",
            "Nothing is lost meanwhile: your records and the changes waiting stay on this computer, and are sent "
            f"once CaseDesk is updated.\nServer: {status.server_url}",
        )
    state = {True: "Online", False: "Offline", None: "Sync"}[status.online]
    parts = [state, waiting]
    if status.set_aside:
        parts.append(f"{status.set_aside} set aside")
    if status.unapplied:
        parts.append(f"{status.unapplied} received record{'s' if status.unapplied != 1 else ''} set aside")
    if status.open_conflicts:
        parts.append(f"{status.open_conflicts} conflict{'s' if status.open_conflicts != 1 else ''} to resolve")
    parts.append(f"last sync {_when(status.last_success, now)}" if status.last_success else "never synced")
    if status.last_error:
        parts.append(f"problem: {_short_problem(status.last_error)}")
    if status.newer_version:
        parts.append(f"CaseDesk {status.newer_version} is available")
    tooltip = f"Server: {status.server_url}"
    if status.last_error:
        tooltip += f"\nLast error: {status.last_error}"
    return " · ".join(parts), tooltip


def _short_problem(recorded: str, limit: int = 80) -> str:
    """The recorded error without the time it is stamped with, cut to fit a status line (the tooltip has it all).

    The line must still say there is a problem after the round's own status replaces the failure's message:
    the last error stays recorded until a round succeeds, so the line shows it until then."""
    stamp, _, message = recorded.partition(" ")
    text = message if message and stamp[:1].isdigit() else recorded
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _when(iso: str, now: datetime | None) -> str:
    moment = datetime.fromisoformat(iso).astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()
    return f"{moment:%H:%M}" if moment.date() == today else f"{moment:%d %b %H:%M}"
