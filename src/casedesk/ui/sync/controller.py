"""Background sync: a round soon after each local change and every minute while unlocked, never on the UI thread.

One round at a time. A round first probes the server so an offline laptop costs one quick failed request, not a
retry storm; the outbox keeps every change until the server has it, so an offline round loses nothing. After a
round that brought rows in, views are told through the same `changes_applied` broadcast local edits use.
A round still running after half a second says so (`progress`), and can be stopped between two steps.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from casedesk.domain.records import Changes
from casedesk.errors import Cancelled, Locked
from casedesk.services.sync import DeviceWiped, SyncRound, SyncStatus, UpdateRequired, describe_status
from casedesk.ui.context import AppContext
from casedesk.ui.tasks import CancelFlag

PERIOD_MS = 60_000
AFTER_CHANGE_MS = 5_000
PROGRESS_AFTER_MS = 500
SYNCING = "Sending this device's changes to the server and receiving others'…"
STOP_IS_SAFE = "Stop ends the round between two steps; nothing waiting to be sent is lost."


class SyncController(QObject):
    status_changed = Signal(str, str)  # (short line, tooltip)
    round_finished = Signal(object)  # SyncReport or None
    wiped = Signal(str)  # the server revoked this device; its data is gone
    progress = Signal(bool)  # True once a round has run past half a second, False when it ends

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.running = False
        self.last_status: SyncStatus | None = None
        self._periodic = QTimer(self, interval=PERIOD_MS)
        self._periodic.timeout.connect(self.sync_now)
        self._soon = QTimer(self, singleShot=True, interval=AFTER_CHANGE_MS)
        self._soon.timeout.connect(self.sync_now)
        self._slow = QTimer(self, singleShot=True, interval=PROGRESS_AFTER_MS)
        self._slow.timeout.connect(self._show_progress)
        self._stop = CancelFlag()
        self.showing_progress = False
        context.runner.changes_applied.connect(self._on_local_change)

    def set_interval(self, minutes: int) -> None:
        """How often rounds run while unlocked (the policy in force sets it; every minute by default)."""
        self._periodic.setInterval(minutes * 60_000)

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
        self._stop = stop = CancelFlag()
        self._slow.start()
        self.context.runner.op(lambda col: col.sync.round(lambda: stop.cancelled)).on_network().success(
            self._done
        ).failure(self._failed).run(initiator=self)

    def cancel(self) -> None:
        """Stop the running round at its next step (safe: the outbox keeps whatever was not sent)."""
        self._stop.cancel()

    def _show_progress(self) -> None:
        if self.running:
            self.showing_progress = True
            self.progress.emit(True)
            self.status_changed.emit("Syncing…", STOP_IS_SAFE)

    def _ended(self) -> None:
        self.running = False
        self._slow.stop()
        if self.showing_progress:
            self.showing_progress = False
            self.progress.emit(False)

    def refresh(self) -> None:
        """Update the status line from the database alone (no network)."""
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.sync.status()).success(self._show).run()

    def _done(self, result: SyncRound) -> None:
        self._ended()
        if not self.context.unlocked:
            return
        self._show(result.status)
        self.round_finished.emit(result.report)

    def _failed(self, error: BaseException) -> None:
        self._ended()
        if not self.context.unlocked:
            return  # locked mid-round: the round stopped at its next database step; the next unlock syncs again
        if isinstance(error, DeviceWiped):
            self.stop()
            self.wiped.emit(str(error))
            return
        if isinstance(error, UpdateRequired):
            self.refresh()  # the status says to update, and that nothing is lost meanwhile
        elif isinstance(error, Cancelled) and not isinstance(error, Locked):
            self.status_changed.emit("Sync stopped", str(error))  # asked for: not a problem to look up
        else:
            self.status_changed.emit(f"Sync problem: {error}", str(error))
            self.refresh()  # then the stored status, which names the recorded problem until a round succeeds
        self.round_finished.emit(None)

    def _show(self, status: Any) -> None:
        self.last_status = status
        self.status_changed.emit(*describe_status(status))
