"""Restore from a backup inside the app: from the Sync page, from the notice about a damaged database, and from
the unlock dialog when the database cannot be opened. Real encrypted files and real backup archives throughout.

A wrong passphrase, a damaged backup and a file that is not a backup are each one clear line in the dialog, and
the current database is left exactly as it was (its files byte for byte, and still open and usable).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from casedesk.services import device_backup
from casedesk.store import keyfile
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.ui.application import start
from casedesk.ui.context import AppContext, Profile
from casedesk.ui.main_window import MainWindow
from casedesk.ui.sync.restore_dialog import RestoreDialog
from casedesk.ui.tasks import TaskRunner
from casedesk.ui.unlock.unlock_dialog import UnlockDialog
from tests.factories import PASSPHRASE, add_child, file_digests, opened

PROFILE = Profile(name="Sam Tester", role="DSL", organisation="Hillside Academy")


@pytest.fixture
def backup(db: Database, tmp_path: Path) -> Path:
    """A backup holding Ada only; Ben is recorded after it (and not yet sent to any server)."""
    add_child(db, "Ada", "Okafor", date(2014, 3, 2))
    folder = tmp_path / "backups"
    folder.mkdir()
    written = device_backup.back_up_now(db, folder, datetime.now(UTC), "tester")
    add_child(db, "Ben", "Okafor", date(2015, 4, 3))
    return written


def _names(db_path: Path) -> list[str]:
    with Database.open(db_path, PASSPHRASE) as db, db.session() as session:
        return sorted(repo.get_child(session, cid).given_name for cid in repo.child_ids(session))


def _restore_dialog(window: MainWindow) -> RestoreDialog:
    dialog = window.restore_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _close_boxes(window: MainWindow) -> list[str]:
    texts = []
    for box in window.findChildren(QMessageBox):
        if box.isVisible():
            texts.append(box.text())
            box.accept()
    return texts


def test_restoring_from_the_sync_page_replaces_the_database_and_leads_to_a_sync(
    qtbot: QtBot, db: Database, runner: TaskRunner, backup: Path
) -> None:
    context = AppContext(db.path, runner)
    context.attach(opened(db, PROFILE))
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.caseload.model.rowCount() == 2
    window.sync_page.backups.restore_button.click()
    dialog = _restore_dialog(window)
    assert str(db.path) in dialog.replaces.text() and "have not reached the server yet" in dialog.replaces.text()
    assert not dialog.restore_button.isEnabled()
    dialog.ask_file = lambda: str(backup)  # type: ignore[method-assign]
    dialog.choose()
    assert dialog.backup_info.text().startswith("Backup made ")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setChecked(True)
    dialog.restore_button.click()

    assert not dialog.isVisible() and context.unlocked
    assert window.caseload.model.rowCount() == 1  # Ada, as in the backup
    shown = _close_boxes(window)
    assert any("sends back everything recorded since the backup" in text for text in shown)
    assert window.stack.currentWidget() is window.sync_page
    assert "restored from a backup" in window.sync_page.recovery.text()
    leftovers = [p.name for p in db.path.parent.iterdir() if p.name.endswith((".replaced", ".staging"))]
    assert leftovers == []
    window.close()
    assert _names(db.path) == ["Ada"]


def test_a_wrong_passphrase_a_damaged_backup_or_another_file_change_nothing(
    qtbot: QtBot, db: Database, runner: TaskRunner, backup: Path, tmp_path: Path
) -> None:
    context = AppContext(db.path, runner)
    context.attach(opened(db, PROFILE))
    window = MainWindow(context)
    qtbot.addWidget(window)
    before = file_digests(db.path.parent)
    window.restore_from_backup()
    dialog = _restore_dialog(window)
    dialog.confirm.setChecked(True)

    dialog.choose_file(backup)
    dialog.passphrase.setText("not the passphrase at all")
    dialog.restore_button.click()
    assert dialog.error.text() == "That passphrase does not open this backup. Nothing was changed."

    damaged = backup.parent / "damaged.cdbackup"
    data = bytearray(backup.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = b"\xff" * 64
    damaged.write_bytes(bytes(data))
    dialog.choose_file(damaged)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.restore_button.click()
    assert "damaged" in dialog.error.text() and dialog.error.text().endswith("Nothing was changed.")

    other = backup.parent / "notes.txt"
    other.write_text("not a backup", encoding="utf-8")
    dialog.choose_file(other)
    assert dialog.error.text() == "notes.txt is not a CaseDesk backup, or it is damaged."
    assert not dialog.restore_button.isEnabled()

    dialog.reject()
    assert file_digests(db.path.parent) == before and context.unlocked
    assert window.caseload.model.rowCount() == 2
    window.close()
    assert _names(db.path) == ["Ada", "Ben"]


def test_a_damaged_database_leads_to_restore_from_the_unlock_check(
    qtbot: QtBot, db: Database, runner: TaskRunner, backup: Path
) -> None:
    db.close()
    size = db.path.stat().st_size
    with open(db.path, "r+b") as handle:  # four bytes flipped in a middle page: found by the check at unlock
        handle.seek(size * 3 // 4)  # among the rows written, past the schema
        handle.write(b"\xde\xad\xbe\xef")
    context = AppContext(db.path, runner)
    context.attach(opened(Database.open(db.path, PASSPHRASE), PROFILE))
    window = MainWindow(context)
    qtbot.addWidget(window)
    box = window.damage_box
    assert box.isVisible() and "damaged" in box.text() and "Restore from a backup" in box.text()
    box.button(QMessageBox.StandardButton.Open).click()  # "Restore from a backup…"
    dialog = _restore_dialog(window)
    dialog.choose_file(backup)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setChecked(True)
    dialog.restore_button.click()
    assert context.unlocked and context.damage_notice() is None
    _close_boxes(window)
    window.close()
    assert _names(db.path) == ["Ada"]


def test_a_database_that_will_not_open_is_restored_from_the_unlock_dialog(
    qtbot: QtBot, db: Database, runner: TaskRunner, backup: Path
) -> None:
    context = AppContext(db.path, runner)
    context.attach(opened(db, PROFILE))
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.lock()
    db.path.write_bytes(b"")  # truncated by a failing disk or sync tool
    unlock = window.unlock_dialog
    assert unlock.restore_button.isHidden()
    unlock.passphrase.setText(PASSPHRASE)
    unlock.try_unlock()
    assert "empty (0 bytes)" in unlock.error.text() and not unlock.restore_button.isHidden()
    unlock.restore_button.click()
    dialog = _restore_dialog(window)
    assert "This replaces the database at" in dialog.replaces.text()
    dialog.choose_file(backup)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setChecked(True)
    dialog.restore_button.click()
    assert context.unlocked and not unlock.isVisible()
    assert window.caseload.model.rowCount() == 1
    _close_boxes(window)
    window.close()
    assert _names(db.path) == ["Ada"]


def test_at_start_a_database_that_will_not_open_is_restored_and_the_app_opens_on_it(
    qtbot: QtBot, db: Database, runner: TaskRunner, backup: Path
) -> None:
    db.close()
    db.path.write_bytes(b"")
    context = AppContext(db.path, runner)

    def top(kind: type) -> object:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        shown += [c for w in QApplication.topLevelWidgets() for c in w.findChildren(kind) if c.isVisible()]
        return shown[0] if shown else None

    asked: list[UnlockDialog] = []

    def restore() -> None:  # what the person does in the restore dialog over the unlock dialog
        dialog = top(RestoreDialog)
        if not isinstance(dialog, RestoreDialog):  # no restore was offered: end the start rather than wait
            asked[0].reject()
            return
        dialog.choose_file(backup)
        dialog.passphrase.setText(PASSPHRASE)
        dialog.confirm.setChecked(True)
        dialog.restore_button.click()

    def unlock() -> None:  # the unlock dialog at start: unlocking fails, so the person chooses a restore
        dialog = top(UnlockDialog)
        assert isinstance(dialog, UnlockDialog)
        asked.append(dialog)
        dialog.passphrase.setText(PASSPHRASE)
        dialog.try_unlock()
        assert not dialog.restore_button.isHidden()
        dialog.restore_button.click()
        QTimer.singleShot(0, restore)

    QTimer.singleShot(0, unlock)
    window = start(context)
    assert window is not None and context.unlocked
    qtbot.addWidget(window)
    assert window.caseload.model.rowCount() == 1 and window.stack.currentWidget() is window.sync_page
    assert any("sends back everything recorded since the backup" in text for text in _close_boxes(window))
    window.close()
    assert _names(db.path) == ["Ada"]


def test_the_key_file_watch_leaves_alone_a_database_a_restore_has_closed(
    db: Database, runner: TaskRunner, backup: Path
) -> None:
    context = AppContext(db.path, runner)
    context.attach(opened(db, PROFILE))
    key = keyfile.key_file_path(db.path)
    key.rename(key.with_name("elsewhere"))
    assert context.key_file_gone()  # wiped from elsewhere while open: the window locks
    context.col.close()  # what a restore does before it moves the current files aside
    assert not context.key_file_gone()  # so the swap's brief moment without a key file does not lock the window
