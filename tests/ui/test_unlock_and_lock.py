"""First run, unlock with right and wrong passphrases, Ctrl+L and idle auto-lock returning to the same place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox

from casedesk import config
from casedesk.store.database import Database
from casedesk.ui.context import AppContext
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tasks import TaskRunner
from casedesk.ui.unlock.first_run_dialog import FirstRunDialog
from casedesk.ui.unlock.unlock_dialog import UnlockDialog
from tests.factories import PASSPHRASE, add_child


def _press_ok(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_first_run_creates_the_encrypted_database_and_profile(
    qtbot, tmp_path: Path, runner: TaskRunner, fast_kdf
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "first.db"
    context = AppContext(path, runner)
    dialog = FirstRunDialog(context, path)
    qtbot.addWidget(dialog)
    dialog.name.setText("Priya Shah")
    dialog.organisation.setText("Northgate Primary")
    dialog.passphrase.setText("short")
    _press_ok(dialog)
    assert "at least 8" in dialog.error.text() and not path.exists()
    dialog.passphrase.setText("four random words here")
    dialog.confirm.setText("four random words herE")
    _press_ok(dialog)
    assert "differ" in dialog.error.text()
    assert dialog.meter.value() >= 3
    dialog.confirm.setText("four random words here")
    _press_ok(dialog)
    assert context.unlocked and context.profile.name == "Priya Shah"
    context.lock()
    with Database.open(path, "four random words here") as db:
        assert db.get(config.PROFILE).organisation == "Northgate Primary"


def test_unlock_says_when_the_passphrase_is_wrong_and_lets_the_user_try_again(
    qtbot,
    db: Database,
    runner: TaskRunner,  # type: ignore[no-untyped-def]
) -> None:
    db.close()
    context = AppContext(db.path, runner)
    dialog = UnlockDialog(context, db.path)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("not my passphrase")
    _press_ok(dialog)
    assert "not right" in dialog.error.text() and not context.unlocked
    assert dialog.passphrase.hasFocus() or dialog.passphrase.selectedText() == "not my passphrase"
    dialog.passphrase.setText(PASSPHRASE)
    _press_ok(dialog)
    assert context.unlocked and dialog.result() == UnlockDialog.DialogCode.Accepted


def test_lock_drops_the_database_and_unlock_returns_to_the_same_child(
    qtbot,
    context: AppContext,  # type: ignore[no-untyped-def]
) -> None:
    child_id = add_child(context.col.db, "Hester", "Wainwright", date(2012, 4, 4))
    window = MainWindow(context, idle_seconds=3600)
    qtbot.addWidget(window)
    window.open_child(child_id)
    assert window.child.title.text() == "Hester Wainwright"
    # Offscreen windows are never "active", so Qt does not route shortcuts to them: trigger the bound action.
    [lock] = [a for a in window.actions() if a.shortcut() == QKeySequence("Ctrl+L")]
    lock.trigger()
    assert not context.unlocked and window.stack.currentWidget() is window.locked_page
    assert window.caseload.model.rowCount() == 0
    unlock = window.unlock_dialog
    unlock.passphrase.setText(PASSPHRASE)
    _press_ok(unlock)
    assert context.unlocked
    assert window.stack.currentWidget() is window.child and window.child.title.text() == "Hester Wainwright"


def test_idle_time_locks_the_app(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context, idle_seconds=0.3)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not context.unlocked, timeout=5000)
    assert window.lock_state.text() == "Locked"
    window.unlock_dialog.passphrase.setText(PASSPHRASE)
    _press_ok(window.unlock_dialog)
    assert context.unlocked
    window.idle.limit_seconds = 3600
