"""Background sync: a round soon after each local change and every minute while unlocked, never on the UI thread.

One round at a time. A round first probes the server so an offline laptop costs one quick failed request, not a
retry storm; the outbox keeps every change until the server has it, so an offline round loses nothing. After a
round that brought rows in, views are told through the same `changes_applied` broadcast local edits use.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from casedesk.domain.records import Changes
from casedesk.services.sync import SYNCED_ENTITIES, DeviceWiped, SyncService, SyncStatus, describe_status
from casedesk.sync.engine import SyncReport
from casedesk.ui.context import AppContext

PERIOD_MS = 60_000
AFTER_CHANGE_MS = 5_000


def _round(service: SyncService) -> tuple[SyncReport | None, SyncStatus]:
    """Runs on a network thread: probe, then one full round if the server answers."""
    before = service.status()
    if not before.enrolled:
        return None, before
    if not service.probe():
        return None, replace(before, online=False)
    report = service.run_once()
    return report, replace(service.status(), online=True)


class SyncController(QObject):
    status_changed = Signal(str, str)  # (short line, tooltip)
    round_finished = Signal(object)  # SyncReport or None
    wiped = Signal(str)  # the server revoked this device; its data is gone

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.running = False
        self.last_status: SyncStatus | None = None
        self._periodic = QTimer(self, interval=PERIOD_MS, timeout=self.sync_now)
        self._soon = QTimer(self, singleShot=True, interval=AFTER_CHANGE_MS, timeout=self.sync_now)
        context.runner.changes_applied.connect(self._on_local_change)

    def start(self) -> None:
        self._periodic.start()
        self.sync_now()

    def stop(self) -> None:
        self._periodic.stop()
        self._soon.stop()

    def _on_local_change(self, changes: Changes, initiator: object) -> None:
        if initiator is not self and self.context.unlocked:
            self._soon.start()

    def sync_now(self) -> None:
        if self.running or not self.context.unlocked:
            return
        self.running = True
        service = SyncService(self.context.db)
        self.context.runner.run_net(lambda: _round(service), self._done, self._failed)

    def refresh(self) -> None:
        """Update the status line from the database alone (no network)."""
        if self.context.unlocked:
            db = self.context.db
            self.context.runner.run_db(lambda: SyncService(db).status(), self._show)

    def _done(self, result: tuple[SyncReport | None, SyncStatus]) -> None:
        self.running = False
        if not self.context.unlocked:
            return
        report, status = result
        self._show(status)
        if report is not None and (report.pulled_rows or report.pulled_conflicts or report.conflicts):
            self.context.runner.announce(Changes(SYNCED_ENTITIES, frozenset()), self)
        self.round_finished.emit(report)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        if not self.context.unlocked:
            return  # locked mid-round: the database was closed under it; the next unlock syncs again
        if isinstance(error, DeviceWiped):
            self.stop()
            self.wiped.emit(str(error))
            return
        self.refresh()
        self.status_changed.emit(f"Sync problem: {error}", str(error))
        self.round_finished.emit(None)

    def _show(self, status: Any) -> None:
        self.last_status = status
        self.status_changed.emit(*describe_status(status))
