"""Unlocking, importing and syncing say what they are doing once they take more than a moment, and go away after.

Each runs on a real TaskRunner (its real database thread) over a real encrypted file. To make the work slow
without touching it, the database thread is first given another task that waits on a gate, as a long write
would hold it: the operation under test queues behind it. While it waits, a timer on the UI thread keeps firing
(the window is responsive) and the progress shows; when the gate opens the work finishes and the progress goes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.ui.caseload.view import CaseloadView
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.sync.controller import SyncController
from casedesk.ui.sync.page import SyncPage
from casedesk.ui.tasks import TaskRunner
from casedesk.ui.unlock.unlock_dialog import UnlockDialog
from tests.factories import PASSPHRASE, opened
from tests.sync.fixtures import fast_passwords, server  # noqa: F401
from tests.sync.harness import Server, UvicornProcess, make_device

PROFILE = Profile(name="Sam Tester", role="DSL", organisation="Hillside Academy")


@pytest.fixture
def threaded(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


class Busy:
    """Holds the database thread until `release`, and counts the UI thread's timer ticks meanwhile."""

    def __init__(self, runner: TaskRunner) -> None:
        self.gate = threading.Event()
        runner.run_db(self.gate.wait)
        self.ticks = 0
        self.timer = QTimer(interval=20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.ticks += 1

    def responsive(self, qtbot: QtBot) -> None:
        """The UI thread keeps running its event loop while the work waits."""
        seen = self.ticks
        qtbot.waitUntil(lambda: self.ticks >= seen + 3)

    def release(self) -> None:
        self.gate.set()
        self.timer.stop()


def _progress() -> QProgressDialog | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
    shown += [
        w
        for top in QApplication.topLevelWidgets()
        for w in top.findChildren(QProgressDialog)
        if w.isVisible() and w not in shown
    ]
    return shown[0] if shown else None


def test_a_slow_unlock_shows_progress_and_the_window_stays_responsive(
    qtbot: QtBot, db: Database, threaded: TaskRunner
) -> None:
    context = AppContext(db.path, threaded)
    dialog = UnlockDialog(context, db.path)
    qtbot.addWidget(dialog)
    dialog.show()
    busy = Busy(threaded)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.try_unlock()
    qtbot.waitUntil(lambda: _progress() is not None)
    shown = _progress()
    assert shown is not None and "Unlocking" in shown.labelText() and "checking" in shown.labelText()
    busy.responsive(qtbot)
    assert not context.unlocked and not dialog.buttons.isEnabled()  # one unlock at a time
    busy.release()
    qtbot.waitUntil(lambda: context.unlocked and _progress() is None)
    assert dialog.result() == dialog.DialogCode.Accepted
    context.lock()


def _csv(folder: Path, rows: int) -> Path:
    path = folder / "children.csv"
    body = "".join(f"Child{n},Family{n},2013-05-01\n" for n in range(rows))
    path.write_text("given_name,family_name,date_of_birth\n" + body, encoding="utf-8")
    return path


def _children(db: Database) -> int:
    with db.session() as session:
        return len(repo.child_ids(session))


def test_a_slow_import_shows_progress_then_what_was_imported(
    qtbot: QtBot, db: Database, threaded: TaskRunner, tmp_path: Path
) -> None:
    context = AppContext(db.path, threaded)
    context.attach(opened(db, PROFILE))
    view = CaseloadView(context)
    qtbot.addWidget(view)
    view.importer.ask_file = lambda: str(_csv(tmp_path, 120))  # type: ignore[method-assign]
    busy = Busy(threaded)
    view.import_button.click()
    qtbot.waitUntil(lambda: _progress() is not None)
    shown = _progress()
    assert shown is not None and "Importing children from children.csv" in shown.labelText()
    busy.responsive(qtbot)
    busy.release()
    qtbot.waitUntil(lambda: view.importer.box is not None and view.importer.box.isVisible())
    assert _progress() is None
    assert view.importer.box is not None and "Imported 120 child record(s)" in view.importer.box.text()
    view.importer.box.accept()
    qtbot.waitUntil(lambda: view.model.rowCount() == 120)  # the caseload refreshed from the broadcast
    context.lock()


def test_cancelling_a_slow_import_keeps_nothing_of_it(
    qtbot: QtBot, db: Database, threaded: TaskRunner, tmp_path: Path
) -> None:
    context = AppContext(db.path, threaded)
    context.attach(opened(db, PROFILE))
    view = CaseloadView(context)
    qtbot.addWidget(view)
    view.importer.ask_file = lambda: str(_csv(tmp_path, 50))  # type: ignore[method-assign]
    busy = Busy(threaded)
    view.import_button.click()
    qtbot.waitUntil(lambda: _progress() is not None)
    shown = _progress()
    assert shown is not None
    cancel = shown.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    cancel.click()
    busy.release()
    qtbot.waitUntil(lambda: view.importer.box is not None and view.importer.box.isVisible())
    assert view.importer.box is not None and "Import stopped; nothing was imported" in view.importer.box.text()
    view.importer.box.accept()
    qtbot.waitUntil(lambda: not threaded.busy)
    assert _children(db) == 0
    context.lock()


@pytest.fixture
def live(server: Server) -> Iterator[tuple[Server, UvicornProcess]]:  # noqa: F811
    proc = UvicornProcess(server.url).start()
    yield server, proc
    proc.kill()


def test_a_slow_sync_shows_in_the_page_can_be_stopped_and_loses_nothing(
    qtbot: QtBot, live: tuple[Server, UvicornProcess], tmp_path: Path, threaded: TaskRunner
) -> None:
    srv, proc = live
    org = srv.org("Riverside Academy")
    srv.user(org, "ann")
    device = make_device(tmp_path, "ann", srv, "ann", base_url=proc.base_url)
    device.add_child("Ada", "Okafor", org)
    context = AppContext(device.db.path, threaded)
    context.attach(opened(device.db, Profile(name="Ann Ahmed", role="DSL", organisation="Riverside Academy")))
    controller = SyncController(context)
    page = SyncPage(context, controller)
    qtbot.addWidget(page)
    page.show()
    assert page.busy.isHidden()

    busy = Busy(threaded)
    page.sync_button.click()
    qtbot.waitUntil(lambda: page.busy.isVisible())
    assert "Sending this device" in page.busy.label.text() and page.status.text().startswith("Syncing…")
    busy.responsive(qtbot)
    page.busy.stop_button.click()
    busy.release()
    qtbot.waitUntil(lambda: not controller.running)
    assert page.busy.isHidden() and page.status.text().startswith("Sync stopped")
    assert "Nothing is lost" in page.status.text()
    pending = threaded.call_db(lambda: context.col.sync.status().pending)
    assert pending > 0  # stopped before sending: the outbox still holds the new child

    controller.sync_now()  # the next round carries on
    qtbot.waitUntil(lambda: not controller.running)
    qtbot.waitUntil(lambda: not threaded.busy)
    assert threaded.call_db(lambda: context.col.sync.status().pending) == 0
    assert page.busy.isHidden()
    context.lock()
