"""The TaskRunner: every database or network call runs off the UI thread; results come back by queued signal.

One single-thread executor serialises everything that touches the database; a small pool serves the network.
`changes_applied(changes, initiator)` tells every view what a write changed and who asked for it, and each view
decides whether to refresh. A progress dialog appears only if a task runs longer than ~600 ms, so quick work never
flashes a window. A failure reaches its callback (or the `failed` signal) as a sentence fit to show: a full disk
or a busy database in the command line's words, anything unforeseen naming what failed and where the detail was
logged (`services.failures`). Tests can switch to `synchronous=True`, which runs tasks inline on the calling thread.

Views reach the open database only through operations on the collection (Anki's `CollectionOp` / `QueryOp`):

    runner.op(lambda col: col.referrals.transition(rid, "sent")).success(show).failure(warn).run(initiator=self)
    runner.query(lambda col: col.referrals.timeline(rid)).success(fill).run()

`op` is for writes: the call returns `(result, Changes)` or `Changes`; `success` receives the result, then the
changes are broadcast once. `query` is for reads and broadcasts nothing. Both run on the database thread, and
both fail with `Locked` (to the failure callback, or the `failed` signal) when the app is locked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from casedesk.domain.records import Changes
from casedesk.errors import Locked
from casedesk.services.collection import Collection
from casedesk.services.failures import for_user

T = TypeVar("T")

PROGRESS_DELAY_MS = 600
DB_THREAD = "casedesk-db"


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
    what: str = "a task"
    progress: QProgressDialog | None = None
    timer: QTimer | None = None


def _no_collection() -> Collection:
    raise Locked()


def describe(fn: Callable[..., Any], label: str | None = None) -> str:
    """What a task is, for an error message: its progress label, else where in the app it was started."""
    if label:
        return label.rstrip("…. ").lower()
    name = getattr(fn, "__qualname__", type(fn).__name__).split(".<locals>")[0]
    return f"{name} ({getattr(fn, '__module__', '') or 'casedesk'})"


def split_changes(out: Any) -> tuple[Any, Changes]:
    """An operation's `(result, Changes)` or bare `Changes`, as a pair; anything else is a programming error."""
    if isinstance(out, Changes):
        return None, out
    if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], Changes):
        return out[0], out[1]
    raise TypeError(f"an operation returns (result, Changes) or Changes, not {type(out).__name__}")


class CollectionOp(Generic[T]):
    """One call on the collection, built up then run: `.success(...).failure(...).with_progress(...).run(...)`."""

    def __init__(self, runner: TaskRunner, fn: Callable[[Collection], Any], *, writes: bool) -> None:
        self._runner = runner
        self._fn = fn
        self._writes = writes
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._progress: str | None = None
        self._parent: QWidget | None = None
        self._cancel: CancelFlag | None = None
        self._network = False

    def success(self, callback: Callable[[T], None]) -> CollectionOp[T]:
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> CollectionOp[T]:
        self._failure = callback
        return self

    def with_progress(
        self, label: str, parent: QWidget | None = None, cancel: CancelFlag | None = None
    ) -> CollectionOp[T]:
        """Show `label` in a progress dialog if the call is still running after ~600 ms."""
        self._progress, self._parent, self._cancel = label, parent, cancel
        return self

    def on_network(self) -> CollectionOp[T]:
        """Run on the network pool instead: for calls that wait on a server and reach the database only through
        the collection's own hop to the database thread (a sync round)."""
        self._network = True
        return self

    def run(self, initiator: object = None) -> None:
        """Queue the call; `initiator` is named in the broadcast of what it changed."""
        runner = self._runner
        try:
            col = runner.collection()
        except Exception as exc:
            runner._fail(self._failure, exc, describe(self._fn, self._progress))
            return
        fn, writes = self._fn, self._writes
        work = col.guarded(lambda: split_changes(fn(col)) if writes else fn(col))
        done = (lambda out: self._finish(col, out, initiator)) if writes else self._success
        what = describe(self._fn, self._progress)
        if self._network:
            runner.run_net(work, done, self._failure, what=what)
        else:
            runner.run_db(
                work, done, self._failure, progress=self._progress, parent=self._parent, cancel=self._cancel, what=what
            )

    def _finish(self, col: Collection, out: tuple[Any, Changes], initiator: object) -> None:
        result, changes = out
        try:
            if self._success:
                self._success(result)
        finally:
            if self._runner.current() is col:  # locked meanwhile: the views were cleared and reload on unlock
                self._runner.announce(changes, initiator)


class TaskRunner(QObject):
    changes_applied = Signal(object, object)  # (Changes, initiator)
    _finished = Signal(int, object, object)  # (task id, result, error) — emitted from worker threads
    failed = Signal(str)  # a task failed and nobody handled it: the window shows the message

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix=DB_THREAD)
        self._net = ThreadPoolExecutor(max_workers=3, thread_name_prefix="casedesk-net")
        self._pending: dict[int, _Pending] = {}
        self._next_id = 0
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.collection: Callable[[], Collection] = _no_collection
        self.database_path: Path | None = None  # where a full disk is measured (set by the app's context)

    def bind(self, collection: Callable[[], Collection]) -> None:
        """Where operations find the open collection: a callable that raises `Locked` while the app is locked."""
        self.collection = collection

    def current(self) -> Collection | None:
        """The open collection, or None while locked."""
        try:
            return self.collection()
        except Locked:
            return None

    def op(self, fn: Callable[[Collection], Any]) -> CollectionOp[Any]:
        """A write: `fn(col)` returns `(result, Changes)` or `Changes`; the changes are broadcast after success."""
        return CollectionOp(self, fn, writes=True)

    def query(self, fn: Callable[[Collection], T]) -> CollectionOp[T]:
        """A read: `fn(col)`'s result goes to the success callback; nothing is broadcast."""
        return CollectionOp(self, fn, writes=False)

    def run_db(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        progress: str | None = None,
        parent: QWidget | None = None,
        cancel: CancelFlag | None = None,
        what: str | None = None,
    ) -> None:
        """Run `fn` on the database thread (writes are serialised there); `what` names it in an error message."""
        self._submit(self._db, fn, on_success, on_failure, progress, parent, cancel, what or describe(fn, progress))

    def run_net(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        progress: str | None = None,
        parent: QWidget | None = None,
        what: str | None = None,
    ) -> None:
        """Run `fn` on the network pool (it waits on a server); `progress` as for `run_db`, without Cancel."""
        self._submit(self._net, fn, on_success, on_failure, progress, parent, None, what or describe(fn, progress))

    def call_db(self, fn: Callable[[], T]) -> T:
        """Run `fn` on the database thread and wait for its result: how work on a network thread (a sync round)
        reads and writes the database. Called on the database thread itself, it runs at once (no deadlock)."""
        if self.synchronous or threading.current_thread().name.startswith(DB_THREAD):
            return fn()
        return self._db.submit(fn).result()

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
        what: str,
    ) -> None:
        if self.synchronous:
            try:
                result = fn()
            except Exception as exc:
                self._fail(on_failure, exc, what)
            else:
                if on_success:
                    on_success(result)
            return
        task_id = self._next_id
        self._next_id += 1
        pending = _Pending(on_success, on_failure, what)
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
            self._fail(pending.on_failure, error, pending.what)
        elif pending.on_success:
            pending.on_success(result)

    def _fail(self, handler: Callable[[BaseException], None] | None, error: BaseException, what: str) -> None:
        """Hand the failure on as a sentence: a `CaseDeskError` as it is, a full disk or a busy database in plain
        words, anything else logged (without personal data) and named with where it was logged."""
        error = for_user(error, what, self.database_path)
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
