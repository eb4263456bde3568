"""The one way the UI runs work on the collection: `runner.op(...)` for writes, `runner.query(...)` for reads.

These use a real TaskRunner with its real database thread (not the synchronous mode the page tests use), so
they prove where the work runs, that results come back on the UI thread, and what is broadcast when.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog
from pytestqt.qtbot import QtBot

from casedesk.config import Profile
from casedesk.domain.records import Changes, Child
from casedesk.errors import Locked, UnexpectedError, ValidationError
from casedesk.services.collection import Collection
from casedesk.store.database import Database
from casedesk.store.journal import outbox
from casedesk.ui.context import AppContext
from casedesk.ui.tasks import TaskRunner
from tests.factories import PASSPHRASE, opened

ADA = {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": date(2014, 3, 2)}


@pytest.fixture
def threaded(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def live(db: Database, threaded: TaskRunner) -> AppContext:
    context = AppContext(db.path, threaded)
    context.attach(opened(db, Profile(name="Sam Tester", role="DSL", organisation="Hillside Academy")))
    return context


class Recorder:
    """Collects what the callbacks and the broadcast saw, and on which thread."""

    def __init__(self, runner: TaskRunner) -> None:
        self.results: list[Any] = []
        self.errors: list[BaseException] = []
        self.broadcasts: list[tuple[Changes, object]] = []
        self.threads: list[str] = []
        runner.changes_applied.connect(lambda changes, initiator: self.broadcasts.append((changes, initiator)))

    def success(self, result: Any) -> None:
        self.threads.append(threading.current_thread().name)
        self.results.append(result)

    def failure(self, error: BaseException) -> None:
        self.errors.append(error)

    @property
    def done(self) -> bool:
        return bool(self.results or self.errors)


def test_an_op_runs_on_the_database_thread_then_hands_back_its_result_and_broadcasts_once(
    qtbot: QtBot, live: AppContext
) -> None:
    seen = Recorder(live.runner)
    worker: list[str] = []

    def create(col: Collection) -> tuple[Child, Changes]:
        worker.append(threading.current_thread().name)
        return col.children.create_child(ADA)

    initiator = object()
    live.runner.op(create).success(seen.success).failure(seen.failure).run(initiator=initiator)
    qtbot.waitUntil(lambda: bool(seen.broadcasts))
    assert worker[0].startswith("casedesk-db") and seen.threads == [threading.main_thread().name]
    (child,) = seen.results
    assert isinstance(child, Child) and child.given_name == "Ada"
    ((changes, who),) = seen.broadcasts
    assert who is initiator and changes.entities == {"children"} and child.id in changes.row_ids


def test_a_query_hands_back_its_result_and_broadcasts_nothing(qtbot: QtBot, live: AppContext) -> None:
    live.col.children.create_child(ADA)
    seen = Recorder(live.runner)
    live.runner.query(lambda col: col.children.caseload()).success(seen.success).run()
    qtbot.waitUntil(lambda: seen.done)
    assert [r.name for r in seen.results[0].rows] == ["Ada Okafor"] and seen.broadcasts == []


def test_a_refused_op_reaches_the_failure_callback_and_nothing_is_broadcast(qtbot: QtBot, live: AppContext) -> None:
    seen = Recorder(live.runner)
    live.runner.op(lambda col: col.children.create_child({**ADA, "given_name": ""})).success(seen.success).failure(
        seen.failure
    ).run()
    qtbot.waitUntil(lambda: seen.done)
    assert isinstance(seen.errors[0], ValidationError) and seen.results == [] and seen.broadcasts == []
    assert outbox.pending_batch(live.col.db, 10) == []


def test_an_op_that_does_not_say_what_it_changed_is_a_programming_error(qtbot: QtBot, live: AppContext) -> None:
    seen = Recorder(live.runner)
    live.runner.op(lambda col: col.children.view).failure(seen.failure).run()
    qtbot.waitUntil(lambda: seen.done)
    error = seen.errors[0]  # unforeseen: shown by what failed and where it was logged, the cause kept for the log
    assert isinstance(error, UnexpectedError) and "TypeError" in str(error) and "logged in" in str(error)
    assert isinstance(error.__cause__, TypeError) and "Changes" in str(error.__cause__)


def test_while_locked_an_op_fails_with_locked_and_unhandled_failures_reach_the_window(
    qtbot: QtBot, live: AppContext
) -> None:
    live.lock()
    seen = Recorder(live.runner)
    live.runner.op(lambda col: col.children.create_child(ADA)).failure(seen.failure).run()
    assert isinstance(seen.errors[0], Locked)
    with qtbot.waitSignal(live.runner.failed) as shown:
        live.runner.query(lambda col: col.children.caseload()).run()
    assert shown.args == ["CaseDesk is locked."]


def test_an_op_queued_before_a_lock_finishes_first_and_is_not_broadcast_to_the_cleared_views(
    qtbot: QtBot, live: AppContext, db: Database
) -> None:
    gate = threading.Event()
    live.runner.run_db(gate.wait)  # the database thread is busy: what follows waits in its queue
    seen = Recorder(live.runner)
    live.runner.op(lambda col: col.children.create_child(ADA)).success(seen.success).failure(seen.failure).run()
    live.lock()  # queues the close behind the op
    gate.set()
    qtbot.waitUntil(lambda: seen.done)
    assert seen.errors == [] and seen.broadcasts == []  # saved, but nobody is shown it while locked
    qtbot.waitUntil(lambda: not live.runner.busy)
    reopened = Database.open(db.path, PASSPHRASE)
    try:
        assert [c["entity"] for c in outbox.pending_batch(reopened, 10)] == ["children"]
    finally:
        reopened.close()


def test_progress_shows_only_for_work_still_running_and_closes_when_it_ends(qtbot: QtBot, live: AppContext) -> None:
    gate = threading.Event()
    seen = Recorder(live.runner)

    def slow(col: Collection) -> tuple[Child, Changes]:
        gate.wait()
        return col.children.create_child(ADA)

    live.runner.op(slow).with_progress("Saving…").success(seen.success).run()
    qtbot.waitUntil(lambda: _progress() is not None)
    assert _progress().labelText() == "Saving…"  # type: ignore[union-attr]
    gate.set()
    qtbot.waitUntil(lambda: seen.done and _progress() is None)
    assert seen.broadcasts and seen.results


def _progress() -> QProgressDialog | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
    return shown[0] if shown else None
