"""Real widgets offscreen over real encrypted databases. A test that leaves a dialog open fails."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from casedesk.store.database import Database
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.tasks import TaskRunner
from tests.factories import opened


@pytest.fixture(autouse=True)
def _no_dialog_left_open(qapp: QApplication) -> Iterator[None]:
    yield
    left = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    for dialog in left:
        dialog.reject()
    assert not left, f"dialogs left open: {[d.windowTitle() for d in left]}"


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    task_runner = TaskRunner(synchronous=True)
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def context(db: Database, runner: TaskRunner) -> AppContext:
    app_context = AppContext(db.path, runner)
    app_context.attach(opened(db, Profile(name="Sam Tester", role="DSL", organisation="Hillside Academy")))
    return app_context
