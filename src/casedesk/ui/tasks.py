"""The TaskRunner: every database or network call runs off the UI thread; results come back by queued signal.

One single-thread executor serialises everything that touches the database; a small pool serves the network.
`changes_applied(changes, initiator)` tells every view what a write changed and who asked for it, and each view
decides whether to refresh. A progress dialog appears only if a task runs longer than ~600 ms, so quick work never
flashes a window. Tests can switch to `synchronous=True`, which runs tasks inline on the calling thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from casedesk.domain.records import Changes

PROGRESS_DELAY_MS = 600


class CancelFlag:
    """Checked by long tasks between steps; set by the progress dialog's Cancel button."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass
class _Pending:
    on_success: Callable[[Any], None] | None
    on_failure: Callable[[BaseException], None] | None
    progress: QProgressDialog | None = None
    timer: QTimer | None = None


class TaskRunner(QObject):
    changes_applied = Signal(object, object)  # (Changes, initiator)
    _finished = Signal(int, object, object)  # (task id, result, error) — emitted from worker threads
    failed = Signal(str)  # a task failed and nobody handled it: the window shows the message

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casedesk-db")
        self._net = ThreadPoolExecutor(max_workers=3, thread_name_prefix="casedesk-net")
        self._pending: dict[int, _Pending] = {}
        self._next_id = 0
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def run_db(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        progress: str | None = None,
        parent: QWidget | None = None,
        cancel: CancelFlag | None = None,
    ) -> None:
        """Run `fn` on the database thread (writes are serialised there)."""
        self._submit(self._db, fn, on_success, on_failure, progress, parent, cancel)

    def run_net(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._submit(self._net, fn, on_success, on_failure, None, None, None)

    def announce(self, changes: Changes, initiator: object = None) -> None:
        if changes.entities:
            self.changes_applied.emit(changes, initiator)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
        progress: str | None,
        parent: QWidget | None,
        cancel: CancelFlag | None,
    ) -> None:
        if self.synchronous:
            try:
                result = fn()
            except Exception as exc:
                self._fail(on_failure, exc)
            else:
                if on_success:
                    on_success(result)
            return
        task_id = self._next_id
        self._next_id += 1
        pending = _Pending(on_success, on_failure)
        if progress:
            pending.timer = QTimer(self)
            pending.timer.setSingleShot(True)
            pending.timer.timeout.connect(lambda: self._show_progress(task_id, progress, parent, cancel))
            pending.timer.start(PROGRESS_DELAY_MS)
        self._pending[task_id] = pending
        future: Future[Any] = pool.submit(fn)
        future.add_done_callback(lambda f: self._finished.emit(task_id, *self._outcome(f)))

    @staticmethod
    def _outcome(future: Future[Any]) -> tuple[Any, BaseException | None]:
        error = future.exception()
        return (None, error) if error else (future.result(), None)

    def _show_progress(self, task_id: int, label: str, parent: QWidget | None, cancel: CancelFlag | None) -> None:
        pending = self._pending.get(task_id)
        if pending is None:
            return
        dialog = QProgressDialog(label, "Cancel" if cancel else "", 0, 0, parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        if cancel:
            dialog.canceled.connect(cancel.cancel)
        else:
            dialog.setCancelButton(None)
        dialog.show()
        pending.progress = dialog

    def _deliver(self, task_id: int, result: Any, error: BaseException | None) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        if pending.timer:
            pending.timer.stop()
        if pending.progress:
            pending.progress.close()
            pending.progress.deleteLater()
        if error is not None:
            self._fail(pending.on_failure, error)
        elif pending.on_success:
            pending.on_success(result)

    def _fail(self, handler: Callable[[BaseException], None] | None, error: BaseException) -> None:
        if handler:
            handler(error)
        else:
            self.failed.emit(str(error) or type(error).__name__)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self) -> None:
        self._db.shutdown(wait=True, cancel_futures=True)
        self._net.shutdown(wait=False, cancel_futures=True)
