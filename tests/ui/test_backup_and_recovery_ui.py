"""The Sync page's device backups (folder, daily, kept days, last date) and its notice after a restore."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk import config
from casedesk.store.database import Database
from casedesk.ui.context import AppContext
from casedesk.ui.sync.controller import SyncController
from casedesk.ui.sync.page import SyncPage


def test_scheduling_backups_and_backing_up_now(qtbot: QtBot, context: AppContext, tmp_path: Path) -> None:
    page = SyncPage(context, SyncController(context))
    qtbot.addWidget(page)
    page.reload()
    panel = page.backups
    assert panel.last.text() == "No backup yet" and not panel.daily.isChecked()

    panel.back_up_now()
    assert "Choose a folder" in panel.message.text()
    panel.ask_folder = lambda: str(tmp_path / "missing")  # type: ignore[method-assign]
    panel.choose_folder()
    assert "does not exist" in panel.message.text()

    panel.ask_folder = lambda: str(tmp_path)  # type: ignore[method-assign]
    panel.choose_folder()
    panel.keep.setValue(30)
    panel.daily.setChecked(True)
    assert "saved" in panel.message.text()
    panel.run_if_due()  # daily and never backed up: due now
    (written,) = list(tmp_path.glob("casedesk-*.cdbackup"))
    assert panel.last.text().startswith("Last backup: ") and written.name in panel.last.text()
    panel.run_if_due()
    assert len(list(tmp_path.glob("casedesk-*.cdbackup"))) == 1  # once a day

    again = SyncPage(context, SyncController(context))  # the schedule is kept in the database
    qtbot.addWidget(again)
    again.reload()
    assert again.backups.folder.text() == str(tmp_path) and again.backups.keep.value() == 30
    assert again.backups.daily.isChecked()


def test_the_sync_page_says_when_the_server_went_back_in_time(
    qtbot: QtBot, context: AppContext, db: Database, tmp_path: Path
) -> None:
    page = SyncPage(context, SyncController(context))
    qtbot.addWidget(page)
    page.reload()
    assert page.recovery.isHidden()
    db.put(config.RECOVERY, {"kind": "server", "fork": 10, "detected_at": "2026-11-30T09:00"})
    page.reload()
    assert not page.recovery.isHidden() and "went back in time" in page.recovery.text()
    db.put(config.RECOVERY, None)
    db.put(config.RECOVERY_NOTICE, {"text": "The server was restored from a backup; 3 re-sent.", "at": "x"})
    page.reload()
    assert "3 re-sent" in page.recovery.text()
