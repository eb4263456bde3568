"""Background sync: a round soon after each local change and every minute while unlocked, never on the UI thread.

One round at a time. A round first probes the server so an offline laptop costs one quick failed request, not a
retry storm; the outbox keeps every change until the server has it, so an offline round loses nothing. After a
round that brought rows in, views are told through the same `changes_applied` broadcast local edits use.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from casedesk.domain.records import Changes
from casedesk.services.sync import DeviceWiped, SyncRound, SyncStatus, describe_status
from casedesk.ui.context import AppContext

PERIOD_MS = 60_000
AFTER_CHANGE_MS = 5_000


class SyncController(QObject):
    status_changed = Signal(str, str)  # (short line, tooltip)
    round_finished = Signal(object)  # SyncReport or None
    wiped = Signal(str)  # the server revoked this device; its data is gone

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.running = False
        self.last_status: SyncStatus | None = None
        self._periodic = QTimer(self, interval=PERIOD_MS)
        self._periodic.timeout.connect(self.sync_now)
        self._soon = QTimer(self, singleShot=True, interval=AFTER_CHANGE_MS)
        self._soon.timeout.connect(self.sync_now)
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
        self.context.runner.op(lambda col: col.sync.round()).on_network().success(self._done).failure(self._failed).run(
            initiator=self
        )

    def refresh(self) -> None:
        """Update the status line from the database alone (no network)."""
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.sync.status()).success(self._show).run()

    def _done(self, result: SyncRound) -> None:
        self.running = False
        if not self.context.unlocked:
            return
        self._show(result.status)
        self.round_finished.emit(result.report)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        if not self.context.unlocked:
            return  # locked mid-round: the round stopped at its next database step; the next unlock syncs again
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
